from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.forms import SignupForm as AccountSignupForm
from consent.marketing.services import Via, preference_set

RECEIVE = "receive"
OBJECT = "object"


class PreferencesForm(forms.Form):
    marketing = forms.ChoiceField(
        label=_("Aanbiedingen en nieuws over onze producten per e-mail"),
        choices=[
            (RECEIVE, _("Ja, stuur mij aanbiedingen per e-mail")),
            (OBJECT, _("Nee, ik wil geen aanbiedingen per e-mail ontvangen")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies een van beide."), "invalid_choice": _("Kies een van beide.")},
    )

    @property
    def objected(self) -> bool:
        return self.cleaned_data["marketing"] == OBJECT


class SignupForm(AccountSignupForm):
    """The signup form in use (``settings.ACCOUNT_FORMS``): the account's form plus the
    objection to marketing mail, a soft opt-in offered at signup."""

    no_marketing = forms.BooleanField(label=_("Ik wil geen aanbiedingen per e-mail ontvangen"), required=False)

    def signup(self, request, user) -> None:
        objected = bool(self.cleaned_data.get("no_marketing"))
        preference_set(user=user, objected=objected, via=Via.SIGNUP, by=user, language=get_language())
