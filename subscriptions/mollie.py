"""The only module that talks to Mollie.

Every call has timeouts; a call is retried only when retrying is safe and useful (network
errors, 429, 5xx, an answer that is not JSON, 409 "same key still running"), and always with
the same idempotency key so a POST that did run is not run twice. When Mollie stays
unreachable, :class:`MollieUnavailable` is raised; views turn it into a friendly message.
What comes back is parsed here into small typed records (amounts as Decimal), so the rest
of the portal never handles the client's dictionaries.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.dateparse import parse_datetime
from mollie.api.client import Client
from mollie.api.error import (
    ConflictError,
    IdentifierError,
    NotFoundError,
    RequestError,
    RequestSetupError,
    ResponseError,
    ResponseHandlingError,
    UnauthorizedError,
    UnprocessableEntityError,
)
from mollie.api.objects.customer import Customer
from requests.exceptions import InvalidSchema, InvalidURL, MissingSchema

logger = logging.getLogger(__name__)
T = TypeVar("T")


class MollieError(Exception):
    """Mollie said no (a 4xx other than 404/409/429): our request was wrong."""


class MollieUnavailable(MollieError):
    """Mollie could not be reached or kept failing; nothing is known about the outcome."""


class MollieNotFound(MollieError):
    """Mollie does not know the object."""


class MollieMisconfigured(MollieError):
    """Our side of the connection is set up wrong: no or a malformed API key, a key Mollie
    refuses (401: wrong, revoked, or of another account), or an endpoint that is not
    Mollie's API. Nothing reached Mollie and nothing will until ops fix the configuration:
    never retried, logged as an error for ops (without the key)."""


@dataclass(frozen=True)
class RemotePayment:
    id: str
    status: str
    amount: Decimal
    amount_refunded: Decimal
    amount_charged_back: Decimal
    sequence_type: str
    customer_id: str | None
    mandate_id: str | None
    subscription_id: str | None
    paid_at: datetime | None
    created_at: datetime | None
    checkout_url: str
    metadata: dict[str, Any]
    # Mollie's ``isCancelable``: the payment may still be cancelled (DELETE) by us.
    is_cancelable: bool = False

    @property
    def is_paid(self) -> bool:
        # As the client's is_paid(): Mollie sets paidAt exactly when the money is in.
        return self.paid_at is not None


@dataclass(frozen=True)
class RemoteSubscription:
    id: str
    customer_id: str
    status: str
    next_payment_date: date | None


def _decimal(amount: dict | None) -> Decimal:
    if not amount:
        return Decimal("0.00")
    return Decimal(str(amount["value"]))


def _moment(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def money(amount: Decimal) -> dict[str, str]:
    return {"currency": "EUR", "value": f"{amount.quantize(Decimal('0.01'))}"}


def _payment(data: dict[str, Any]) -> RemotePayment:
    links = data.get("_links") or {}
    metadata = data.get("metadata")
    return RemotePayment(
        id=data["id"],
        status=data["status"],
        amount=_decimal(data.get("amount")),
        amount_refunded=_decimal(data.get("amountRefunded")),
        amount_charged_back=_decimal(data.get("amountChargedBack")),
        sequence_type=data.get("sequenceType") or "oneoff",
        customer_id=data.get("customerId"),
        mandate_id=data.get("mandateId"),
        subscription_id=data.get("subscriptionId"),
        paid_at=_moment(data.get("paidAt")),
        created_at=_moment(data.get("createdAt")),
        checkout_url=(links.get("checkout") or {}).get("href", ""),
        metadata=metadata if isinstance(metadata, dict) else {},
        is_cancelable=bool(data.get("isCancelable")),
    )


def _subscription(data: dict[str, Any], customer_id: str) -> RemoteSubscription:
    next_date = data.get("nextPaymentDate")
    return RemoteSubscription(
        id=data["id"],
        customer_id=customer_id,
        status=data["status"],
        next_payment_date=date.fromisoformat(next_date) if next_date else None,
    )


# --- the client -----------------------------------------------------------------------------


def sandbox_available() -> bool:
    """The project's Mollie sandbox (app ``mollie_sandbox``) is installed, in development
    and tests only, and no live key is set."""
    return apps.is_installed("mollie_sandbox") and not (settings.MOLLIE_API_KEY or "").startswith("live_")


def sandbox_in_use() -> bool:
    return not settings.MOLLIE_API_ENDPOINT and sandbox_available()


def endpoint() -> str:
    if settings.MOLLIE_API_ENDPOINT:
        return settings.MOLLIE_API_ENDPOINT
    if sandbox_in_use():
        return settings.SITE_URL + "/sandbox/mollie"
    return ""  # the client's default: https://api.mollie.com


def api_key() -> str:
    if settings.MOLLIE_API_KEY:
        return settings.MOLLIE_API_KEY
    if sandbox_available():
        return settings.MOLLIE_SANDBOX_API_KEY
    raise ImproperlyConfigured("MOLLIE_API_KEY is not set.")


_local = threading.local()


def client() -> Client:
    """One client per thread and configuration, so its HTTP connection is kept alive
    between calls (a webhook task makes one call; a worker makes many)."""
    config = (endpoint(), api_key(), tuple(settings.MOLLIE_TIMEOUT))
    cached = getattr(_local, "client", None)
    if cached is not None and cached[0] == config:
        return cached[1]
    # The client's own retry covers https connection errors only; ours (below) covers
    # everything that is safe to retry, so the client's is switched off.
    mollie = Client(api_endpoint=config[0], timeout=config[2], retry=0)
    mollie.set_api_key(config[1])
    mollie.set_user_agent_component("ExactKoppelingPortal", "1")
    _local.client = (config, mollie)
    return mollie


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, RequestSetupError):  # includes IdentifierError: our bug, never retry
        return False
    if isinstance(exc, (RequestError, ResponseHandlingError, ConflictError)):
        return True
    if isinstance(exc, ResponseError):
        return exc.status == 429 or (exc.status or 0) >= 500
    return False


# The client reports an answer that is not JSON only in its message.
_UNDECODABLE_STATUS = re.compile(r"status code: (\d{3})")


def _misconfiguration(exc: Exception) -> str:
    """Why ``exc`` means our configuration is wrong (empty: it does not). Never the key."""
    if isinstance(exc, ImproperlyConfigured):
        return "no API key is configured"
    if isinstance(exc, RequestSetupError) and not isinstance(exc, IdentifierError):
        return "the API key is malformed (it must be live_… or test_…)"
    if isinstance(exc, UnauthorizedError) or (isinstance(exc, ResponseError) and exc.status == 403):
        return f"Mollie refused the API key ({exc.status}: {exc})"
    if isinstance(exc, RequestError) and isinstance(exc.__context__, (MissingSchema, InvalidSchema, InvalidURL)):
        return "the API endpoint is not a valid URL"
    if isinstance(exc, ResponseHandlingError):
        # Mollie answers every error below 500 in JSON: a page that is not JSON with such
        # a status (a 404 or 405 page, a 200 website) is not Mollie's API.
        found = _UNDECODABLE_STATUS.search(str(exc))
        if found and int(found.group(1)) < 500 and int(found.group(1)) != 429:
            return f"the API endpoint does not answer as Mollie's API (HTTP {found.group(1)}, not JSON)"
    return ""


def _refuse_misconfigured(exc: Exception, what: str) -> None:
    reason = _misconfiguration(exc)
    if reason:
        logger.error(
            "Mollie configuration error during %s: %s. Check MOLLIE_API_KEY and MOLLIE_API_ENDPOINT; "
            "nothing reaches Mollie until they are fixed.",
            what,
            reason,
        )
        raise MollieMisconfigured(f"{what}: {reason}") from exc


def call(operation: Callable[[Client], T], *, what: str) -> T:
    """Run ``operation`` with retries (the operation passes the same idempotency key each
    time). 404 → MollieNotFound; a wrong configuration → MollieMisconfigured (logged for
    ops, never retried); other refusals → MollieError; giving up → MollieUnavailable."""
    delays = list(settings.MOLLIE_RETRY_DELAYS)
    attempt = 0
    while True:
        attempt += 1
        try:
            return operation(client())
        except NotFoundError as exc:
            raise MollieNotFound(f"{what}: {exc}") from exc
        except Exception as exc:
            _refuse_misconfigured(exc, what)
            if not isinstance(exc, (RequestError, ResponseHandlingError, ResponseError)):
                raise
            if not _retryable(exc):
                if isinstance(exc, RequestSetupError):
                    raise
                raise MollieError(f"{what}: {exc}") from exc
            if not delays:
                logger.warning("Mollie unavailable for %s after %d attempts: %s", what, attempt, exc)
                raise MollieUnavailable(f"{what}: {exc}") from exc
            logger.info("Mollie call %s failed (attempt %d), retrying: %s", what, attempt, exc)
            time.sleep(delays.pop(0))


# --- the calls the portal makes ------------------------------------------------------------

CHECKOUT_LOCALES = {"nl": "nl_NL", "en": "en_US"}


def customer_create(*, name: str, email: str, user_id: int, idempotency_key: str) -> str:
    data = {"name": name[:255] or None, "email": email or None, "locale": "nl_NL", "metadata": {"user_id": user_id}}
    customer = call(lambda c: c.customers.create(data, idempotency_key=idempotency_key), what="customer create")
    return customer.id


def customer_delete(*, customer_id: str, idempotency_key: str) -> None:
    """Delete the customer at Mollie: its name and e-mail address go, Mollie cancels its
    mandates and subscriptions; its payments stay at Mollie (Mollie's own retention duty).
    Already gone (404, or 410 for a deleted object) counts as done."""

    def run(c: Client) -> None:
        try:
            c.customers.delete(customer_id, idempotency_key=idempotency_key)
        except ResponseError as exc:
            if exc.status != 410:
                raise

    try:
        call(run, what=f"customer delete {customer_id}")
    except MollieNotFound:
        return


def first_payment_create(
    *,
    customer_id: str,
    amount: Decimal,
    description: str,
    redirect_url: str,
    webhook_url: str,
    metadata: dict[str, Any],
    idempotency_key: str,
    language: str = "nl",
) -> RemotePayment:
    data = {
        "amount": money(amount),
        "description": description,
        "customerId": customer_id,
        "sequenceType": "first",
        "redirectUrl": redirect_url,
        "webhookUrl": webhook_url,
        "locale": CHECKOUT_LOCALES.get(language, "nl_NL"),  # Mollie's checkout in the customer's language
        "metadata": metadata,
    }
    payment = call(lambda c: c.payments.create(data, idempotency_key=idempotency_key), what="first payment create")
    return _payment(dict(payment))


def payment_get(mollie_id: str) -> RemotePayment:
    return _payment(dict(call(lambda c: c.payments.get(mollie_id), what=f"payment {mollie_id}")))


def payment_cancel(*, mollie_id: str, idempotency_key: str) -> RemotePayment:
    """DELETE (cancel) a payment Mollie still lets us cancel (``isCancelable``); Mollie
    answers with the cancelled payment. One it no longer lets us cancel: MollieError (422)."""
    data = call(
        lambda c: c.payments.delete(mollie_id, idempotency_key=idempotency_key), what=f"payment cancel {mollie_id}"
    )
    return _payment(dict(data))


def customer_payments(customer_id: str) -> list[RemotePayment]:
    def run(c: Client) -> list[RemotePayment]:
        page = Customer({"id": customer_id}, c).payments.list(limit=250)
        found = [_payment(dict(p)) for p in page]
        while page.has_next():
            page = page.get_next()
            found.extend(_payment(dict(p)) for p in page)
        return found

    return call(run, what=f"payments of {customer_id}")


def subscription_create(
    *,
    customer_id: str,
    amount: Decimal,
    interval: str,
    start_date: date,
    description: str,
    mandate_id: str,
    webhook_url: str,
    metadata: dict[str, Any],
    idempotency_key: str,
) -> RemoteSubscription:
    data = {
        "amount": money(amount),
        "interval": interval,
        "startDate": start_date.isoformat(),
        "description": description,
        "mandateId": mandate_id,
        "webhookUrl": webhook_url,
        "metadata": metadata,
    }

    def run(c: Client) -> RemoteSubscription:
        created = Customer({"id": customer_id}, c).subscriptions.create(data, idempotency_key=idempotency_key)
        return _subscription(dict(created), customer_id)

    return call(run, what=f"subscription create for {customer_id}")


def subscription_get(*, customer_id: str, subscription_id: str) -> RemoteSubscription:
    def run(c: Client) -> RemoteSubscription:
        return _subscription(dict(Customer({"id": customer_id}, c).subscriptions.get(subscription_id)), customer_id)

    return call(run, what=f"subscription {subscription_id}")


def subscription_mandate_update(
    *, customer_id: str, subscription_id: str, mandate_id: str, idempotency_key: str
) -> RemoteSubscription:
    """PATCH the mandate Mollie charges for a subscription (after "pay now" with another
    method). A cancelled subscription cannot be updated: Mollie answers 422 (MollieError)."""

    def run(c: Client) -> RemoteSubscription:
        updated = Customer({"id": customer_id}, c).subscriptions.update(
            subscription_id, {"mandateId": mandate_id}, idempotency_key=idempotency_key
        )
        return _subscription(dict(updated), customer_id)

    return call(run, what=f"subscription mandate update {subscription_id}")


def subscription_cancel(*, customer_id: str, subscription_id: str, idempotency_key: str) -> None:
    """Cancel at Mollie; already cancelled or gone counts as done."""

    def run(c: Client) -> None:
        try:
            Customer({"id": customer_id}, c).subscriptions.delete(subscription_id, idempotency_key=idempotency_key)
        except UnprocessableEntityError:
            return  # already cancelled or completed

    try:
        call(run, what=f"subscription cancel {subscription_id}")
    except MollieNotFound:
        return


def subscription_payments(*, customer_id: str, subscription_id: str) -> list[RemotePayment]:
    def run(c: Client) -> list[RemotePayment]:
        subscription = Customer({"id": customer_id}, c).subscriptions.get(subscription_id)
        page = subscription.payments.list(limit=250)
        found = [_payment(dict(p)) for p in page]
        while page.has_next():
            page = page.get_next()
            found.extend(_payment(dict(p)) for p in page)
        return found

    return call(run, what=f"payments of {subscription_id}")


def refund_create(*, payment_id: str, amount: Decimal, description: str, idempotency_key: str) -> str:
    def run(c: Client) -> str:
        payment = c.payments.get(payment_id)
        refund = payment.refunds.create(
            {"amount": money(amount), "description": description}, idempotency_key=idempotency_key
        )
        return refund.id

    return call(run, what=f"refund {payment_id}")


def recurring_payment_create(
    *,
    customer_id: str,
    mandate_id: str,
    amount: Decimal,
    description: str,
    webhook_url: str,
    metadata: dict[str, Any],
    idempotency_key: str,
) -> RemotePayment:
    """A one-off charge on the customer's mandate (``sequenceType: recurring``, no
    checkout): the pro-rata charge of an upgrade at once."""
    data = {
        "amount": money(amount),
        "description": description,
        "customerId": customer_id,
        "mandateId": mandate_id,
        "sequenceType": "recurring",
        "webhookUrl": webhook_url,
        "metadata": metadata,
    }
    payment = call(lambda c: c.payments.create(data, idempotency_key=idempotency_key), what="recurring payment create")
    return _payment(dict(payment))


def subscription_amount_update(
    *, customer_id: str, subscription_id: str, amount: Decimal, description: str, idempotency_key: str
) -> RemoteSubscription:
    """PATCH the amount (and description) Mollie charges from its next payment on (a plan
    change). A cancelled subscription cannot be updated: Mollie answers 422 (MollieError)."""

    def run(c: Client) -> RemoteSubscription:
        updated = Customer({"id": customer_id}, c).subscriptions.update(
            subscription_id,
            {"amount": money(amount), "description": description},
            idempotency_key=idempotency_key,
        )
        return _subscription(dict(updated), customer_id)

    return call(run, what=f"subscription amount update {subscription_id}")


def mandate_revoke(*, customer_id: str, mandate_id: str, idempotency_key: str) -> None:
    """DELETE (revoke) a mandate. One that is gone already counts as revoked."""

    def run(c: Client) -> None:
        Customer({"id": customer_id}, c).mandates.delete(mandate_id, idempotency_key=idempotency_key)

    try:
        call(run, what=f"mandate revoke {mandate_id}")
    except MollieNotFound:
        return


@dataclass(frozen=True)
class RemoteMandate:
    """A mandate as Mollie describes it (``GET /customers/{id}/mandates/{id}``): the method
    and its ``details`` (a card: ``cardHolder``, ``cardNumber`` = the last four digits,
    ``cardLabel`` = the brand, ``cardExpiryDate``; a bank account: ``consumerName``,
    ``consumerAccount`` = the IBAN, ``consumerBic``)."""

    id: str
    method: str
    status: str
    details: dict[str, Any]


def mandate_get(*, customer_id: str, mandate_id: str) -> RemoteMandate:
    def run(c: Client) -> RemoteMandate:
        data = dict(Customer({"id": customer_id}, c).mandates.get(mandate_id))
        return RemoteMandate(
            id=data["id"],
            method=str(data.get("method") or ""),
            status=str(data.get("status") or ""),
            details=dict(data.get("details") or {}),
        )

    return call(run, what=f"mandate get {mandate_id}")
