from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from consent import cookies
from consent.models import CookieConsentRecord

# --- cookie consent ---


@admin.register(CookieConsentRecord)
class CookieConsentRecordAdmin(admin.ModelAdmin):
    """Proof of cookie decisions, read only: staff look up the consent id a visitor reads
    out from their cookie settings page (dashes, case and look-alike letters do not matter)."""

    list_display = ("consent_id", "decided_at", "accepted_groups", "refused_groups", "statement_version", "user")
    list_filter = ("decided_at", "statement_version")
    search_fields = ("consent_id",)
    search_help_text = _("Toestemmings-id, bijvoorbeeld 7K3M-9QXP-A2ZB-R4TD")
    date_hierarchy = "decided_at"
    list_select_related = ("user",)
    fields = (
        "consent_id",
        "decided_at",
        "accepted",
        "refused",
        "statement_version",
        "cookie_revision",
        "ip_network",
        "user_agent",
        "user",
    )
    readonly_fields = fields

    @admin.display(description=_("geaccepteerd"))
    def accepted_groups(self, obj: CookieConsentRecord) -> str:
        return ", ".join(obj.accepted) or "–"

    @admin.display(description=_("geweigerd"))
    def refused_groups(self, obj: CookieConsentRecord) -> str:
        return ", ".join(obj.refused) or "–"

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        term = "".join(c for c in search_term[:100] if c.isprintable()).strip()
        if not term:
            return super().get_search_results(request, queryset, "")
        return queryset.filter(consent_id=cookies.normalise_consent_id(term)), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
