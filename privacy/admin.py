"""The privacy office's admin pages (Privacybureau role). Every change goes through
privacy.services, so it is audited and checked; a closed request can only be read."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from privacy import selectors, services
from privacy.models import Breach, Disclosure, PrivacyRequest, RequestStatus

ADD_FIELDS = ("kind", "channel", "received_on", "person_name", "person_contact", "details", "user")


class RequestAddForm(forms.ModelForm):
    by = None  # the staff member, set per request by the admin

    class Meta:
        model = PrivacyRequest
        fields = ADD_FIELDS

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            with transaction.atomic():
                self.instance = services.request_receive(by=self.by, **{f: data.get(f) for f in ADD_FIELDS})
        except services.PrivacyError as exc:
            raise forms.ValidationError(exc.messages) from exc
        return data


class RequestChangeForm(forms.ModelForm):
    """Only the steps; the request's own fields are shown read-only."""

    by = None
    check_identity = forms.CharField(
        label=_("Identiteit gecontroleerd door middel van"),
        required=False,
        max_length=300,
        help_text=_(
            "Bijvoorbeeld: antwoord vanaf het e-mailadres van het account, of teruggebeld op het bekende nummer."
        ),
    )
    extend_months = forms.TypedChoiceField(
        label=_("Termijn verlengen met"),
        required=False,
        coerce=int,
        empty_value=0,
        choices=[("", "—"), (1, _("1 maand")), (2, _("2 maanden"))],
    )
    notice_on = forms.DateField(label=_("Persoon geïnformeerd op"), required=False)
    notice_text = forms.CharField(label=_("Tekst van de melding aan de persoon"), required=False, widget=forms.Textarea)
    new_status = forms.ChoiceField(
        label=_("Nieuwe status"),
        required=False,
        choices=[("", "—")] + [c for c in RequestStatus.choices if c[0] != RequestStatus.RECEIVED],
    )
    reason = forms.CharField(label=_("Reden van weigering"), required=False, widget=forms.Textarea)
    action_text = forms.CharField(label=_("Actie vastleggen"), required=False, widget=forms.Textarea)

    class Meta:
        model = PrivacyRequest
        fields = ()

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        request = self.instance
        try:
            with transaction.atomic():
                if data.get("check_identity"):
                    request = services.request_identity_checked(
                        request=request, by=self.by, method=data["check_identity"]
                    )
                if data.get("extend_months") or data.get("notice_text") or data.get("notice_on"):
                    request = services.request_extend(
                        request=request,
                        by=self.by,
                        months=data.get("extend_months") or 0,
                        notice_on=data.get("notice_on"),
                        notice_text=data.get("notice_text", ""),
                    )
                if data.get("action_text"):
                    services.request_action_add(request=request, by=self.by, text=data["action_text"])
                if data.get("new_status"):
                    request = services.request_status_set(
                        request=request, by=self.by, status=data["new_status"], reason=data.get("reason", "")
                    )
        except services.PrivacyError as exc:
            raise forms.ValidationError(exc.messages) from exc
        self.instance = request
        return data


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "status", "received_on", "due", "user")
    list_filter = ("status", "kind", "channel")
    search_fields = ("person_name", "person_contact", "user__email")
    raw_id_fields = ("user",)
    actions = ["start_export"]
    readonly_fields = (
        *ADD_FIELDS,
        "due",
        "status",
        "identity_method",
        "identity_checked_by",
        "identity_checked_at",
        "extended_by_months",
        "extension_notice_on",
        "extension_notice_text",
        "refusal_reason",
        "closed_at",
        "audit_trail",
        "actions_taken",
    )

    class Media:
        css = {"all": ("privacy/admin.css",)}

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ADD_FIELDS})]
        shown = [
            (None, {"fields": (*ADD_FIELDS, "audit_trail", "actions_taken")}),
            (
                _("Termijn en status"),
                {
                    "fields": (
                        "due",
                        "status",
                        "extended_by_months",
                        "extension_notice_on",
                        "extension_notice_text",
                        "refusal_reason",
                        "closed_at",
                    )
                },
            ),
            (_("Identiteit"), {"fields": ("identity_method", "identity_checked_by", "identity_checked_at")}),
        ]
        if self.has_change_permission(request, obj):
            steps = ("extend_months", "notice_on", "notice_text", "action_text", "new_status", "reason")
            if obj.identity_checked_at is None:
                steps = ("check_identity", *steps)
            shown.append((_("Volgende stap"), {"fields": steps}))
        return shown

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = RequestAddForm if obj is None else RequestChangeForm
        kwargs["form"] = type(base.__name__, (base,), {"by": request.user})
        return super().get_form(request, obj, change=change, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.is_closed:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # removed by the retention run, five years after closing

    def save_model(self, request, obj, form, change):
        pass  # saved by the services in the form's clean

    def save_related(self, request, form, formsets, change):
        pass

    @admin.display(description=_("uiterste datum"), ordering="due_on")
    def due(self, obj: PrivacyRequest):
        text = obj.due_on.strftime("%d-%m-%Y")
        if selectors.request_is_overdue(obj):
            return format_html('<span class="privacy-overdue">{} ({})</span>', text, gettext("te laat"))
        return text

    @admin.display(description=_("logboek van de klant"))
    def audit_trail(self, obj: PrivacyRequest):
        if obj.user_id is None:
            return "—"
        url = reverse("admin:audit_auditevent_changelist") + f"?subject_id={obj.user_id}"
        return format_html('<a href="{}">{}</a>', url, gettext("Gebeurtenissen van deze klant"))

    @admin.display(description=_("acties"))
    def actions_taken(self, obj: PrivacyRequest):
        rows = [
            format_html("<li>{} – {}: {}</li>", timezone.localtime(a.at).strftime("%d-%m-%Y %H:%M"), a.by, a.text)
            for a in obj.actions.select_related("by")
        ]
        return format_html("<ul>{}</ul>", format_html_join("", "{}", ((r,) for r in rows))) if rows else "—"

    @admin.action(description=_("Gegevensexport starten voor de gekoppelde klant"))
    def start_export(self, request: HttpRequest, queryset):
        if not request.user.has_perm("retention.add_dataexport"):
            self.message_user(request, gettext("U mag geen gegevensexport starten."), messages.ERROR)
            return
        for obj in queryset:
            try:
                services.request_export_start(request=obj, by=request.user)
            except services.PrivacyError as exc:
                self.message_user(request, f"{obj}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, gettext("Gegevensexport gestart voor %(r)s.") % {"r": obj}, messages.SUCCESS)


class BreachForm(forms.ModelForm):
    by = None
    close = forms.BooleanField(
        label=_("Afsluiten"),
        required=False,
        help_text=_("Daarna kan niets meer worden gewijzigd."),
    )

    class Meta:
        model = Breach
        fields = services.BREACH_FIELDS

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        values = {f: data.get(f) for f in services.BREACH_FIELDS}
        try:
            with transaction.atomic():
                if self.instance.pk is None:
                    breach = services.breach_record(by=self.by, **values)
                else:
                    breach = services.breach_update(breach=self.instance, by=self.by, **values)
                if data.get("close"):
                    breach = services.breach_close(breach=breach, by=self.by)
        except services.PrivacyError as exc:
            raise forms.ValidationError(exc.messages) from exc
        self.instance = breach
        return data

    def _post_clean(self):
        pass  # the services validated and saved; the instance is the saved row


@admin.register(Breach)
class BreachAdmin(admin.ModelAdmin):
    list_display = ("__str__", "detected_at", "ap_deadline", "reported_on", "people_told_on", "closed_at")
    list_filter = (("closed_at", admin.EmptyFieldListFilter),)
    search_fields = ("facts",)

    class Media:
        css = {"all": ("privacy/admin.css",)}

    def get_fields(self, request, obj=None):
        fields = [*services.BREACH_FIELDS]
        if obj is not None:
            fields += ["ap_deadline", "closed_at", "closed_by"]
        if self.has_change_permission(request, obj):
            fields.append("close")
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.closed_at is not None:
            return (*services.BREACH_FIELDS, "ap_deadline", "closed_at", "closed_by")
        return ("ap_deadline", "closed_at", "closed_by")

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = type("BreachForm", (BreachForm,), {"by": request.user})
        return super().get_form(request, obj, change=change, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.closed_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        pass  # saved by the services in the form's clean

    def save_related(self, request, form, formsets, change):
        pass

    @admin.display(description=_("uiterlijk melden aan de AP"))
    def ap_deadline(self, obj: Breach):
        text = timezone.localtime(selectors.breach_deadline(obj)).strftime("%d-%m-%Y %H:%M")
        if selectors.breach_is_overdue(obj):
            return format_html('<span class="privacy-overdue">{} ({})</span>', text, gettext("te laat"))
        return text


DISCLOSURE_FIELDS = (
    "user",
    "authority",
    "data_given",
    "legal_ground",
    "disclosed_on",
    "notice_banned",
    "notice_banned_until",
)


class DisclosureForm(forms.ModelForm):
    by = None

    class Meta:
        model = Disclosure
        fields = DISCLOSURE_FIELDS

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            with transaction.atomic():
                self.instance = services.disclosure_log(by=self.by, **{f: data.get(f) for f in DISCLOSURE_FIELDS})
        except services.PrivacyError as exc:
            raise forms.ValidationError(exc.messages) from exc
        return data

    def _post_clean(self):
        pass  # the service validated and saved


@admin.register(Disclosure)
class DisclosureAdmin(admin.ModelAdmin):
    """Append-only: add and view, never change or delete."""

    list_display = ("disclosed_on", "authority", "user", "subject_id", "by", "notice_banned", "notice_banned_until")
    list_filter = ("notice_banned",)
    search_fields = ("authority", "=subject_id", "user__email")
    raw_id_fields = ("user",)

    def get_fields(self, request, obj=None):
        return DISCLOSURE_FIELDS if obj is None else (*DISCLOSURE_FIELDS, "subject_id", "by", "created_at")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else (*DISCLOSURE_FIELDS, "subject_id", "by", "created_at")

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = type("DisclosureForm", (DisclosureForm,), {"by": request.user})
        return super().get_form(request, obj, change=change, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        pass  # saved by the service in the form's clean

    def save_related(self, request, form, formsets, change):
        pass
