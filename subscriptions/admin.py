from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import transaction
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.events import Action
from audit.services import record
from subscriptions import mollie, services
from subscriptions.enums import EndReason
from subscriptions.models import (
    CreditNote,
    Invoice,
    MollieCustomer,
    MollieCustomerDeletion,
    Payment,
    Plan,
    Subscription,
)
from subscriptions.selectors import past_due_at_their_end


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("name", "price", "price_incl_vat", "interval", "active")
    list_filter = ("active", "interval")
    search_fields = ("name",)

    @admin.display(description=_("prijs incl. btw"))
    def price_incl_vat(self, plan: Plan):
        return plan.price_incl_vat


class ReadOnlyAdmin(admin.ModelAdmin):
    """Billing records change only through the services (and so the audit trail)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    fields = ("mollie_id", "sequence_type", "status", "amount", "amount_refunded", "amount_charged_back", "paid_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class DunningFilter(admin.SimpleListFilter):
    """Subscriptions whose automatic payment failed: past due now (by reminders sent), or
    ended because it stayed unpaid."""

    title = _("betaling achterstallig")
    parameter_name = "dunning"

    def lookups(self, request, model_admin):
        return [
            ("past_due", _("achterstallig (alle)")),
            ("no_reminder", _("achterstallig, nog geen herinnering")),
            ("reminded", _("achterstallig, herinnerd")),
            ("overdue", _("achterstallig, termijn verstreken")),
            ("ended_unpaid", _("beëindigd wegens niet betalen")),
        ]

    def queryset(self, request, queryset):
        past_due = queryset.filter(status=Subscription.Status.SUSPENDED)
        value = self.value()
        if value == "past_due":
            return past_due
        if value == "no_reminder":
            return past_due.filter(dunning_reminders=0)
        if value == "reminded":
            return past_due.filter(dunning_reminders__gt=0)
        if value == "overdue":  # the daily job ends these (or waits for a payment in progress)
            return past_due_at_their_end(past_due, now=timezone.now())
        if value == "ended_unpaid":
            return queryset.filter(status=Subscription.Status.CANCELED, end_reason=EndReason.UNPAID)
        return queryset


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "user",
        "plan",
        "status",
        "current_period_end",
        "cancel_at_period_end",
        "dunning_since",
        "ended_at",
    )
    list_filter = (DunningFilter, "status", "cancel_at_period_end", "plan")
    search_fields = ("user__username", "user__email", "customer__mollie_id", "remote_subscriptions__mollie_id")
    inlines = [PaymentInline]
    actions = ["cancel_now", "end_dunning"]

    @admin.action(description=_("Achterstand afgehandeld: betaling achterstallig beëindigen"), permissions=["change"])
    def end_dunning(self, request, queryset):
        """Staff settled the arrears outside Mollie (or waive them): asks for a reason on
        a confirmation page, then calls services.past_due_end for each."""
        chosen = queryset.filter(status=Subscription.Status.SUSPENDED)
        reason = request.POST.get("reason", "").strip()
        if request.POST.get("confirm") == "yes" and reason:
            for subscription in chosen:
                try:
                    services.past_due_end(subscription=subscription, by=request.user, reason=reason)
                except services.BillingError as exc:
                    self.message_user(request, f"{subscription}: {exc}", messages.ERROR)
                else:
                    self.message_user(
                        request,
                        _("%(subscription)s: achterstand afgehandeld.") % {"subscription": subscription},
                        messages.SUCCESS,
                    )
            return None
        if not chosen.exists():
            self.message_user(
                request, _("Geen van de gekozen abonnementen heeft een achterstallige betaling."), messages.WARNING
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Achterstand afgehandeld"),
            "subscriptions": chosen,
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "missing_reason": request.POST.get("confirm") == "yes",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/subscriptions/end_dunning.html", context)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("subscriptions.change_subscription") and obj is None

    @admin.action(description=_("Direct beëindigen (ook bij Mollie)"), permissions=["change"])
    def cancel_now(self, request, queryset) -> None:
        count = 0
        for subscription in queryset:
            if subscription.is_live:
                services.subscription_cancel_now(subscription=subscription, by=request.user, reason=EndReason.STAFF)
                count += 1
        self.message_user(request, _("%(count)d abonnement(en) beëindigd.") % {"count": count}, messages.SUCCESS)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "user",
        "sequence_type",
        "status",
        "amount",
        "amount_refunded",
        "amount_charged_back",
        "paid_at",
    )
    list_filter = ("status", "sequence_type")
    search_fields = ("mollie_id", "user__username", "user__email")
    actions = ["refund_in_full"]

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("subscriptions.change_payment") and obj is None

    @admin.action(description=_("Volledig terugbetalen (via Mollie)"), permissions=["change"])
    def refund_in_full(self, request, queryset) -> None:
        for payment in queryset:
            try:
                amount = services.payment_refund(payment=payment, by=request.user)
            except services.BillingError as exc:
                self.message_user(request, f"{payment}: {exc}", messages.ERROR)
            except mollie.MollieError as exc:
                self.message_user(request, f"{payment}: {exc}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(payment)s: € %(amount)s terugbetaald.") % {"payment": payment, "amount": amount},
                    messages.SUCCESS,
                )


class PdfDownloadMixin:
    """A "pdf" link on the list and the page of an invoice or credit note; the download
    serves the stored PDF (rendered once if it is still missing) and is recorded as a staff
    view of the document."""

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pdf")

    def get_urls(self):
        name = f"{self.model._meta.app_label}_{self.model._meta.model_name}_pdf"
        return [
            path("<int:object_id>/pdf/", self.admin_site.admin_view(self.pdf_view), name=name),
            *super().get_urls(),
        ]

    def pdf_view(self, request, object_id: int):
        from subscriptions.views import pdf_response

        document = self.get_queryset(request).filter(pk=object_id).first()
        if document is None or not self.has_view_permission(request, document):
            raise Http404
        response = pdf_response(document)
        with transaction.atomic():
            record(
                Action.ADMIN_VIEWED,
                actor=request.user,
                subject_id=document.user_id,
                target=document,
                changes={"pdf": [None, document.pdf_filename]},
            )
        return response

    @admin.display(description=_("pdf"))
    def pdf_link(self, document) -> str:
        url = reverse(f"admin:{document._meta.app_label}_{document._meta.model_name}_pdf", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, document.pdf_filename)


class CreditNoteInline(admin.TabularInline):
    model = CreditNote
    fields = ("number", "issued_on", "amount_net", "vat_amount", "amount_gross", "pdf_link")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pdf")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("pdf"))
    def pdf_link(self, note: CreditNote) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:subscriptions_creditnote_pdf", args=[note.pk]), note.pdf_filename
        )


@admin.register(Invoice)
class InvoiceAdmin(PdfDownloadMixin, ReadOnlyAdmin):
    list_display = (
        "number",
        "user",
        "issued_on",
        "amount_net",
        "vat_amount",
        "amount_gross",
        "reverse_charge",
        "pdf_link",
    )
    search_fields = ("number", "user__username")
    readonly_fields = ("pdf_link", "pdf_sha256")
    inlines = [CreditNoteInline]


@admin.register(CreditNote)
class CreditNoteAdmin(PdfDownloadMixin, ReadOnlyAdmin):
    list_display = ("number", "invoice", "user", "issued_on", "amount_net", "vat_amount", "amount_gross", "pdf_link")
    search_fields = ("number", "invoice__number", "user__username")
    readonly_fields = ("pdf_link", "pdf_sha256")


@admin.register(MollieCustomer)
class MollieCustomerAdmin(ReadOnlyAdmin):
    list_display = ("mollie_id", "user", "created_at")
    search_fields = ("mollie_id", "user__username")


@admin.register(MollieCustomerDeletion)
class MollieCustomerDeletionAdmin(ReadOnlyAdmin):
    """Erased accounts' customers still to be deleted at Mollie (the task and reconciliation
    retry them; a row with many attempts needs ops)."""

    list_display = ("mollie_id", "requested_at", "attempts", "last_error")
