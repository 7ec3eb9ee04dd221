from __future__ import annotations

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext_lazy as _

from accounts import validation
from accounts.models import Profile

_TEXT_FIELDS = (
    "full_name",
    "street",
    "city",
    "company_name",
    "billing_name",
    "billing_street",
    "billing_city",
    "invoice_reference",
)


class SignupForm(AllauthSignupForm):
    """allauth's signup form. Features that add a choice at signup subclass it in their own
    app (``consent.marketing.forms.SignupForm``); ``ACCOUNT_FORMS`` names the one in use."""

    def try_save(self, request):
        if self.account_already_exists:
            # A known address creates nothing, so it would answer much faster than a new one
            # (which hashes the password) and give the address away: hash it here too.
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = list(Profile.AUDITED_FIELDS)  # every field the customer edits is audited
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "street": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "country": forms.Select(attrs={"autocomplete": "country"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "company_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "kvk_number": forms.TextInput(attrs={"inputmode": "numeric"}),
            "billing_email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        help_texts = {
            "phone": _("Bijvoorbeeld 040 123 4567 of +31 40 123 4567."),
            "vat_id": _("Met landcode, bijvoorbeeld NL004495445B01."),
            "kvk_number": _("8 cijfers."),
        }

    def _clean_text(self, name: str) -> str:
        return validation.plain_text(self.cleaned_data.get(name, "") or "")

    def clean_kvk_number(self) -> str:
        return validation.kvk_number(self.cleaned_data.get("kvk_number", "") or "")

    def clean_vat_id(self) -> str:
        return validation.vat_id(self.cleaned_data.get("vat_id", "") or "")

    def clean_billing_email(self) -> str:
        return validation.billing_email(self.cleaned_data.get("billing_email", "") or "", user=self.instance.user)

    def clean(self) -> dict:
        data = super().clean()
        for name in _TEXT_FIELDS:
            if name in data:
                try:
                    data[name] = self._clean_text(name)
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        country = str(data.get("country") or "")
        billing_country = str(data.get("billing_country") or "")
        for field, land in (("postal_code", country), ("billing_postal_code", billing_country)):
            if field in data:
                try:
                    data[field] = validation.postal_code(data[field] or "", land)
                except forms.ValidationError as exc:
                    self.add_error(field, exc)
        if "phone" in data:
            try:
                data["phone"] = validation.phone_e164(data["phone"] or "", country)
            except forms.ValidationError as exc:
                self.add_error("phone", exc)
        if data.get("billing_same_as_address") is False:
            for field in ("billing_name", "billing_street", "billing_postal_code", "billing_city"):
                if not data.get(field) and field not in self.errors:
                    self.add_error(field, _("Vul dit in, of kies dat het factuuradres gelijk is aan het adres."))
        return data


class CloseAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Uw wachtwoord"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("Ik begrijp dat ik na het opheffen niet meer kan inloggen."),
        required=True,
    )
    reason = forms.CharField(
        label=_("Waarom heft u uw account op?"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # Through allauth's reauthentication: the same login limits, axes lockout and
        # audit events as a login, so a stolen session cannot guess the password.
        if not get_account_adapter().reauthenticate(self.user, password):
            raise forms.ValidationError(_("Dit wachtwoord klopt niet."), code="wrong_password")
        return password

    def clean_reason(self) -> str:
        return validation.plain_text(self.cleaned_data.get("reason", "") or "")
