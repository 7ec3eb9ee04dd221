from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from consent.marketing import services as marketing
from consent.models import Mailing, MailingRecipient, MarketingPreference

# --- marketing ---

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
        p = marketing.mailing_progress(mailing)
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
                    _("De mailing wordt verstuurd naar %(count)d klanten. De voortgang staat hieronder.")
                    % {"count": mailing.recipient_count},
                    messages.SUCCESS,
                )
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Mailing versturen"),
            "mailing": mailing,
            "recipients": marketing.eligible_customers().count(),
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
