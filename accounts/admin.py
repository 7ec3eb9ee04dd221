"""Customers and staff in the admin. Staff change a customer only through the services the
customer's own pages use (the same validation, the same audit events): a customer is never
deleted here (closing the account starts the retention clock instead), "Actief" and the
login address are read only for customers, and the per-customer actions (registered by each
app, ``accounts.customer_actions``) call a service each, ask for a reason, and are recorded
twice: the service's own event and an ``admin.changed`` event naming the action and the
reason (``accounts.services.staff_action_record``). Staff need a second factor for
all of it (``accounts.middleware.StaffMFARequiredMiddleware``)."""

from __future__ import annotations

from http import HTTPStatus

from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.core import context
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import customer_actions, services, validation
from accounts.customer_actions import CustomerAction, StaffActionForm
from accounts.forms import ProfileForm
from accounts.models import Profile, User
from audit.admin_audit import AuditedModelAdminMixin
from audit.events import Action
from audit.services import CHANGED


class AdminProfileForm(ProfileForm):
    """The customer's own profile form (KvK, VAT id, postcode, phone, plain text): what staff
    type reaches an invoice only if a customer could have typed it."""


class ProfileInline(admin.StackedInline):
    model = Profile
    form = AdminProfileForm
    can_delete = False
    extra = 0


class AdminUserChangeForm(UserChangeForm):
    def _plain(self, name: str) -> str:
        try:
            return validation.plain_text(self.cleaned_data.get(name) or "")
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc

    def clean_first_name(self) -> str:
        return self._plain("first_name")

    def clean_last_name(self) -> str:
        return self._plain("last_name")


class AdminStaffCreationForm(AdminUserCreationForm):
    """The admin adds staff accounts only (customers sign up themselves, with a verified
    address): with an e-mail address that is valid and not in use by anyone, in any case."""

    email = forms.EmailField(label=_("e-mailadres"), max_length=254)

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = (self.cleaned_data.get("email") or "").strip()
        if (
            User.objects.filter(email__iexact=email).exists()
            or EmailAddress.objects.filter(email__iexact=email).exists()
        ):
            raise forms.ValidationError(_("Dit e-mailadres is al in gebruik."), code="unique")
        return email

    def save(self, commit: bool = True) -> User:
        self.instance.is_staff = True
        return super().save(commit=commit)


# --- per-customer actions ------------------------------------------------------------------
# Other apps register theirs in their own admin.py (subscriptions: cancel, refund; retention:
# export, legal holds); accounts.customer_actions holds the register.


def _close(request, customer, data) -> str:
    services.account_close(user=customer, by=request.user, reason=data["reason"])
    return gettext("Het account is opgeheven; de klant krijgt een bevestiging per e-mail.")


def _reopen(request, customer, data) -> str:
    services.account_reopen(user=customer, by=request.user, reason=data["reason"])
    return gettext("Het account is heropend; het wordt niet meer gewist.")


def _verify(request, customer, data) -> str:
    email = services.email_verification_resend(user=customer, by=request.user)
    return gettext("Bevestigingse-mail opnieuw verstuurd naar %(email)s.") % {"email": email}


def _is_closed(customer: User) -> bool:
    return customer.closed_at is not None


def _is_open(customer: User) -> bool:
    return customer.closed_at is None


customer_actions.register(
    CustomerAction(
        "close",
        _("Account opheffen"),
        StaffActionForm,
        _close,
        _is_open,
        refusals=(services.AccountError,),
        order=10,
    ),
    CustomerAction(
        "reopen",
        _("Account heropenen"),
        StaffActionForm,
        _reopen,
        _is_closed,
        refusals=(services.AccountError,),
        order=20,
    ),
    CustomerAction(
        "verify",
        _("Bevestigingse-mail opnieuw sturen"),
        StaffActionForm,
        _verify,
        _is_open,
        refusals=(services.AccountError,),
        order=60,
    ),
)


@admin.register(User)
class UserAdmin(AuditedModelAdminMixin, DjangoUserAdmin):
    form = AdminUserChangeForm
    list_display = ("username", "email", "is_staff", "is_active", "closed_at", "date_joined", "glance_link")
    list_filter = ("is_staff", "is_active", ("closed_at", admin.EmptyFieldListFilter))
    readonly_fields = ("closed_at", "closed_reason", "last_login", "date_joined", "glance_link", "customer_actions")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Opheffen"), {"fields": ("closed_at", "closed_reason")}),
        (_("Klantacties"), {"fields": ("glance_link", "customer_actions")}),
    )
    inlines = [ProfileInline]
    add_form = AdminStaffCreationForm
    # Search: name, e-mail, company, KvK number and VAT id (each word, anywhere); an invoice
    # or credit note number and a Mollie id (customer, payment, subscription) exactly.
    search_fields = (
        "username",
        "first_name",
        "last_name",
        "email",
        "profile__full_name",
        "profile__company_name",
        "profile__kvk_number",
        "profile__vat_id",
    )

    def get_search_results(self, request, queryset, search_term):
        # Control characters (a NUL byte reaches PostgreSQL as an error) and very long terms
        # find nothing, with a message, instead of failing.
        term = search_term.strip()
        if not all(ch.isprintable() for ch in term):
            self.message_user(request, gettext("De zoekterm bevat onzichtbare of ongeldige tekens."), messages.WARNING)
            return queryset.none(), False
        if len(term) > 200:
            self.message_user(request, gettext("De zoekterm is te lang (hooguit 200 tekens)."), messages.WARNING)
            return queryset.none(), False
        found, may_have_duplicates = super().get_search_results(request, queryset, term)
        if term and " " not in term:
            # One indexed subquery per unique column (no OR over joined tables).
            lookups = (
                "invoices__number",
                "credit_notes__number",
                "mollie_customer__mollie_id",
                "payments__mollie_id",
                "subscriptions__remote_subscriptions__mollie_id",
            )
            exact = Q()
            for lookup in lookups:
                exact |= Q(pk__in=User.objects.filter(**{lookup: term}).values("pk"))
            found = found | queryset.filter(exact)
        return found, may_have_duplicates

    def save_formset(self, request, form, formset, change):
        result = super().save_formset(request, form, formset, change)
        if formset.model is Profile:
            for inline_form in formset.forms:
                if inline_form.instance.pk and inline_form.has_changed():
                    changes = {name: [None, CHANGED] for name in inline_form.changed_data}
                    services.profile_changed_by_staff(profile=inline_form.instance, changes=changes)
        return result

    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "usable_password", "password1", "password2"),
                "description": _("Hier maakt u alleen accounts voor medewerkers aan; klanten registreren zichzelf."),
            },
        ),
    )

    # -- what staff may not do to a customer ------------------------------------------------

    @staticmethod
    def _was_customer(user: User) -> bool:
        """Signed up through the portal or with billing history: the customer's rules apply
        for good, also after the account was made staff."""
        from audit.models import AuditEvent

        if user.subscriptions.exists() or user.payments.exists() or user.invoices.exists():
            return True
        return AuditEvent.objects.filter(action=Action.ACCOUNT_SIGNED_UP, subject_id=user.pk).exists()

    @classmethod
    def _deletable(cls, user: User) -> bool:
        """Only staff accounts that never were customers are deleted. Customers are closed;
        retention erases them after the period."""
        return user.is_staff and not cls._was_customer(user)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and not self._deletable(obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        if not super().has_delete_permission(request):
            raise PermissionDenied  # no role but the admin deletes accounts: 403 before anything else
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and not self._deletable(obj):
            self.message_user(
                request,
                gettext(
                    "Een klant wordt niet verwijderd. Hef het account op met de klantactie 'Account opheffen': "
                    "het abonnement stopt, de klant krijgt bericht en de gegevens worden na de bewaartermijn gewist."
                ),
                messages.ERROR,
            )
            return redirect(reverse("admin:accounts_user_change", args=[obj.pk]))
        return super().delete_view(request, object_id, extra_context)

    def get_deleted_objects(self, objs, request):
        # The e-mail addresses go with a deletable staff account, although staff may not
        # delete an address on its own.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(EmailAddress._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, where the rule above is checked
        return actions

    actions = ["send_mfa_invitation"]

    def has_invite_permission(self, request) -> bool:
        return self._is_admin_role(request)

    @admin.action(description=_("Uitnodiging voor tweestapsverificatie sturen"), permissions=["invite"])
    def send_mfa_invitation(self, request, queryset):
        """A staff member's second factor is set up only through this single-use link."""
        for member in queryset:
            try:
                services.mfa_invitation_send(staff_member=member, by=request.user)
            except services.InvitationError as exc:
                self.message_user(request, f"{member.get_username()}: {exc}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("Uitnodiging verstuurd naar %(email)s.") % {"email": member.email},
                    messages.SUCCESS,
                )

    # -- who hands out rights ---------------------------------------------------------------
    # Rights (staff status, superuser, groups, permissions), new staff accounts and another
    # staff member's password are the admin role's alone (a superuser): the permission the
    # customer actions need (``accounts.change_user``) must not let staff promote themselves.

    @staticmethod
    def _is_admin_role(request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request) -> bool:
        return self._is_admin_role(request) and super().has_add_permission(request)

    def user_change_password(self, request, id, form_url=""):
        target = self.get_object(request, unquote(id))
        if target is not None and target.is_staff and target.pk != request.user.pk and not self._is_admin_role(request):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and not obj.is_staff:
            # Closing and reopening are actions (with the retention clock); the login
            # address changes through the customer's own verified e-mail management.
            fields += ("is_active", "email")
        if obj is not None and (not obj.is_staff or self._was_customer(obj)):
            # A customer never gets staff rights here (after which the rules above would no
            # longer hold); a customer made staff before this rule keeps his rights as they are.
            fields += ("is_staff", "is_superuser", "groups", "user_permissions")
        elif not self._is_admin_role(request):
            fields += ("is_staff", "is_superuser", "groups", "user_permissions")
        return fields

    # -- per-customer actions --------------------------------------------------------------

    @admin.display(description=_("overzicht"))
    def glance_link(self, obj: User) -> str:
        # The page itself is portal.admin_glance (it reads every app; portal is the top layer).
        if obj is None or obj.pk is None or obj.is_staff:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("customer_glance", args=[obj.pk]), gettext("In één oogopslag")
        )

    @admin.display(description=_("acties"))
    def customer_actions(self, obj: User) -> str:
        if obj is None or obj.pk is None or obj.is_staff:
            return "—"
        staff = getattr(context.request, "user", None)
        links = [
            (reverse("admin:accounts_user_customer_action", args=[obj.pk, action.name]), action.label)
            for action in customer_actions.all_actions()
            if action.available(obj) and staff is not None and staff.has_perm(action.permission)
        ]
        return format_html("<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a></li>', links))

    def get_urls(self):
        return [
            path(
                "<int:object_id>/klantactie/<slug:action>/",
                self.admin_site.admin_view(self.customer_action_view),
                name="accounts_user_customer_action",
            ),
            *super().get_urls(),
        ]

    def customer_action_view(self, request: HttpRequest, object_id: int, action: str) -> HttpResponse:
        chosen = customer_actions.get(action)
        customer = User.objects.filter(pk=object_id, is_staff=False).first()
        if chosen is None or customer is None:
            raise Http404
        # Each action is its role's (accounts.roles): seeing the customer and the action's own
        # permission, not the right to edit the customer's page.
        if not (self.has_view_permission(request, customer) and request.user.has_perm(chosen.permission)):
            raise PermissionDenied
        change_url = reverse("admin:accounts_user_change", args=[customer.pk])
        if not chosen.available(customer):
            self.message_user(request, gettext("Deze actie is voor deze klant nu niet mogelijk."), messages.WARNING)
            return redirect(change_url)
        form = chosen.form(request.POST if request.method == "POST" else None, customer=customer)
        if request.method == "POST" and form.is_valid():
            try:
                message = self._perform(request, chosen, customer, form.cleaned_data)
            except customer_actions.unavailable_errors() as exc:
                form.add_error(None, customer_actions.unavailable_message(exc))
            except customer_actions.refusals() as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, message, messages.SUCCESS)
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{chosen.label}: {customer.get_username()}",
            "action": chosen,
            "customer": customer,
            "form": form,
            "change_url": change_url,
            "opts": self.model._meta,
        }
        status = HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK
        return TemplateResponse(request, "admin/accounts/customer_action.html", context, status=status)

    def _perform(self, request: HttpRequest, chosen: CustomerAction, customer: User, data: dict) -> str:
        def audit() -> None:
            services.staff_action_record(by=request.user, customer=customer, action=chosen.name, reason=data["reason"])

        if chosen.external:  # never hold a transaction open around a call to an outside service
            message = chosen.perform(request, customer, data)
            audit()
            return message
        with transaction.atomic():
            message = chosen.perform(request, customer, data)
            audit()
        return message


# allauth's own admin lets staff add and edit a customer's addresses and mark one verified
# or primary, past the verification and the audit of e-mail changes. Staff only look; a new
# confirmation mail is the customer action "Bevestigingse-mail opnieuw sturen".
admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class ReadOnlyEmailAddressAdmin(AuditedModelAdminMixin, EmailAddressAdmin):
    actions = None

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# allauth's own admin shows and edits ``data``: the (encrypted) TOTP secret and recovery
# seed. Staff see which methods a customer has and may remove one (a lost phone), never
# the secret.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(AuditedModelAdminMixin, admin.ModelAdmin):
    audit_subject = "user_id"
    raw_id_fields = ("user",)
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type", "created_at", "last_used_at")
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields
    search_fields = ("user__username",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
