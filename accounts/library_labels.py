"""Dutch admin labels for allauth's MFA and session models, which name neither the model nor
most fields in a translatable way (Django derives "authenticator" and "created at" from the
code). Set once at start-up. Only the runtime labels change: migrations read the original
options (``Meta.original_attrs`` and ``Field._verbose_name``), so no migration follows."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

FIELD_LABELS = {
    ("mfa", "authenticator"): {
        "user": _("gebruiker"),
        "type": _("soort"),
        "data": _("gegevens"),
        "created_at": _("ingesteld op"),
        "last_used_at": _("laatst gebruikt op"),
    },
    ("usersessions", "usersession"): {
        "user": _("gebruiker"),
        "created_at": _("begonnen op"),
        "ip": _("IP-adres"),
        "last_seen_at": _("laatst actief op"),
        "user_agent": _("browser"),
        "data": _("gegevens"),
    },
}
MODEL_LABELS = {
    ("mfa", "authenticator"): (
        _("inlogmethode voor tweestapsverificatie"),
        _("inlogmethoden voor tweestapsverificatie"),
    ),
    ("usersessions", "usersession"): (_("gebruikerssessie"), _("gebruikerssessies")),
}


def apply() -> None:
    from cookie_consent.models import Cookie, CookieGroup
    from django.apps import apps

    # django-cookie-consent lists these methods in its admin without a column title
    for model in (Cookie, CookieGroup):
        model.get_version.short_description = _("versie")

    for (app_label, model_name), (singular, plural) in MODEL_LABELS.items():
        meta = apps.get_model(app_label, model_name)._meta
        meta.verbose_name, meta.verbose_name_plural = singular, plural
    for (app_label, model_name), labels in FIELD_LABELS.items():
        meta = apps.get_model(app_label, model_name)._meta
        for field_name, label in labels.items():
            meta.get_field(field_name).verbose_name = label
