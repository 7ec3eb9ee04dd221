from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import customer_actions
from accounts.customer_actions import CustomerAction, StaffActionForm
from audit.admin_audit import AuditedModelAdminMixin
from vies import services
from vies.models import VatCheck


@admin.register(VatCheck)
class VatCheckAdmin(AuditedModelAdminMixin, admin.ModelAdmin):
    """The proof as VIES gave it: read-only."""

    list_display = ("vat_id", "user", "result", "reason", "requested_at", "checked_at", "consultation_number")
    list_filter = ("result",)
    search_fields = ("vat_id", "consultation_number", "user__username")
    readonly_fields = [field.name for field in VatCheck._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _has_vat_id(customer) -> bool:
    profile = getattr(customer, "profile", None)
    return profile is not None and bool(profile.vat_id)


def _recheck(request, customer, data: dict) -> str:
    check = services.vat_check_profile(user=customer)
    if check.result == VatCheck.Result.VALID:
        return gettext("VIES: %(vat_id)s is geldig (raadplegingsnummer %(number)s).") % {
            "vat_id": check.vat_id,
            "number": check.consultation_number or "–",
        }
    if check.result == VatCheck.Result.INVALID:
        return gettext("VIES: %(vat_id)s is niet geldig.") % {"vat_id": check.vat_id}
    return gettext("VIES gaf geen antwoord (%(reason)s); het wordt automatisch opnieuw geprobeerd.") % {
        "reason": check.reason or "–"
    }


customer_actions.register(
    CustomerAction(
        "vies_check",
        _("Btw-identificatienummer opnieuw controleren in VIES"),
        StaffActionForm,
        _recheck,
        _has_vat_id,
        permission="vies.add_vatcheck",
        refusals=(services.ViesError,),
        external=True,
        order=70,
    ),
)
