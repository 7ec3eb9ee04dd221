from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from audit.selectors import kind_choices


class ActivityFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort"), required=False)
    start = forms.DateField(
        label=_("Vanaf"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Vul een geldige datum in, bijvoorbeeld 2026-03-01.")},
    )
    end = forms.DateField(
        label=_("Tot en met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Vul een geldige datum in, bijvoorbeeld 2026-03-31.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Alles"))] + kind_choices()
        self.fields["kind"].error_messages["invalid_choice"] = _("Kies een soort uit de lijst.")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("De begindatum ligt na de einddatum."))
        return data
