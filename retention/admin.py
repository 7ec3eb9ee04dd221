"""Staff views of retention: the overview (due counts per policy, last run, heartbeat) on
the runs list, disposal records, legal holds (added and released through the service, so
they are audited) and data exports. Nothing here deletes personal data by hand."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import customer_actions
from accounts.customer_actions import CustomerAction, StaffActionForm
from retention import selectors, services
from retention.models import DataExport, DisposalRecord, Heartbeat, LegalHold, RetentionRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class DisposalRecordInline(admin.TabularInline):
    model = DisposalRecord
    extra = 0
    can_delete = False
    fields = ("policy", "end_action", "cutoff", "disposed", "held", "batches", "rows", "finished_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "status", "trigger", "policy", "finished_at", "error")
    list_filter = ("status", "trigger")
    inlines = [DisposalRecordInline]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        beat = services.heartbeat()
        try:
            services.check_heartbeat()
            overdue = False
        except RuntimeError:
            overdue = True
        extra_context = {
            **(extra_context or {}),
            "retention_report": selectors.report(),
            "heartbeat": beat,
            "heartbeat_overdue": overdue,
            "max_run_age": services.MAX_RUN_AGE,
            "active_holds": LegalHold.objects.active().count(),
        }
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(DisposalRecord)
class DisposalRecordAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "policy", "end_action", "disposed", "held", "batches", "cutoff", "run")
    list_filter = ("policy",)


@admin.register(Heartbeat)
class HeartbeatAdmin(ReadOnlyAdmin):
    list_display = ("name", "last_success_at", "last_started_at", "installed_at", "overdue")

    @admin.display(boolean=True, description=_("te laat"))
    def overdue(self, obj: Heartbeat) -> bool:
        try:
            services.check_heartbeat()
        except RuntimeError:
            return True
        return False


class LegalHoldForm(forms.ModelForm):
    user = forms.ModelChoiceField(queryset=get_user_model().objects.all(), label=_("klant"))

    class Meta:
        model = LegalHold
        fields = ("user", "reason")


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin):
    list_display = ("pk", "subject_id", "user", "reason", "created_at", "created_by", "released_at")
    list_filter = (("released_at", admin.EmptyFieldListFilter),)
    search_fields = ("reason", "user__username")
    actions = ["release"]
    raw_id_fields = ("user",)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = LegalHoldForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "reason")
        return ("subject_id", "user", "reason", "created_at", "created_by", "released_at", "released_by")

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        hold = services.hold_add(user=form.cleaned_data["user"], reason=form.cleaned_data["reason"], by=request.user)
        obj.pk, obj.subject_id, obj.created_at, obj.created_by = (
            hold.pk,
            hold.subject_id,
            hold.created_at,
            hold.created_by,
        )

    @admin.action(description=_("Geselecteerde bewaarplichten opheffen"))
    def release(self, request, queryset) -> None:
        released = 0
        for hold in queryset.filter(released_at__isnull=True):
            services.hold_release(hold_id=hold.pk, by=request.user)
            released += 1
        self.message_user(request, _("%(n)d bewaarplicht(en) opgeheven.") % {"n": released}, messages.SUCCESS)


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyAdmin):
    list_display = ("requested_at", "user", "status", "progress", "ready_at", "size")
    list_filter = ("status",)
    exclude = ("file_name",)


# --- per-customer actions (on the customer's page; accounts.customer_actions) ---------------


class HoldReleaseForm(StaffActionForm):
    hold = forms.ModelChoiceField(queryset=None, label=_("bewaarplicht"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hold"].queryset = LegalHold.objects.active().filter(subject_id=self.customer.pk)


def _export(request, customer, data) -> str:
    services.export_request(user=customer, by=request.user)
    return gettext("De gegevensexport wordt gemaakt; de klant krijgt de downloadlink per e-mail.")


def _hold(request, customer, data) -> str:
    services.hold_add(user=customer, reason=data["reason"], by=request.user)
    return gettext("Bewaarplicht ingesteld: de gegevens van deze klant worden niet gewist.")


def _release(request, customer, data) -> str:
    services.hold_release(hold_id=data["hold"].pk, by=request.user)
    return gettext("Bewaarplicht opgeheven.")


customer_actions.register(
    CustomerAction(
        "export",
        _("Gegevensexport starten"),
        StaffActionForm,
        _export,
        lambda customer: customer.closed_at is None,
        permission="retention.add_dataexport",
        refusals=(services.RetentionError,),
        order=30,
    ),
    CustomerAction(
        "hold",
        _("Bewaarplicht instellen"),
        StaffActionForm,
        _hold,
        permission="retention.add_legalhold",
        refusals=(services.RetentionError,),
        order=40,
    ),
    CustomerAction(
        "release",
        _("Bewaarplicht opheffen"),
        HoldReleaseForm,
        _release,
        permission="retention.change_legalhold",
        refusals=(services.RetentionError,),
        order=50,
    ),
)
