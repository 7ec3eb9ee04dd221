from __future__ import annotations

from django.contrib import admin

from audit.admin_audit import AuditedModelAdminMixin
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
