"""Dutch admin labels where Django would derive English ones from the code: a model or field
declared without a ``verbose_name`` is named after its Python name ("authenticator",
"created at", "user"). That happens in allauth's MFA and session models and in relations of
our own models. Set once at start-up:

- a relation without a name of its own takes the (Dutch) name of the model it points to
  ("user" → "gebruiker", "customer" → "Mollie-klant");
- other unnamed fields take a name from ``FIELD_NAMES`` (by field name, for every model);
- allauth's two models get Dutch model names.

Only the runtime labels change: migrations read the original options (``Meta.original_attrs``
and ``Field._verbose_name``), so no migration follows, in our apps or the libraries'. Texts that
libraries do wrap in gettext are translated in locale_overrides/nl instead (docs/texts.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

FIELD_NAMES = {
    "created_at": _("aangemaakt op"),
    "last_used_at": _("laatst gebruikt op"),
    "last_seen_at": _("laatst actief op"),
    "canceled_at": _("stopgezet op"),
    "type": _("soort"),
    "data": _("gegevens"),
    "ip": _("IP-adres"),
    "user_agent": _("browser"),
    "mollie_id": _("kenmerk bij Mollie"),
    "mandate_id": _("Mollie-machtiging"),
    "year": _("jaar"),
    "last_number": _("laatste nummer"),
}
MODEL_NAMES = {
    ("mfa", "authenticator"): (
        _("inlogmethode voor tweestapsverificatie"),
        _("inlogmethoden voor tweestapsverificatie"),
    ),
    ("usersessions", "usersession"): (_("gebruikerssessie"), _("gebruikerssessies")),
}
# Names that differ for one model from the general rule above.
FIELD_NAMES_BY_MODEL = {
    ("usersessions", "usersession", "created_at"): _("begonnen op"),
    ("mfa", "authenticator", "created_at"): _("ingesteld op"),
}


def apply() -> None:
    from cookie_consent.models import Cookie, CookieGroup
    from django.apps import apps

    # django-cookie-consent lists these methods in its admin without a column title
    for model in (Cookie, CookieGroup):
        model.get_version.short_description = _("versie")
    for (app_label, model_name), (singular, plural) in MODEL_NAMES.items():
        meta = apps.get_model(app_label, model_name)._meta
        meta.verbose_name, meta.verbose_name_plural = singular, plural
    for model in apps.get_models():
        meta = model._meta
        for field in meta.get_fields():
            if not (getattr(field, "concrete", False) or field.many_to_many):
                continue
            if getattr(field, "_verbose_name", "") is not None:  # named in the code: translated by gettext
                continue
            label = FIELD_NAMES_BY_MODEL.get((meta.app_label, meta.model_name, field.name))
            if label is None and field.is_relation and field.related_model is not None:
                label = field.related_model._meta.verbose_name
            if label is None:
                label = FIELD_NAMES.get(field.name)
            if label is not None:
                field.verbose_name = label
