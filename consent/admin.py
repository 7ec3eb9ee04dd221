from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from consent import cookies, statement, statement_services
from consent.models import CookieConsentRecord, Processor, StatementVersion

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


def _section_fieldsets():
    fieldsets = [
        (None, {"fields": ("number", "status", "effective_date", "published_at", "preview")}),
        (_("Aankondiging"), {"fields": ("summary_nl", "summary_en")}),
    ]
    for stem, heading in StatementVersion.SECTIONS:
        fieldsets.append((heading, {"fields": (f"{stem}_nl", f"{stem}_en")}))
    return fieldsets


@admin.register(StatementVersion)
class StatementVersionAdmin(admin.ModelAdmin):
    """Drafts are edited here; publishing is an action (it goes through the service). A
    published version is shown read-only and cannot be deleted."""

    list_display = ("number", "status", "effective_date", "published_at", "mailed", "opened", "preview")
    list_filter = ("status",)
    actions = ("publish",)
    fieldsets = _section_fieldsets()
    readonly_fields = ("number", "status", "published_at", "preview")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(
                mailed_count=Count("announcements", distinct=True),
                opened_count=Count("readings", distinct=True),
            )
        )

    @admin.display(description=_("gemaild aan"), ordering="mailed_count")
    def mailed(self, obj: StatementVersion) -> int:
        return getattr(obj, "mailed_count", 0)

    @admin.display(description=_("geopend door"), ordering="opened_count")
    def opened(self, obj: StatementVersion) -> int:
        return getattr(obj, "opened_count", 0)

    @admin.display(description=_("voorbeeld"))
    def preview(self, obj: StatementVersion) -> str:
        if obj is None or obj.pk is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a>', reverse("privacy_version", args=[obj.number]), _("Bekijk deze versie")
        )

    def changelist_view(self, request: HttpRequest, extra_context=None):
        number = statement.register_changed_since_publication()
        if number is not None:
            self.message_user(
                request,
                _(
                    "Het register van persoonsgegevens of de lijst van ontvangers is gewijzigd sinds versie "
                    "%(number)s werd gepubliceerd. De privacyverklaring toont de nieuwe stand al; publiceer een "
                    "nieuwe versie om de wijziging aan te kondigen."
                )
                % {"number": number},
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    def has_change_permission(self, request: HttpRequest, obj: StatementVersion | None = None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: StatementVersion | None = None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        """A new draft starts as a copy of the newest published version."""
        initial = super().get_changeform_initial_data(request)
        latest = statement.latest_version()
        if latest is not None:
            for stem, _heading in StatementVersion.SECTIONS:
                for language in statement.LANGUAGES:
                    initial.setdefault(f"{stem}_{language}", getattr(latest, f"{stem}_{language}"))
        initial.setdefault("effective_date", statement.today())
        return initial

    def save_model(self, request: HttpRequest, obj: StatementVersion, form, change: bool) -> None:
        if obj.number is None:
            obj.number = statement_services.next_number()
        super().save_model(request, obj, form, change)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        super().delete_queryset(request, queryset.filter(status=StatementVersion.Status.DRAFT))

    @admin.action(description=_("Publiceren en aan alle klanten aankondigen"), permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        for version in queryset.order_by("number"):
            try:
                statement_services.publish_version(version=version, by=request.user)
            except statement.StatementError as error:
                self.message_user(request, f"{version}: {error}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(version)s is gepubliceerd; de aankondiging gaat naar alle actieve klanten.")
                    % {"version": version},
                    messages.SUCCESS,
                )

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("consent.change_statementversion")


@admin.register(Processor)
class ProcessorAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "country", "outside_eu", "transfer_basis_nl", "agreement_date", "order")
    list_editable = ("order",)
    fields = (
        "key",
        "name",
        "purpose_nl",
        "purpose_en",
        "country",
        "outside_eu",
        "transfer_basis_nl",
        "transfer_basis_en",
        "agreement_date",
        "order",
    )

    def has_delete_permission(self, request: HttpRequest, obj: Processor | None = None) -> bool:
        """A processor the register names cannot go (the statement would lose a recipient)."""
        if obj is not None and obj.key in _keys_in_register():
            return False
        return super().has_delete_permission(request, obj)


def _keys_in_register() -> set[str]:
    from retention import registry

    return {key for category in registry.categories() for key in category.recipients}


# --- end statement -----------------------------------------------------------------------
