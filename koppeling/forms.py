from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from koppeling.models import ApiKey, Connection, Flow, KoppelingSettings


def _choices(connection: Connection | None, kind: str) -> list[tuple[str, str]]:
    rows = (connection.options or {}).get(kind, []) if connection else []
    return [("", _("— niet gekozen —"))] + [(str(row["code"]), f"{row['code']} · {row['name']}") for row in rows]


class DivisionForm(forms.Form):
    division = forms.ChoiceField(
        label=_("Administratie"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies een administratie."),
            "invalid_choice": _("Kies een administratie uit de lijst van Exact Online."),
        },
    )

    def __init__(self, *args, connection: Connection, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = [
            (str(row["code"]), f"{row['name']} ({row['code']})") for row in connection.divisions
        ]
        if connection.division:
            self.initial.setdefault("division", str(connection.division))


class SettingsForm(forms.Form):
    LIST_ERROR = _("Kies een waarde uit de lijst van Exact Online; vernieuw de lijsten als die ontbreekt.")

    flows = forms.MultipleChoiceField(
        label=_("Wat de koppeling doet"),
        choices=Flow.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Kies alleen stromen uit de lijst.")},
    )
    sales_journal = forms.ChoiceField(label=_("Verkoopdagboek"), required=False)
    vat_code_high = forms.ChoiceField(label=_("Btw-code voor 21%"), required=False)
    vat_code_low = forms.ChoiceField(label=_("Btw-code voor 9%"), required=False)
    vat_code_zero = forms.ChoiceField(label=_("Btw-code voor 0% en vrijgesteld"), required=False)
    sync_interval_minutes = forms.IntegerField(
        label=_("Synchroniseren elke (minuten)"),
        min_value=KoppelingSettings.INTERVAL_MIN,
        max_value=KoppelingSettings.INTERVAL_MAX,
        error_messages={
            "required": _("Vul in om de hoeveel minuten de koppeling synchroniseert."),
            "invalid": _("Vul een heel aantal minuten in."),
            "min_value": _("Minimaal %(limit_value)s minuten."),
            "max_value": _("Maximaal %(limit_value)s minuten (een dag)."),
        },
    )
    start_date = forms.DateField(
        label=_("Vanaf datum"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Bestellingen van vóór deze datum worden niet overgenomen."),
        error_messages={"invalid": _("Vul een geldige datum in, bijvoorbeeld 2026-03-01.")},
    )
    error_email = forms.EmailField(
        label=_("E-mailadres voor foutmeldingen"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Vul een geldig e-mailadres in.")},
    )

    # The rate each VAT field is for, in percent.
    VAT_FIELD_RATES = {"vat_code_high": 21, "vat_code_low": 9, "vat_code_zero": 0}

    def __init__(self, *args, connection: Connection | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.connection = connection
        self.fields["sales_journal"].choices = _choices(connection, "journals")
        for name in ("vat_code_high", "vat_code_low", "vat_code_zero"):
            self.fields[name].choices = _choices(connection, "vat_codes")
        for name in ("sales_journal", "vat_code_high", "vat_code_low", "vat_code_zero"):
            self.fields[name].error_messages["invalid_choice"] = self.LIST_ERROR

    def clean_start_date(self):
        value = self.cleaned_data.get("start_date")
        if value is not None and not (2000 <= value.year <= 2100):
            raise forms.ValidationError(_("Kies een datum tussen 2000 en 2100."))
        return value

    def clean(self):
        data = super().clean()
        if Flow.ORDERS in (data.get("flows") or []) and not data.get("sales_journal"):
            self.add_error("sales_journal", _("Kies het verkoopdagboek waarin de bestellingen worden geboekt."))
        return data

    def rate_warnings(self) -> list[str]:
        """A VAT code whose rate in Exact Online differs from the rate it is chosen for
        (21 % mapped to a 9 % code): allowed (the customer may know better), but said."""
        rows = {
            str(row.get("code")): row
            for row in ((self.connection.options or {}) if self.connection else {}).get("vat_codes", [])
        }
        warnings = []
        for name, expected in self.VAT_FIELD_RATES.items():
            row = rows.get(self.cleaned_data.get(name) or "")
            if row is None or not row.get("rate"):
                continue
            try:
                percent = round(float(row["rate"]) * 100, 2)
            except ValueError:
                continue
            if percent != expected:
                warnings.append(
                    _(
                        "Let op: btw-code %(code)s (%(name)s) heeft in Exact Online %(rate)s%% btw, "
                        "maar u koos hem voor %(expected)s%%. Controleer of dat klopt."
                    )
                    % {
                        "code": row["code"],
                        "name": row.get("name", ""),
                        "rate": f"{percent:g}",
                        "expected": expected,
                    }
                )
        return warnings


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Naam"),
        max_length=100,
        help_text=_("Bijvoorbeeld de naam van uw webwinkel."),
        error_messages={
            "required": _("Geef de sleutel een naam."),
            "max_length": _("Gebruik hooguit %(limit_value)d tekens."),
        },
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if any(ord(ch) < 32 for ch in name):
            raise forms.ValidationError(_("Gebruik geen stuurtekens in de naam."))
        return name

    MAX_LIVE = ApiKey.MAX_LIVE
