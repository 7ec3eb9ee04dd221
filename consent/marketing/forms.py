from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
