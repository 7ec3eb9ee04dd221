"""Personal data kept by the accounts app (declared for the retention register).

Erasure of an account (three calendar months after ``User.closed_at``, Amsterdam time) is
one set-based batch per group of accounts:

* every other category's ``erase_users`` runs first, on the same batch of user ids, in the
  same transaction: audit events are redacted (the chain stays), sessions, failed-login and
  lockout records of the account are deleted, export files are removed after commit;
* then the user rows are deleted following the models' ``on_delete`` rules in SQL
  (:mod:`register.cascade`): what cascades is deleted (profile, allauth e-mail addresses,
  MFA authenticators, usersessions rows, data exports, staff admin log entries) and the
  user link of billing rows (subscriptions, payments, invoices, Mollie customer) is set to
  NULL: billing data stays for its own period with its invoice snapshot.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.models import Profile, StaffNote
from register.cascade import delete_ids, in_batch
from register.registry import Category, DataSubject, EndAction, Explanation, LegalBasis, Period, register

ACCOUNT_PERIOD = Period(months=3)
LOGIN_RECORD_PERIOD = Period(days=30)

User = get_user_model()


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


# --- account -----------------------------------------------------------------------------


def accounts_due(now: datetime) -> QuerySet:
    return User.objects.filter(closed_at__isnull=False, closed_at__lte=ACCOUNT_PERIOD.cutoff(now))


def erase_accounts(ids: list[Any]) -> dict[str, int]:
    """Erase the accounts ``ids`` and everything hanging off them (see the module doc)."""
    from register.registry import categories

    counts: dict[str, int] = {}
    for category in categories():
        if category.erase_users is not None:
            for label, n in category.erase_users(ids).items():
                counts[label] = counts.get(label, 0) + n
    if connection.vendor == "postgresql":
        per_model = delete_ids(User, ids)
    else:  # the SQLite development database: the ORM's collector does the same
        _total, per_model = User.objects.filter(pk__in=ids).delete()
    for label, n in per_model.items():
        counts[label] = counts.get(label, 0) + n
    return counts


def export_account(user) -> dict[str, Any]:
    return {
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "is_active": user.is_active,
        "closed_at": _iso(user.closed_at),
        "closed_reason": user.closed_reason,
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "two_factor_methods": [
            {"type": a.type, "created_at": _iso(a.created_at), "last_used_at": _iso(a.last_used_at)}
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
    }


def _account_clock(user, now: datetime, category: Category) -> Explanation:
    if user.closed_at is not None:
        return Explanation(category=category, held=True, removal_at=ACCOUNT_PERIOD.ends_at(user.closed_at))
    return Explanation(category=category, held=True, note=str(_("tot drie maanden nadat u uw account opheft")))


# --- profile -----------------------------------------------------------------------------


def export_profile(user) -> dict[str, Any]:
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        return {}
    return {
        **{k: (str(v) if not isinstance(v, bool) else v) for k, v in profile.snapshot().items()},
        "billing_email_verified": profile.billing_email_verified,
        "updated_at": _iso(profile.updated_at),
    }


def explain_profile(user, now: datetime) -> Explanation:
    held = Profile.objects.filter(user=user).exists()
    return Explanation(
        category=PROFILE,
        held=held,
        removal_at=ACCOUNT_PERIOD.ends_at(user.closed_at) if user.closed_at else None,
        note="" if user.closed_at else str(_("tot drie maanden nadat u uw account opheft")),
    )


# --- staff notes -------------------------------------------------------------------------


def export_staff_notes(user) -> list[dict[str, Any]]:
    return [
        {"text": note.text, "by": note.author_label, "created_at": _iso(note.created_at)}
        for note in StaffNote.objects.filter(user=user).order_by("created_at", "pk")
    ]


def explain_staff_notes(user, now: datetime) -> Explanation:
    return Explanation(
        category=STAFF_NOTES,
        held=StaffNote.objects.filter(user=user).exists(),
        removal_at=ACCOUNT_PERIOD.ends_at(user.closed_at) if user.closed_at else None,
        note="" if user.closed_at else str(_("tot drie maanden nadat u uw account opheft")),
    )


# --- sessions ----------------------------------------------------------------------------


def sessions_due(now: datetime) -> QuerySet:
    return Session.objects.filter(expire_date__lte=now)


def _session_keys_of(user_ids) -> QuerySet:
    return UserSession.objects.filter(user_id__in=user_ids).values("session_key")


def _batch(user_ids):
    return in_batch(user_ids) if isinstance(user_ids, list) else user_ids


def sessions_exclude_held(queryset: QuerySet, held_user_ids: QuerySet) -> QuerySet:
    return queryset.exclude(session_key__in=_session_keys_of(held_user_ids))


def _forget_cached_sessions(keys: list[str]) -> None:
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX

    if keys:
        transaction.on_commit(lambda: caches[settings.SESSION_CACHE_ALIAS].delete_many([KEY_PREFIX + k for k in keys]))


def dispose_sessions(keys: list[Any]) -> dict[str, int]:
    deleted, _per_model = Session.objects.filter(session_key__in=keys).delete()
    _forget_cached_sessions(list(keys))
    return {"sessions.Session": deleted}


def erase_user_sessions(user_ids: list[Any]) -> dict[str, int]:
    keys = list(UserSession.objects.filter(user_id__in=_batch(user_ids)).values_list("session_key", flat=True))
    if not keys:
        return {}
    return dispose_sessions(keys)


def export_sessions(user) -> dict[str, Any]:
    keys = UserSession.objects.filter(user=user).values("session_key")
    return {"active_sessions": Session.objects.filter(session_key__in=keys).count()}


def explain_sessions(user, now: datetime) -> Explanation:
    keys = UserSession.objects.filter(user=user).values("session_key")
    last = (
        Session.objects.filter(session_key__in=keys)
        .order_by("-expire_date")
        .values_list("expire_date", flat=True)
        .first()
    )
    return Explanation(
        category=SESSIONS,
        held=last is not None,
        removal_at=last,
        note="" if last else str(_("bij het einde van elke sessie")),
    )


# --- session devices (allauth usersessions: IP address, browser, last seen) ---------------


def session_devices_due(now: datetime) -> QuerySet:
    live = Session.objects.filter(expire_date__gt=now).values("session_key")
    return UserSession.objects.exclude(session_key__in=live)


def dispose_session_devices(ids: list[Any]) -> dict[str, int]:
    deleted, _per_model = UserSession.objects.filter(pk__in=ids).delete()
    return {"usersessions.UserSession": deleted}


def export_session_devices(user) -> list[dict[str, Any]]:
    return [
        {"ip": s.ip, "user_agent": s.user_agent, "created_at": _iso(s.created_at), "last_seen_at": _iso(s.last_seen_at)}
        for s in UserSession.objects.filter(user=user).order_by("created_at")
    ]


def explain_session_devices(user, now: datetime) -> Explanation:
    return Explanation(
        category=SESSION_DEVICES,
        held=UserSession.objects.filter(user=user).exists(),
        note=str(_("tot het einde van de sessie")),
    )


# --- failed logins and lockouts (django-axes) ---------------------------------------------


def _usernames_of(user_ids) -> QuerySet:
    return User.objects.filter(pk__in=_batch(user_ids)).annotate(login=Lower("username")).values("login")


def _axes_category(model, name: str, verbose_name, data, order: int) -> Category:
    def due(now: datetime) -> QuerySet:
        return model.objects.filter(attempt_time__lte=LOGIN_RECORD_PERIOD.cutoff(now))

    def exclude_held(queryset: QuerySet, held_user_ids: QuerySet) -> QuerySet:
        return queryset.exclude(username__in=_usernames_of(held_user_ids))

    def dispose(ids: list[Any]) -> dict[str, int]:
        _total, per_model = model.objects.filter(pk__in=ids).delete()
        return per_model

    def erase_users(user_ids: list[Any]) -> dict[str, int]:
        _total, per_model = model.objects.filter(username__in=_usernames_of(user_ids)).delete()
        return per_model

    def export(user) -> list[dict[str, Any]]:
        rows = model.objects.filter(username=user.get_username().lower()).order_by("attempt_time")
        return [
            {"attempt_time": _iso(r.attempt_time), "ip_address": r.ip_address, "user_agent": r.user_agent} for r in rows
        ]

    def explain(user, now: datetime) -> Explanation:
        first = (
            model.objects.filter(username=user.get_username().lower())
            .order_by("attempt_time")
            .values_list("attempt_time", flat=True)
            .first()
        )
        return Explanation(
            category=category,
            held=first is not None,
            removal_at=LOGIN_RECORD_PERIOD.ends_at(first) if first else None,
            note=str(_("30 dagen na de inlogpoging")),
        )

    category = Category(
        name=name,
        verbose_name=verbose_name,
        purpose=_("Inbraakpogingen herkennen en accounts tijdelijk blokkeren na te veel mislukte pogingen."),
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        clock_start=_("het tijdstip van de inlogpoging"),
        period=LOGIN_RECORD_PERIOD,
        end_action=EndAction.DELETE,
        data=data,
        due=due,
        dispose=dispose,
        exclude_held=exclude_held,
        erase_users=erase_users,
        export=export,
        explain=explain,
        order=order,
        app_label="accounts",
        recipients=("hosting",),
        data_subjects=(DataSubject.CUSTOMERS, DataSubject.STAFF, DataSubject.VISITORS),
        security=_(
            "Alleen in te zien door medewerkers in de beheeromgeving; gebruikt om na te veel mislukte pogingen het inloggen tijdelijk te blokkeren."
        ),
    )
    return category


# --- the declarations ----------------------------------------------------------------------

ACCOUNT = Category(
    name="account",
    verbose_name=_("Account"),
    purpose=_("Inloggen op het portaal en u bereiken als dat nodig is voor de dienst."),
    legal_basis=LegalBasis.CONTRACT,
    clock_start=_("het opheffen van het account"),
    period=ACCOUNT_PERIOD,
    end_action=EndAction.DELETE,
    data=_(
        "gebruikersnaam, e-mailadressen, wachtwoord (versleuteld), tweestapsverificatie, aanmeld- en opheffingsdatum"
    ),
    due=accounts_due,
    dispose=erase_accounts,
    subject_field="pk",
    export=export_account,
    explain=lambda user, now: _account_clock(user, now, ACCOUNT),
    order=900,  # last: everything else about the customer goes with it
    app_label="accounts",
    recipients=("hosting", "mail"),
    data_subjects=(DataSubject.CUSTOMERS, DataSubject.STAFF),
    security=_(
        "Wachtwoorden alleen als hash opgeslagen; tweestapsverificatie mogelijk en verplicht voor medewerkers; inloggen tijdelijk geblokkeerd na te veel mislukte pogingen."
    ),
)

PROFILE = Category(
    name="profile",
    verbose_name=_("Naam-, adres- en bedrijfsgegevens"),
    purpose=_("De dienst leveren, factureren en contact met u houden."),
    legal_basis=LegalBasis.CONTRACT,
    clock_start=_("het opheffen van het account"),
    period=ACCOUNT_PERIOD,
    end_action=EndAction.DELETE,
    data=_(
        "naam, adres, telefoonnummer, bedrijfsnaam, KvK-nummer, btw-nummer, factuuradres, e-mailadres en referentie voor facturen"
    ),
    disposed_with="account",
    export=export_profile,
    explain=explain_profile,
    order=10,
    app_label="accounts",
    recipients=("hosting", "mail", "mollie"),
    data_subjects=(DataSubject.CUSTOMERS,),
    security=_(
        "Alleen de klant zelf en medewerkers met een rol die het nodig heeft zien deze gegevens; elke wijziging staat in het activiteitenlogboek."
    ),
)

SESSIONS = Category(
    name="sessions",
    verbose_name=_("Sessies"),
    purpose=_("U ingelogd houden terwijl u het portaal gebruikt."),
    legal_basis=LegalBasis.CONTRACT,
    clock_start=_("het verlopen van de sessie (30 minuten zonder activiteit)"),
    period=Period(),
    end_action=EndAction.DELETE,
    data=_("sessiesleutel en sessie-inhoud"),
    due=sessions_due,
    dispose=dispose_sessions,
    exclude_held=sessions_exclude_held,
    erase_users=erase_user_sessions,
    export=export_sessions,
    explain=explain_sessions,
    order=20,
    app_label="accounts",
    recipients=("hosting",),
    data_subjects=(DataSubject.CUSTOMERS, DataSubject.STAFF),
    security=_(
        "Sessiecookie alleen via HTTPS en niet leesbaar voor scripts; een sessie verloopt na 30 minuten zonder activiteit."
    ),
)

SESSION_DEVICES = Category(
    name="session_devices",
    verbose_name=_("Ingelogde apparaten"),
    purpose=_("U laten zien waar u bent ingelogd, zodat u sessies kunt beëindigen."),
    legal_basis=LegalBasis.CONTRACT,
    clock_start=_("het einde van de sessie"),
    period=Period(),
    end_action=EndAction.DELETE,
    data=_("IP-adres, browser, tijdstip van inloggen en laatste activiteit"),
    due=session_devices_due,
    dispose=dispose_session_devices,
    subject_field="user_id",
    export=export_session_devices,
    explain=explain_session_devices,
    order=21,
    app_label="accounts",
    recipients=("hosting",),
    data_subjects=(DataSubject.CUSTOMERS, DataSubject.STAFF),
    security=_("Alleen zichtbaar voor de klant zelf, die elke sessie kan beëindigen."),
)

LOGIN_ATTEMPTS = _axes_category(
    AccessAttempt,
    "login_attempts",
    _("Mislukte inlogpogingen"),
    _("gebruikersnaam, IP-adres, browser, tijdstip, aantal pogingen"),
    30,
)
LOGIN_FAILURES = _axes_category(
    AccessFailureLog,
    "login_failures",
    _("Blokkeringen na mislukte inlogpogingen"),
    _("gebruikersnaam, IP-adres, browser, tijdstip, of het account werd geblokkeerd"),
    31,
)
LOGIN_LOG = _axes_category(
    AccessLog,
    "login_log",
    _("Inlogregistratie"),
    _("gebruikersnaam, IP-adres, browser, tijdstip van in- en uitloggen"),
    32,
)

STAFF_NOTES = Category(
    name="staff_notes",
    verbose_name=_("Interne notities van onze medewerkers"),
    purpose=_("U goed helpen als u contact met ons opneemt: wat eerder met u is besproken of afgesproken."),
    legal_basis=LegalBasis.LEGITIMATE_INTEREST,
    clock_start=_("het opheffen van het account"),
    period=ACCOUNT_PERIOD,
    end_action=EndAction.DELETE,
    data=_("de tekst van de notitie, wie hem schreef en wanneer"),
    disposed_with="account",
    export=export_staff_notes,
    explain=explain_staff_notes,
    order=15,
    app_label="accounts",
    recipients=("hosting",),
    data_subjects=(DataSubject.CUSTOMERS, DataSubject.STAFF),
    security=_(
        "Alleen medewerkers met de rol Ondersteuning schrijven notities; elke notitie staat in het activiteitenlogboek en in de gegevensexport van de klant."
    ),
)

register(ACCOUNT, PROFILE, STAFF_NOTES, SESSIONS, SESSION_DEVICES, LOGIN_ATTEMPTS, LOGIN_FAILURES, LOGIN_LOG)
