from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consent.cookies import selectors as cookies
from consent.marketing import selectors as marketing_selectors
from consent.marketing import services as marketing
from consent.models import (
    CookieConsentRecord,
    Mailing,
    MailingRecipient,
    MarketingPreference,
    Processor,
    StatementVersion,
)
from consent.statement import selectors as statement
from consent.statement import services as statement_services


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
    def publish(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        """In two steps, as a mailing: a page names the versions and how many customers get
        the announcement by mail; only its button (``confirm=yes``) publishes."""
        drafts = list(queryset.filter(status=StatementVersion.Status.DRAFT).order_by("number"))
        if request.POST.get("confirm") != "yes":
            if not drafts:
                self.message_user(request, _("Kies een concept: deze versies zijn al gepubliceerd."), messages.WARNING)
                return None
            context = {
                **self.admin_site.each_context(request),
                "title": _("Privacyverklaring publiceren"),
                "versions": drafts,
                "recipients": statement_services.customers_to_announce(drafts[-1]).count(),
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/consent/statementversion/publish_confirm.html", context)
        for version in drafts:
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

    publish.audit_records_itself = True  # publish_version records consent.statement_published

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
    from register import registry

    return {key for category in registry.categories() for key in category.recipients}


# --- end statement -----------------------------------------------------------------------


TEXT_FIELDS = ("subject_nl", "body_nl", "subject_en", "body_en")


class MailingForm(forms.ModelForm):
    """Staff write a mailing in Dutch and English; empty texts are refused."""

    class Meta:
        model = Mailing
        fields = TEXT_FIELDS
        widgets = {"body_nl": forms.Textarea(attrs={"rows": 14}), "body_en": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("subject_en", "body_en"):
            if name in self.fields:  # read only once the mailing is on its way
                self.fields[name].required = True

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and all(name in self.fields for name in TEXT_FIELDS):
            try:
                data.update(marketing.mailing_validate(**{k: data.get(k, "") for k in TEXT_FIELDS}))
            except marketing.MailingError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(Mailing)
class MailingAdmin(admin.ModelAdmin):
    """Compose in the admin, then "Versturen…": a confirmation page names the number of
    customers, and sending runs in Celery; the page shows the progress."""

    form = MailingForm
    change_form_template = "admin/consent/mailing/change_form.html"
    list_display = ("subject_nl", "status", "created_at", "send_requested_at", "progress", "finished_at")
    list_filter = ("status",)
    search_fields = ("subject_nl", "subject_en")
    fieldsets = (
        (_("Nederlands"), {"fields": ("subject_nl", "body_nl")}),
        (_("Engels"), {"fields": ("subject_en", "body_en")}),
        (
            _("Verzending"),
            {"fields": ("status", "progress", "send_requested_at", "send_requested_by", "finished_at")},
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        sending = ("status", "progress", "send_requested_at", "send_requested_by", "finished_at")
        if obj is not None and obj.status != Mailing.Status.DRAFT:
            return ("subject_nl", "body_nl", "subject_en", "body_en", *sending)
        return sending

    def has_change_permission(self, request, obj=None) -> bool:
        # Once sending started the mailing is a record: view only.
        return super().has_change_permission(request, obj) and (obj is None or obj.status == Mailing.Status.DRAFT)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or obj.status == Mailing.Status.DRAFT)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a sent mailing is a record; drafts go one by one
        return actions

    @admin.display(description=_("voortgang"))
    def progress(self, mailing: Mailing) -> str:
        if mailing.status == Mailing.Status.DRAFT:
            return "-"
        p = marketing_selectors.mailing_progress(mailing)
        text = _(
            "%(sent)d van %(total)d verstuurd · %(pending)d wachten · %(skipped)d overgeslagen · "
            "%(failed)d mislukt · %(unknown)d onbekend"
        ) % {
            "sent": p.sent,
            "total": p.total,
            "pending": p.pending + p.sending,
            "skipped": p.skipped,
            "failed": p.failed,
            "unknown": p.unknown,
        }
        return text

    def get_urls(self):
        return [
            path(
                "<int:object_id>/send/",
                self.admin_site.admin_view(self.send_view),
                name="consent_mailing_send",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.status == Mailing.Status.DRAFT and self.has_change_permission(request, obj):
            context["send_url"] = reverse("admin:consent_mailing_send", args=[obj.pk])
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def send_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The deliberate step: a page that says what will happen, then POST confirm=yes."""
        mailing = Mailing.objects.filter(pk=object_id).first()
        if mailing is None:
            raise Http404
        change_url = reverse("admin:consent_mailing_change", args=[mailing.pk])
        if mailing.status != Mailing.Status.DRAFT:
            self.message_user(request, _("Deze mailing is al verstuurd of wordt verstuurd."), messages.WARNING)
            return redirect(change_url)
        if not self.has_change_permission(request, mailing):
            raise PermissionDenied
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            try:
                mailing = marketing.mailing_send(mailing=mailing, by=request.user)
            except marketing.MailingError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "De mailing wordt verstuurd naar %(count)d klant. De voortgang staat hieronder.",
                        "De mailing wordt verstuurd naar %(count)d klanten. De voortgang staat hieronder.",
                        mailing.recipient_count,
                    )
                    % {"count": mailing.recipient_count},
                    messages.SUCCESS,
                )
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Mailing versturen"),
            "mailing": mailing,
            "recipients": marketing_selectors.eligible_customers().count(),
            "opts": self.model._meta,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/consent/mailing/send.html", context)


class ReadOnlyMarketingAdmin(admin.ModelAdmin):
    """The choice changes only through the customer (and so the audit trail)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MarketingPreference)
class MarketingPreferenceAdmin(ReadOnlyMarketingAdmin):
    list_display = ("user", "objected", "language", "changed_at")
    list_filter = ("objected", "language")
    search_fields = ("user__username", "user__email")


@admin.register(MailingRecipient)
class MailingRecipientAdmin(ReadOnlyMarketingAdmin):
    list_display = ("mailing", "user", "status", "language", "sent_at", "attempts", "error")
    list_filter = ("status", "mailing")
    search_fields = ("user__username", "email")

    @admin.display(description=_("laatste fout"))
    def error(self, row: MailingRecipient) -> str:
        return format_html("<code>{}</code>", row.last_error[:80]) if row.last_error else ""
