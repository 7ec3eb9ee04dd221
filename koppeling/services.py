"""Changes to the koppeling. Each function is keyword-only and atomic, records its audit
event in the same transaction (never with a token or key in it) and sends mail only after
commit. Exact Online is reached only through ``koppeling.exact``.

Token refresh is serialised per connection with a row lock (``SELECT … FOR UPDATE``): the
first request that finds the access token (nearly) expired refreshes it while holding the
lock and stores the new pair in the same transaction; the others wait for the lock and then
find the fresh token, so a refresh token is never spent twice.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.db import connection as db
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.events import Action
from audit.services import diff, record
from core.formatting import greeting_name
from core.mail import send_later
from koppeling import crypto, exact
from koppeling.models import ApiKey, Connection, KoppelingSettings
from subscriptions.selectors import billing_summary

T = TypeVar("T")
EXACT = "Exact Online"
# Refresh shortly before expiry: Exact refuses to refresh a token that is far from expiring.
REFRESH_MARGIN = timedelta(seconds=30)  # Exact refuses a refresh earlier (docs/koppeling.md)
API_KEY_PREFIX = "ekp_"
API_KEY_TOUCH_EVERY = timedelta(minutes=1)


class KoppelingError(Exception):
    """A request the customer can fix; the message is for them (in their language)."""


class NotConnected(KoppelingError):
    pass


class NeedsReconnect(KoppelingError):
    pass


def _now():
    return timezone.now()


def _division_label(code, name: str) -> str | None:
    return f"{code} {name}".strip() if code else None


def _require_live_subscription(user) -> None:
    if not billing_summary(user=user).is_live:
        raise KoppelingError(_("Zonder lopend abonnement kunt u de koppeling niet wijzigen."))


# --- connecting -------------------------------------------------------------------------------


@transaction.atomic
def connection_authorize(
    *, user, by, tokens: exact.TokenPair, me: exact.Me, divisions: list[exact.Option]
) -> Connection:
    """Exact gave access (the OAuth callback): keep the tokens, encrypted, and the
    administrations the customer may choose from."""
    connection, _created = Connection.objects.select_for_update().get_or_create(user=user)
    before = {"exact_user": connection.exact_user_name or None}
    connection.store_tokens(
        access_token=tokens.access_token, refresh_token=tokens.refresh_token, expires_at=tokens.expires_at
    )
    connection.exact_user_id = me.user_id
    connection.exact_user_name = me.user_name or me.full_name
    connection.divisions = [option.as_dict() for option in divisions]
    connection.state = Connection.State.CHOOSING
    connection.refreshed_at = _now()
    connection.reconnect_needed_at = None
    connection.reconnect_mailed_at = None
    connection.disconnected_at = None
    connection.save()
    record(
        Action.KOPPELING_AUTHORIZED,
        actor=by,
        subject=user,
        target=connection,
        changes={"exact_user": [before["exact_user"], connection.exact_user_name]},
    )
    return connection


@transaction.atomic
def connection_choose_division(*, user, by, division: str) -> Connection:
    """The customer picks the administration the koppeling works in (one Exact offered)."""
    connection = Connection.objects.select_for_update().filter(user=user).first()
    if connection is None or not connection.has_tokens or connection.state == Connection.State.NEEDS_RECONNECT:
        raise NotConnected(_("Verbind eerst met Exact Online."))
    offered = {str(row["code"]): row["name"] for row in connection.divisions}
    if division not in offered:
        raise KoppelingError(_("Kies een administratie uit de lijst van Exact Online."))
    before = _division_label(connection.division, connection.division_name)
    if str(connection.division) != division:
        connection.options, connection.options_fetched_at = {}, None
    connection.division = int(division)
    connection.division_name = offered[division][:200]
    connection.state = Connection.State.CONNECTED
    connection.connected_at = _now()
    connection.save()
    after = _division_label(connection.division, connection.division_name)
    record(
        Action.KOPPELING_CONNECTED,
        actor=by,
        subject=user,
        target=connection,
        changes={"administratie": [before, after]},
    )
    return connection


@transaction.atomic
def connection_disconnect(*, user, by, reason: str = "") -> Connection | None:
    """Stop using the connection: the tokens are removed from our database at once."""
    connection = Connection.objects.select_for_update().filter(user=user).first()
    if connection is None or connection.state == Connection.State.DISCONNECTED:
        return connection
    before = _division_label(connection.division, connection.division_name)
    connection.forget_tokens()
    connection.state = Connection.State.DISCONNECTED
    connection.disconnected_at = _now()
    connection.divisions, connection.options, connection.options_fetched_at = [], {}, None
    connection.division, connection.division_name = None, ""
    connection.save()
    changes = {"administratie": [before, None]}
    if reason:
        changes["reden"] = [None, reason[:200]]
    record(Action.KOPPELING_DISCONNECTED, actor=by, subject=user, target=connection, changes=changes)
    return connection


def disconnect_on_account_close(closure) -> None:
    """The koppeling's step of closing an account (``settings.ACCOUNT_CLOSE_STEPS``): a
    closed account keeps no connection to Exact."""
    connection_disconnect(user=closure.user, by=closure.by, reason="account closed")


# --- tokens -----------------------------------------------------------------------------------


def _mark_reconnect(connection: Connection) -> None:
    """Inside the caller's transaction (the row is locked): the refresh token is dead."""
    connection.forget_tokens()
    connection.state = Connection.State.NEEDS_RECONNECT
    connection.reconnect_needed_at = _now()
    first_notice = connection.reconnect_mailed_at is None
    if first_notice:
        connection.reconnect_mailed_at = _now()
    connection.save()
    record(
        Action.KOPPELING_RECONNECT_NEEDED,
        system=EXACT,
        subject_id=connection.user_id,
        target=connection,
        changes={"status": [Connection.State.CONNECTED.value, Connection.State.NEEDS_RECONNECT.value]},
    )
    user = connection.user
    recipients = [address for address in {user.email, _error_email(user)} if address]
    if first_notice and recipients:
        send_later(
            "koppeling/email/reconnect_needed",
            to=sorted(recipients),
            context={"greeting_name": greeting_name(user), "division": connection.division_name},
        )


def _error_email(user) -> str:
    settings_row = KoppelingSettings.objects.filter(user=user).only("error_email").first()
    return settings_row.error_email if settings_row else ""


def connection_access_token(*, connection_id: int, failed_token: str | None = None) -> str:
    """A valid access token for the connection, refreshed (serialised) when it is about to
    expire, or when ``failed_token`` is still the stored one (Exact refused it).

    Raises NotConnected, NeedsReconnect (and mails the customer once) or
    exact.ExactUnavailable."""
    connection = Connection.objects.get(pk=connection_id)
    if not connection.has_tokens:
        raise _not_usable(connection)
    if failed_token is None and connection.access_expires_at and connection.access_expires_at > _now() + REFRESH_MARGIN:
        try:
            return connection.access_token()
        except crypto.TokenUnreadable:
            pass  # handled under the lock below
    if db.vendor != "postgresql":
        return _refresh_in_development(connection_id, failed_token)
    lost = False
    with transaction.atomic():
        connection = Connection.objects.select_for_update().select_related("user").get(pk=connection_id)
        if not connection.has_tokens:
            raise _not_usable(connection)
        try:
            current = connection.access_token()
            refresh_token = connection.refresh_token()
        except crypto.TokenUnreadable:
            # Encrypted with a key no longer configured (see README, key rotation): useless.
            current = refresh_token = ""
        still_fresh = connection.access_expires_at and connection.access_expires_at > _now() + REFRESH_MARGIN
        if current and still_fresh and (failed_token is None or failed_token != current):
            return current  # another request refreshed it while we waited for the lock
        try:
            if not refresh_token:
                raise exact.ExactGrantError("unreadable_token")
            pair = exact.refresh(refresh_token=refresh_token)
        except exact.ExactGrantError:
            _mark_reconnect(connection)
            lost = True
        else:
            connection.store_tokens(
                access_token=pair.access_token, refresh_token=pair.refresh_token, expires_at=pair.expires_at
            )
            connection.refreshed_at = _now()
            connection.save(
                update_fields=["access_token_encrypted", "refresh_token_encrypted", "access_expires_at", "refreshed_at"]
            )
            return pair.access_token
    if lost:
        raise NeedsReconnect(_("Exact Online heeft de toegang ingetrokken: verbind opnieuw."))
    raise AssertionError("unreachable")  # pragma: no cover


_DEVELOPMENT_LOCK = threading.Lock()


def _refresh_in_development(connection_id: int, failed_token: str | None) -> str:
    """SQLite (``make run``) has no row locks, and a write transaction held across the HTTP
    call would lock out the in-process sandbox: one process-wide lock serialises instead."""
    with _DEVELOPMENT_LOCK:
        connection = Connection.objects.select_related("user").get(pk=connection_id)
        if not connection.has_tokens:
            raise _not_usable(connection)
        try:
            current, refresh_token = connection.access_token(), connection.refresh_token()
        except crypto.TokenUnreadable:
            current = refresh_token = ""
        still_fresh = connection.access_expires_at and connection.access_expires_at > _now() + REFRESH_MARGIN
        if current and still_fresh and (failed_token is None or failed_token != current):
            return current
        try:
            if not refresh_token:
                raise exact.ExactGrantError("unreadable_token")
            pair = exact.refresh(refresh_token=refresh_token)
        except exact.ExactGrantError:
            with transaction.atomic():
                _mark_reconnect(connection)
            raise NeedsReconnect(_("Exact Online heeft de toegang ingetrokken: verbind opnieuw.")) from None
        connection.store_tokens(
            access_token=pair.access_token, refresh_token=pair.refresh_token, expires_at=pair.expires_at
        )
        connection.refreshed_at = _now()
        connection.save(
            update_fields=["access_token_encrypted", "refresh_token_encrypted", "access_expires_at", "refreshed_at"]
        )
        return pair.access_token


def _not_usable(connection: Connection) -> KoppelingError:
    if connection.state == Connection.State.NEEDS_RECONNECT:
        return NeedsReconnect(_("Exact Online heeft de toegang ingetrokken: verbind opnieuw."))
    return NotConnected(_("Verbind eerst met Exact Online."))


def with_exact(connection: Connection, call: Callable[[str], T]) -> T:
    """Run ``call(access_token)``; when Exact refuses the token, refresh once and retry."""
    token = connection_access_token(connection_id=connection.pk)
    try:
        return call(token)
    except exact.ExactUnauthorized:
        token = connection_access_token(connection_id=connection.pk, failed_token=token)
        return call(token)


def options_refresh(*, user) -> Connection:
    """Read the sales journals, VAT codes and GL accounts from Exact and keep them for the
    settings form (a cache of Exact's lists; nothing of the customer's changes)."""
    connection = Connection.objects.filter(user=user).first()
    if connection is None or connection.state != Connection.State.CONNECTED or connection.division is None:
        raise NotConnected(_("Verbind eerst met Exact Online en kies een administratie."))
    division = connection.division

    def read(token: str) -> dict:
        return {
            "journals": [o.as_dict() for o in exact.sales_journals(access_token=token, division=division)],
            "vat_codes": [o.as_dict() for o in exact.vat_codes(access_token=token, division=division)],
            "gl_accounts": [o.as_dict() for o in exact.gl_accounts(access_token=token, division=division)],
        }

    options = with_exact(connection, read)
    Connection.objects.filter(pk=connection.pk, division=division).update(options=options, options_fetched_at=_now())
    connection.refresh_from_db()
    return connection


# --- settings ---------------------------------------------------------------------------------


def settings_for(user) -> KoppelingSettings:
    row, _created = KoppelingSettings.objects.get_or_create(user=user)
    return row


@transaction.atomic
def settings_update(*, user, by, data: dict) -> KoppelingSettings:
    """Save validated settings (``koppeling.forms.SettingsForm``); one event with old and new."""
    _require_live_subscription(user)
    connection = Connection.objects.filter(user=user).first()
    offered = {
        "sales_journal": connection.option_codes("journals") if connection else set(),
        "vat_code_high": connection.option_codes("vat_codes") if connection else set(),
        "vat_code_low": connection.option_codes("vat_codes") if connection else set(),
        "vat_code_zero": connection.option_codes("vat_codes") if connection else set(),
    }
    for field, codes in offered.items():
        value = data.get(field)
        if value and value not in codes:
            raise KoppelingError(_("Kies een waarde uit de lijst van Exact Online."))
    row = KoppelingSettings.objects.select_for_update().get(pk=settings_for(user).pk)
    before = row.snapshot()
    for field in KoppelingSettings.AUDITED_FIELDS:
        if field in data:
            setattr(row, field, data[field])
    row.full_clean(exclude=["user"])
    changes = diff(before, row.snapshot())
    if not changes:
        return row
    row.updated_at = _now()
    row.save()
    record(Action.KOPPELING_SETTINGS_CHANGED, actor=by, subject=user, target=row, changes=changes)
    return row


@transaction.atomic
def koppeling_pause(*, user, by) -> KoppelingSettings:
    row = KoppelingSettings.objects.select_for_update().get(pk=settings_for(user).pk)
    if row.paused:
        return row
    row.paused, row.paused_at = True, _now()
    row.save(update_fields=["paused", "paused_at"])
    record(Action.KOPPELING_PAUSED, actor=by, subject=user, target=row, changes={"gepauzeerd": [False, True]})
    return row


@transaction.atomic
def koppeling_resume(*, user, by) -> KoppelingSettings:
    _require_live_subscription(user)
    row = KoppelingSettings.objects.select_for_update().get(pk=settings_for(user).pk)
    if not row.paused:
        return row
    row.paused, row.paused_at = False, None
    row.save(update_fields=["paused", "paused_at"])
    record(Action.KOPPELING_RESUMED, actor=by, subject=user, target=row, changes={"gepauzeerd": [True, False]})
    return row


# --- webshop API keys -------------------------------------------------------------------------


def api_key_hash(raw: str) -> str:
    # The key is 256 random bits: a plain SHA-256 cannot be brute-forced, and lookups stay one
    # indexed query (a slow password hash would make every webshop request slow).
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, user, by, name: str) -> tuple[ApiKey, str]:
    """A new key; the plaintext is returned once and never stored."""
    _require_live_subscription(user)
    get_user_model().objects.select_for_update().only("pk").get(pk=user.pk)  # serialises the count
    if ApiKey.objects.filter(user=user, revoked_at__isnull=True).count() >= ApiKey.MAX_LIVE:
        raise KoppelingError(_("U heeft al %(n)d actieve sleutels: trek er eerst een in.") % {"n": ApiKey.MAX_LIVE})
    raw = API_KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(user=user, name=name.strip()[:100], prefix=raw[:12], key_hash=api_key_hash(raw))
    record(
        Action.KOPPELING_API_KEY_CREATED,
        actor=by,
        subject=user,
        target=key,
        changes={"naam": [None, key.name], "begin": [None, key.prefix]},
    )
    return key, raw


@transaction.atomic
def api_key_revoke(*, user, by, key_id: int) -> ApiKey:
    """Raises ApiKey.DoesNotExist for a key that is not the customer's (the view: 404)."""
    key = ApiKey.objects.select_for_update().get(pk=key_id, user=user)
    if key.revoked_at is not None:
        return key
    key.revoked_at = _now()
    key.save(update_fields=["revoked_at"])
    record(
        Action.KOPPELING_API_KEY_REVOKED,
        actor=by,
        subject=user,
        target=key,
        changes={"naam": key.name, "ingetrokken": [None, key.revoked_at.isoformat()]},
    )
    return key


def api_keys_revoke_on_account_close(closure) -> None:
    """The koppeling's step of closing an account (``settings.ACCOUNT_CLOSE_STEPS``): every
    live key is revoked at once, in the closing transaction, so the webshop is refused (401)
    from the moment the account is closed, not only when it is erased."""
    user = closure.user
    now = _now()
    keys = list(ApiKey.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for key in keys:
        key.revoked_at = now
        key.save(update_fields=["revoked_at"])
        record(
            Action.KOPPELING_API_KEY_REVOKED,
            actor=closure.by,
            subject=user,
            target=key,
            changes={"naam": key.name, "ingetrokken": [None, now.isoformat()], "reden": [None, "account closed"]},
        )


def api_key_authenticate(*, raw: str) -> ApiKey | None:
    """The live key for a webshop request, its last use noted (at most once a minute)."""
    if not raw.startswith(API_KEY_PREFIX) or len(raw) > 100:
        return None
    # The account must be open too: closing revokes the keys (``revoke_keys_on_account_close``),
    # and a key of a closed account is refused even if that step were ever skipped.
    key = (
        ApiKey.objects.filter(key_hash=api_key_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    if key is None:
        return None
    now = _now()
    if key.last_used_at is None or key.last_used_at < now - API_KEY_TOUCH_EVERY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
