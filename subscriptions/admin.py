from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import customer_actions, validation
from accounts.customer_actions import CustomerAction, StaffActionForm
from audit.events import Action
from audit.services import record
from core.formatting import euro
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
from subscriptions.selectors import cancel_reason_columns, cancel_reasons_per_month, past_due_at_their_end


def _euro_column(model, field: str):
    """A list column showing the amount as "€ 29,00" (in the reader's language), titled and
    sorted as the field."""

    @admin.display(description=model._meta.get_field(field).verbose_name, ordering=field)
    def column(self, obj) -> str:
        return euro(getattr(obj, field))

    column.__name__ = f"{field}_euro"
    return column


def _day(day) -> str:
    """A day as the portal writes it ("29 december 2026"); the admin's read-only fields
    would print a method's date as 2026-12-29."""
    return formats.date_format(day, "j F Y") if day else "–"


class PlanForm(forms.ModelForm):
    """backoffice: what the plan's name and price must be to reach an invoice (plain text, a
    positive price in cents; the database refuses a price of zero or less anyway)."""

    price = forms.DecimalField(
        label=_("prijs excl. btw (EUR)"), min_value=Decimal("0.01"), max_digits=10, decimal_places=2
    )

    class Meta:
        model = Plan
        fields = ("name", "description", "description_en", "price", "interval", "active")

    def clean_name(self) -> str:
        name = validation.plain_text(self.cleaned_data.get("name") or "")
        if not name:
            raise forms.ValidationError(_("Geef de abonnementsvorm een naam."), code="required")
        return name

    def clean_description(self) -> str:
        lines = (self.cleaned_data.get("description") or "").replace("\r\n", "\n").split("\n")
        return "\n".join(validation.plain_text(line) for line in lines).strip()

    def clean_description_en(self) -> str:
        lines = (self.cleaned_data.get("description_en") or "").replace("\r\n", "\n").split("\n")
        return "\n".join(validation.plain_text(line) for line in lines).strip()


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    form = PlanForm
    list_display = ("name", "price_euro", "price_incl_vat", "interval", "active")
    price_euro = _euro_column(Plan, "price")
    list_filter = ("active", "interval")
    search_fields = ("name",)

    def get_readonly_fields(self, request, obj=None):
        # Mollie charges existing subscriptions at their own amount and the plan's interval:
        # once a plan has subscriptions its price and interval stay (make a new plan).
        if obj is not None and obj.subscriptions.exists():
            return ("price", "interval")
        return ()

    @admin.display(description=_("prijs incl. btw"))
    def price_incl_vat(self, plan: Plan):
        return euro(plan.price_incl_vat)


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
    fields = (
        "mollie_id",
        "sequence_type",
        "status",
        "amount_euro",
        "amount_refunded_euro",
        "amount_charged_back_euro",
        "paid_at",
    )
    readonly_fields = fields
    amount_euro = _euro_column(Payment, "amount")
    amount_refunded_euro = _euro_column(Payment, "amount_refunded")
    amount_charged_back_euro = _euro_column(Payment, "amount_charged_back")
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
        "paid_through",
        "next_charge_on",
        "cancel_at_period_end",
        "dunning_since",
        "ended_at",
    )
    list_filter = (DunningFilter, "status", "cancel_at_period_end", "cancel_reason", "plan")
    change_list_template = "admin/subscriptions/subscription/change_list.html"
    search_fields = ("user__username", "user__email", "customer__mollie_id", "remote_subscriptions__mollie_id")
    inlines = [PaymentInline]
    # The model's current_period_end is the day the next charge is due; the portal says
    # "betaald tot en met" the day before. The admin shows both days under those names, and
    # amounts as "€ 1.234,56".
    exclude = ("current_period_end", "amount_net", "amount_gross", "dunning_amount")
    readonly_fields = ("amount_net_euro", "amount_gross_euro", "dunning_amount_euro", "paid_through", "next_charge_on")
    amount_net_euro = _euro_column(Subscription, "amount_net")
    amount_gross_euro = _euro_column(Subscription, "amount_gross")
    dunning_amount_euro = _euro_column(Subscription, "dunning_amount")
    actions = ["end_dunning"]  # ending is a customer action (reason, refund, mail)

    def get_urls(self):
        return [
            path(
                "opzegredenen/",
                self.admin_site.admin_view(self.cancel_reasons_view),
                name="subscriptions_subscription_cancel_reasons",
            ),
            *super().get_urls(),
        ]

    def cancel_reasons_view(self, request):
        """Why customers cancel: the count per month and reason, and the latest comments."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Opzegredenen per maand"),
            "columns": [label for _value, label in cancel_reason_columns()],
            "months": cancel_reasons_per_month(),
            "comments": Subscription.objects.filter(cancel_requested_at__isnull=False)
            .exclude(cancel_reason_text="")
            .select_related("plan", "user")
            .order_by("-cancel_requested_at")[:50],
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/subscriptions/cancel_reasons.html", context)

    @admin.display(description=_("betaald tot en met"), ordering="current_period_end")
    def paid_through(self, subscription: Subscription) -> str:
        return _day(subscription.paid_through)

    @admin.display(description=_("volgende betaling op"), ordering="current_period_end")
    def next_charge_on(self, subscription: Subscription) -> str:
        return _day(subscription.current_period_end)

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


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "user",
        "sequence_type",
        "status",
        "amount_euro",
        "amount_refunded_euro",
        "amount_charged_back_euro",
        "paid_at",
    )
    amount_euro = _euro_column(Payment, "amount")
    amount_refunded_euro = _euro_column(Payment, "amount_refunded")
    amount_charged_back_euro = _euro_column(Payment, "amount_charged_back")
    list_filter = ("status", "sequence_type", "late_refund")  # (a late refund still "due": Mollie keeps refusing)
    search_fields = ("mollie_id", "user__username", "user__email")
    actions = ["refund_in_full"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # Mollie's checkout links are https

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
                    _("%(payment)s: %(amount)s terugbetaald.") % {"payment": payment, "amount": euro(amount)},
                    messages.SUCCESS,
                )


class PdfDownloadMixin:
    """A "pdf" and a "ubl" link on the list and the page of an invoice or credit note; each
    download serves the stored file (made once if it is still missing) and is recorded as a
    staff view of the document."""

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pdf", "ubl")

    def get_urls(self):
        prefix = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        return [
            path("<int:object_id>/pdf/", self.admin_site.admin_view(self.pdf_view), name=f"{prefix}_pdf"),
            path("<int:object_id>/ubl/", self.admin_site.admin_view(self.ubl_view), name=f"{prefix}_ubl"),
            *super().get_urls(),
        ]

    def _file_view(self, request, object_id: int, *, kind: str):
        from subscriptions.views import pdf_response, ubl_response

        if not self.has_view_permission(request):
            raise PermissionDenied  # a role without the right (accounts.roles): 403, as the admin's own pages
        document = self.get_queryset(request).filter(pk=object_id).first()
        if document is None or not self.has_view_permission(request, document):
            raise Http404
        response = pdf_response(document) if kind == "pdf" else ubl_response(document)
        filename = document.pdf_filename if kind == "pdf" else document.ubl_filename
        with transaction.atomic():
            record(
                Action.ADMIN_VIEWED,
                actor=request.user,
                subject_id=document.user_id,
                target=document,
                changes={kind: [None, filename]},
            )
        return response

    def pdf_view(self, request, object_id: int):
        return self._file_view(request, object_id, kind="pdf")

    def ubl_view(self, request, object_id: int):
        return self._file_view(request, object_id, kind="ubl")

    @admin.display(description=_("pdf"))
    def pdf_link(self, document) -> str:
        url = reverse(f"admin:{document._meta.app_label}_{document._meta.model_name}_pdf", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, document.pdf_filename)

    @admin.display(description=_("UBL (e-factuur)"))
    def ubl_link(self, document) -> str:
        url = reverse(f"admin:{document._meta.app_label}_{document._meta.model_name}_ubl", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, document.ubl_filename)


class CreditNoteInline(admin.TabularInline):
    model = CreditNote
    fields = ("number", "issued_on", "amount_net", "vat_amount", "amount_gross", "pdf_link", "ubl_link")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pdf", "ubl")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("pdf"))
    def pdf_link(self, note: CreditNote) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:subscriptions_creditnote_pdf", args=[note.pk]), note.pdf_filename
        )

    @admin.display(description=_("UBL (e-factuur)"))
    def ubl_link(self, note: CreditNote) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:subscriptions_creditnote_ubl", args=[note.pk]), note.ubl_filename
        )


@admin.register(Invoice)
class InvoiceAdmin(PdfDownloadMixin, ReadOnlyAdmin):
    list_display = (
        "number",
        "user",
        "issued_on",
        "amount_net_euro",
        "vat_amount_euro",
        "amount_gross_euro",
        "reverse_charge",
        "pdf_link",
        "ubl_link",
    )
    amount_net_euro = _euro_column(Invoice, "amount_net")
    vat_amount_euro = _euro_column(Invoice, "vat_amount")
    amount_gross_euro = _euro_column(Invoice, "amount_gross")
    search_fields = ("number", "user__username")
    readonly_fields = ("pdf_link", "pdf_sha256", "ubl_link", "ubl_sha256")
    inlines = [CreditNoteInline]


@admin.register(CreditNote)
class CreditNoteAdmin(PdfDownloadMixin, ReadOnlyAdmin):
    list_display = (
        "number",
        "invoice",
        "user",
        "issued_on",
        "amount_net_euro",
        "vat_amount_euro",
        "amount_gross_euro",
        "pdf_link",
        "ubl_link",
    )
    amount_net_euro = _euro_column(CreditNote, "amount_net")
    vat_amount_euro = _euro_column(CreditNote, "vat_amount")
    amount_gross_euro = _euro_column(CreditNote, "amount_gross")
    search_fields = ("number", "invoice__number", "user__username")
    readonly_fields = ("pdf_link", "pdf_sha256", "ubl_link", "ubl_sha256")


@admin.register(MollieCustomer)
class MollieCustomerAdmin(ReadOnlyAdmin):
    list_display = ("mollie_id", "user", "created_at")
    search_fields = ("mollie_id", "user__username")


@admin.register(MollieCustomerDeletion)
class MollieCustomerDeletionAdmin(ReadOnlyAdmin):
    """Erased accounts' customers still to be deleted at Mollie (the task and reconciliation
    retry them; a row with many attempts needs ops)."""

    list_display = ("mollie_id", "requested_at", "attempts", "last_error")


# --- per-customer actions (on the customer's page; accounts.customer_actions) ---------------


REFUND_PRO_RATA = "pro_rata"
REFUND_NONE = "none"


def _has_live_subscription(customer) -> bool:
    return Subscription.objects.filter(user=customer, status__in=Subscription.LIVE).exists()


class CancelSubscriptionForm(StaffActionForm):
    """Ending at once: the unused days refunded as on closure, or nothing with a reason."""

    subscription = forms.ModelChoiceField(queryset=None, label=_("abonnement"))
    refund = forms.ChoiceField(label=_("terugbetaling"), widget=forms.RadioSelect)
    no_refund_reason = forms.CharField(
        label=_("Waarom niets terugbetalen?"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Alleen nodig als u kiest voor niets terugbetalen."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        live = Subscription.objects.filter(user=self.customer, status__in=Subscription.LIVE).select_related("plan")
        self.fields["subscription"].queryset = live
        self.fields["subscription"].error_messages["invalid_choice"] = _(
            "Dit abonnement is al beëindigd of hoort niet bij deze klant."
        )
        current = live.first()
        if current is not None and len(live[:2]) == 1:
            self.fields["subscription"].initial = current.pk  # the one live subscription, chosen already
        refund = services.staff_end_outcome(subscription=current).refund if current is not None else Decimal("0")
        self.fields["refund"].choices = [
            (
                REFUND_PRO_RATA,
                gettext("Ongebruikte dagen terugbetalen, zoals bij opheffen: %(amount)s") % {"amount": euro(refund)},
            ),
            (REFUND_NONE, gettext("Niets terugbetalen")),
        ]
        self.fields["refund"].initial = REFUND_PRO_RATA

    def clean_no_refund_reason(self) -> str:
        return validation.plain_text(self.cleaned_data.get("no_refund_reason") or "")

    def clean(self):
        data = super().clean()
        if data.get("refund") == REFUND_NONE and not data.get("no_refund_reason"):
            self.add_error("no_refund_reason", gettext("Geef aan waarom er niets wordt terugbetaald."))
        return data


_AMOUNT = re.compile(r"(?P<whole>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<cents>\d{1,2}))?")
_AMOUNT_WITH_POINT = re.compile(r"(?P<whole>\d+)\.(?P<cents>\d{1,2})")


def parse_euro_amount(raw: str) -> Decimal | None:
    """An amount as a Dutch staff member types it: "10", "10,50", "1.000,00" (a point groups
    thousands), also "10.50"; an optional "€" and spaces. None for anything else."""
    text = raw.replace("€", "").replace(" ", "").replace("\u00a0", "")
    match = _AMOUNT.fullmatch(text)
    if match is None:
        match = _AMOUNT_WITH_POINT.fullmatch(text)
    if match is None:
        return None
    whole = match["whole"].replace(".", "")
    return Decimal(f"{whole}.{match['cents'] or '0'}").quantize(Decimal("0.01"))


class RefundForm(StaffActionForm):
    payment = forms.ModelChoiceField(queryset=None, label=_("betaling"))
    # Text, read here: Django's own decimal field refuses "1.000,00" as "Voer een getal in."
    # and says "minstens 0.01" with an English point; every bad amount gets the range in euro.
    amount = forms.CharField(
        label=_("bedrag (EUR, incl. btw)"),
        required=False,
        max_length=20,
        help_text=_("Leeg: alles wat nog niet is terugbetaald."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["payment"]
        field.queryset = refundable_payments(self.customer)
        field.label_from_instance = lambda payment: (
            gettext("%(payment)s: nog %(amount)s terug te betalen")
            % {
                "payment": payment,
                "amount": euro(payment.refundable),
            }
        )
        field.error_messages["invalid_choice"] = _("Deze betaling kan niet (meer) worden terugbetaald.")
        self.fields["amount"].error_messages["max_length"] = _("Vul een bedrag in euro in, bijvoorbeeld 10,00.")

    def clean_amount(self) -> Decimal | str | None:
        raw = (self.cleaned_data.get("amount") or "").strip()
        if not raw:
            return None
        amount = parse_euro_amount(raw)
        return raw if amount is None else amount  # the raw text is refused in clean(), with the range

    def clean(self):
        data = super().clean()
        payment = data.get("payment")
        if "amount" not in data:  # refused already (too long)
            return data
        amount = data["amount"]
        wrong = amount is not None and (not isinstance(amount, Decimal) or amount < Decimal("0.01"))
        if payment is not None and amount is not None and (wrong or amount > payment.refundable):
            self.add_error(
                "amount",
                gettext("Het bedrag moet tussen %(min)s en %(max)s liggen.")
                % {"min": euro(Decimal("0.01")), "max": euro(payment.refundable)},
            )
        elif wrong:
            self.add_error("amount", gettext("Vul een bedrag in euro in, bijvoorbeeld 10,00."))
        return data


def refundable_payments(customer):
    """The customer's paid payments at Mollie with something left to refund (what was
    neither refunded nor charged back), each with ``refundable`` set."""
    return (
        Payment.objects.filter(user=customer, status=Payment.Status.PAID)
        .exclude(mollie_id=None)
        .annotate(refundable=F("amount") - F("amount_refunded") - F("amount_charged_back"))
        .filter(refundable__gt=0)
        .order_by("-paid_at", "-pk")
    )


def _cancel(request, customer, data) -> str:
    refund = data["refund"] == REFUND_PRO_RATA
    amount = services.subscription_end_by_staff(
        subscription=data["subscription"],
        by=request.user,
        reason=data["reason"],
        refund=refund,
        no_refund_reason=data.get("no_refund_reason", ""),
    )
    if amount > 0:
        return gettext(
            "Het abonnement is direct beëindigd (ook bij Mollie); %(amount)s wordt terugbetaald. De klant is gemaild."
        ) % {"amount": euro(amount)}
    return gettext("Het abonnement is direct beëindigd (ook bij Mollie), zonder terugbetaling. De klant is gemaild.")


def _refund(request, customer, data) -> str:
    amount = services.payment_refund(payment=data["payment"], by=request.user, amount=data.get("amount"))
    return gettext("%(amount)s terugbetaling aangevraagd bij Mollie; de creditnota volgt.") % {"amount": euro(amount)}


_MOLLIE_UNAVAILABLE = _(
    "Mollie gaf geen bruikbaar antwoord. Probeer het later opnieuw: dezelfde aanvraag wordt nooit twee keer uitgevoerd."
)

customer_actions.register(
    CustomerAction(
        "cancel",
        _("Abonnement direct beëindigen"),
        CancelSubscriptionForm,
        _cancel,
        available=_has_live_subscription,
        permission="subscriptions.change_subscription",
        refusals=(services.BillingError,),
        unavailable=(mollie.MollieError,),
        unavailable_message=_MOLLIE_UNAVAILABLE,
        order=70,
    ),
    CustomerAction(
        "refund",
        _("Betaling terugbetalen"),
        RefundForm,
        _refund,
        permission="subscriptions.change_payment",
        refusals=(services.BillingError,),
        external=True,
        unavailable=(mollie.MollieError,),
        unavailable_message=_MOLLIE_UNAVAILABLE,
        order=80,
    ),
)
