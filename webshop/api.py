"""The webshop API, ``/api/v1/`` (django-ninja; docs/koppeling.md says why).

Each request: the Bearer key (a hash lookup in ``koppeling``; the key's last use noted at
most once a minute), the key's rate limit (a counter per key and minute in Redis), then
the operation. Every error is an RFC 9457 problem (``application/problem+json``) with a
Dutch title and detail (English with ``Accept-Language: en``) and, for invalid input, one
entry per field. Nothing the webshop sends can cause a 500: the schemas refuse it first.
"""

from __future__ import annotations

import math
import re
import time
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Header, NinjaAPI, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from koppeling.models import ApiKey
from koppeling.services import api_key_authenticate
from subscriptions.selectors import subscription_is_live
from webshop import services
from webshop.models import Order
from webshop.schemas import NUMBER_PATTERN, OrderIn, OrderOut, ProblemOut
from webshop.selectors import order_for, processor_agreement_accepted

PROBLEM_TYPE = "/api/v1/docs/#{code}"
_NUMBER = re.compile(NUMBER_PATTERN)
PROBLEM_CONTENT_TYPE = "application/problem+json"


class Problem(Exception):
    """An answer that is an error, raised anywhere below and rendered by one handler."""

    def __init__(
        self,
        status: int,
        code: str,
        title: str,
        detail: str = "",
        *,
        errors: list | None = None,
        headers: dict | None = None,
    ):
        super().__init__(title)
        self.status, self.code, self.title, self.detail = status, code, title, detail
        self.errors, self.headers = errors, headers or {}


def _unauthorized() -> Problem:
    return Problem(
        HTTPStatus.UNAUTHORIZED,
        "unauthorized",
        _("Geen geldige API-sleutel"),
        _("Stuur een actieve API-sleutel mee als 'Authorization: Bearer <sleutel>'."),
        headers={"WWW-Authenticate": 'Bearer realm="api"'},
    )


def _count_request(counter: str) -> int:
    """This minute's count for the key, in one round trip to Redis (INCR and EXPIRE in a
    pipeline); through the cache API where the cache is not Redis (development)."""
    backend = getattr(cache, "_cache", None)
    if isinstance(cache, RedisCache) and backend is not None:
        name = cache.make_and_validate_key(counter)
        pipe = backend.get_client(name, write=True).pipeline(transaction=False)
        pipe.incr(name)
        pipe.expire(name, 120)
        count, _ok = pipe.execute()
        return int(count)
    cache.add(counter, 0, timeout=120)
    try:
        return cache.incr(counter)
    except ValueError:  # expired between add and incr: this request is the first
        cache.set(counter, 1, timeout=120)
        return 1


def _rate_limit(key: ApiKey) -> None:
    """At most ``WEBSHOP_API_REQUESTS_PER_MINUTE`` requests per key per clock minute."""
    limit = settings.WEBSHOP_API_REQUESTS_PER_MINUTE
    now = time.time()
    window = int(now // 60)
    count = _count_request(f"webshop-api-rate:{key.pk}:{window}")
    if count > limit:
        retry_after = max(1, math.ceil((window + 1) * 60 - now))
        raise Problem(
            HTTPStatus.TOO_MANY_REQUESTS,
            "rate_limited",
            _("Te veel verzoeken"),
            _("Deze sleutel mag %(n)d verzoeken per minuut doen. Probeer het over %(s)d seconden opnieuw.")
            % {"n": limit, "s": retry_after},
            headers={"Retry-After": str(retry_after)},
        )


class ApiKeyAuth(HttpBearer):
    """``Authorization: Bearer ekp_…``: a live key of an open account."""

    def __call__(self, request: HttpRequest):
        scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized()
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey:
        key = api_key_authenticate(raw=token)
        if key is None:
            raise _unauthorized()
        _rate_limit(key)
        _require_small_body(request)  # before ninja reads the body
        return key


class WebshopAPI(NinjaAPI):
    """ninja's document, told the truth about our errors: they are ``application/problem+json``,
    and every operation may also answer 401 and 429."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for code, answer in operation["responses"].items():
                    if int(code) >= HTTPStatus.BAD_REQUEST and "application/json" in answer.get("content", {}):
                        answer["content"] = {PROBLEM_CONTENT_TYPE: answer["content"]["application/json"]}
                        answer["description"] = PROBLEM_DESCRIPTIONS.get(int(code), answer["description"])
                for code in ("200", "201"):
                    if code in operation["responses"]:
                        operation["responses"][code]["description"] = PROBLEM_DESCRIPTIONS[int(code)]
        schema["components"]["securitySchemes"]["ApiKeyAuth"]["description"] = (
            "Een API-sleutel uit het portaal (begint met ekp_)."
        )
        return schema


# Short descriptions per status, in the document and on the docs page (the document is Dutch,
# like the product; the problem bodies follow Accept-Language).
PROBLEM_DESCRIPTIONS = {
    200: "De bestelling (al eerder ontvangen, of gevonden).",
    201: "Nieuw ontvangen.",
    400: "Ongeldige invoer: per veld in errors.",
    401: "Geen, een onbekende of een ingetrokken sleutel.",
    403: "Geen lopend abonnement, of de verwerkersovereenkomst is nog niet geaccepteerd.",
    404: "Onbekend bestelnummer (of van een andere klant).",
    409: "Dit bestelnummer of deze Idempotency-Key is al gebruikt met andere inhoud.",
    413: "Het verzoek is groter dan 256 kB.",
    429: "Te veel verzoeken met deze sleutel: wacht Retry-After seconden.",
}


api = WebshopAPI(
    title="Exact koppeling – webshop-API",
    version="1",
    description=(
        "Bestellingen van uw webwinkel naar Exact Online. Elke aanvraag draagt "
        "`Authorization: Bearer <API-sleutel>` (aan te maken in het portaal onder Koppeling → API-sleutels). "
        "Fouten zijn RFC 9457 problem details (`application/problem+json`)."
    ),
    urls_namespace="webshop_api",
    docs_url=None,  # our own page (webshop.views.api_docs): strict CSP, no third-party script
    auth=ApiKeyAuth(),
)

# --- errors as problem details -----------------------------------------------------------------


def _problem_response(request: HttpRequest, problem: Problem) -> HttpResponse:
    body = {
        "type": PROBLEM_TYPE.format(code=problem.code),
        "title": problem.title,
        "status": int(problem.status),
        "detail": problem.detail,
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    response = api.create_response(request, body, status=int(problem.status))
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    for name, value in problem.headers.items():
        response[name] = value
    return response


# Pydantic's error types, said in words a webshop developer reads (the code stays beside it).
# Each entry: the types it covers, and the message with the context values it names.
_FIELD_MESSAGES = [
    (("missing",), gettext_lazy("Dit veld is verplicht."), ()),
    (("extra_forbidden",), gettext_lazy("Dit veld kennen wij niet."), ()),
    (("string_too_long", "too_long"), gettext_lazy("Te lang: hooguit %(n)s."), ("max_length",)),
    (("string_pattern_mismatch",), gettext_lazy("Deze vorm is niet toegestaan."), ()),
    (("literal_error",), gettext_lazy("Kies een van: %(n)s."), ("expected",)),
    (("greater_than",), gettext_lazy("Te klein: meer dan %(n)s."), ("gt",)),
    (("greater_than_equal",), gettext_lazy("Te klein: minstens %(n)s."), ("ge",)),
    (("less_than_equal",), gettext_lazy("Te groot: hooguit %(n)s."), ("le",)),
    (("date_type", "date_parsing", "date_from_datetime_parsing"), gettext_lazy("Geef een datum als JJJJ-MM-DD."), ()),
    (("bool_type", "bool_parsing"), gettext_lazy("Geef true of false."), ()),
    (
        ("list_type", "model_type", "dict_type", "model_attributes_type", "string_type"),
        gettext_lazy("Verkeerd soort waarde."),
        (),
    ),
]
_BY_TYPE = {kind: (message, names) for kinds, message, names in _FIELD_MESSAGES for kind in kinds}
_VALUE_ERRORS = {
    "unknown_country": gettext_lazy("Onbekende landcode: geef een ISO 3166-1-code zoals NL."),
    "invalid_email": gettext_lazy("Geen geldig e-mailadres."),
    "wrong_type": gettext_lazy("Verkeerd soort waarde."),
    "control_character": gettext_lazy("Bevat een stuurteken dat niet is toegestaan."),
}


def _field_message(error: dict) -> str:
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind in ("string_too_short", "too_short"):
        if context.get("min_length") in (1, None):
            return _("Dit veld mag niet leeg zijn.")
        return _("Te kort: minstens %(n)s.") % {"n": context.get("min_length")}
    if kind in _BY_TYPE:
        message, names = _BY_TYPE[kind]
        return str(message) % {"n": context.get(names[0])} if names else str(message)
    if kind.startswith("decimal") or kind in ("float_parsing", "int_parsing", "int_type", "float_type"):
        return _("Geef een getal (hooguit het toegestane aantal decimalen).")
    if kind == "value_error":
        for marker, message in _VALUE_ERRORS.items():
            if marker in str(error.get("msg", "")):
                return str(message)
    return _("Ongeldige waarde.")


def _field_path(location) -> str:
    parts = [str(part) for part in location]
    # ninja puts the body under ("body", "<parameter name>"): the webshop only knows its fields.
    if parts[:1] == ["body"]:
        parts = parts[2:] if len(parts) > 1 else []
    return ".".join(parts)


@api.exception_handler(Problem)
def _on_problem(request: HttpRequest, exc: Problem) -> HttpResponse:
    return _problem_response(request, exc)


@api.exception_handler(NinjaValidationError)
def _on_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": _field_path(error.get("loc", ())), "message": _field_message(error), "code": error.get("type", "")}
        for error in exc.errors[:100]
    ]
    return _problem_response(
        request,
        Problem(
            HTTPStatus.BAD_REQUEST,
            "invalid",
            _("Ongeldige bestelling"),
            _("Een of meer velden kloppen niet; zie errors."),
            errors=errors,
        ),
    )


@api.exception_handler(AuthenticationError)
def _on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _problem_response(request, _unauthorized())


@api.exception_handler(HttpError)
def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja's own: a body that is not JSON (400), a method the path does not have (405).
    if exc.status_code == HTTPStatus.BAD_REQUEST:
        problem = Problem(
            HTTPStatus.BAD_REQUEST,
            "invalid_json",
            _("Geen geldige JSON"),
            _("De inhoud van het verzoek is geen geldige JSON (of groter dan %(kb)d kB).")
            % {"kb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024},
        )
    else:
        problem = Problem(exc.status_code, "http_error", str(exc))
    return _problem_response(request, problem)


# --- operations --------------------------------------------------------------------------------

PROBLEM_RESPONSES = {code: ProblemOut for code in (400, 401, 403, 409, 413, 429)}


def _order_out(order: Order) -> dict:
    exact = None
    if order.status == Order.Status.SYNCED:
        exact = {"invoice_number": order.exact_invoice_number, "invoice_id": order.exact_invoice_id}
    error = None
    if order.status == Order.Status.FAILED:
        error = {"message": order.error_message, "hint": order.error_hint}
    return {
        "number": order.number,
        "status": order.status,
        "received_at": order.received_at,
        "amounts": {"net": str(order.amount_net), "vat": str(order.amount_vat), "gross": str(order.amount_gross)},
        "paid_in_webshop": order.paid_in_webshop,
        "payment_status": order.payment_status,
        "exact": exact,
        "error": error,
    }


# A live subscription, once seen, is trusted for a few seconds in this process: a webshop
# posting a burst of orders costs one query per key and interval, not one per order. An
# ended subscription is refused at most this much later; a refusal is never remembered.
LIVE_SUBSCRIPTION_MEMORY = 10.0  # seconds
_LIVE_UNTIL: dict[int, float] = {}


def _subscription_live(user) -> bool:
    now = time.time()
    if _LIVE_UNTIL.get(user.pk, 0.0) > now:
        return True
    if not subscription_is_live(user=user):
        _LIVE_UNTIL.pop(user.pk, None)
        return False
    if len(_LIVE_UNTIL) > 100_000:  # bounded: forget all and learn again
        _LIVE_UNTIL.clear()
    _LIVE_UNTIL[user.pk] = now + LIVE_SUBSCRIPTION_MEMORY
    return True


def _require_may_send_orders(user) -> None:
    if not _subscription_live(user):
        raise Problem(
            HTTPStatus.FORBIDDEN,
            "no_subscription",
            _("Geen lopend abonnement"),
            _("Zonder lopend abonnement nemen wij geen bestellingen aan. Sluit een abonnement af in het portaal."),
        )
    if not processor_agreement_accepted(user=user):
        raise Problem(
            HTTPStatus.FORBIDDEN,
            "no_agreement",
            _("Verwerkersovereenkomst niet geaccepteerd"),
            _(
                "Accepteer eerst de verwerkersovereenkomst in het portaal (Koppeling → API-sleutels): "
                "pas daarna nemen wij bestellingen aan."
            ),
        )


def _require_small_body(request: HttpRequest) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        raise Problem(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            "too_large",
            _("Verzoek te groot"),
            _("Een bestelling mag hooguit %(kb)d kB zijn.") % {"kb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024},
        )


@api.post(
    "/orders/",
    response={200: OrderOut, 201: OrderOut, **PROBLEM_RESPONSES},
    summary="Een bestelling aanleveren",
    description=(
        "Idempotent: hetzelfde bestelnummer met dezelfde inhoud geeft de opgeslagen bestelling terug (200); "
        "met andere inhoud 409. Een `Idempotency-Key` werkt net zo. Nieuw: 201."
    ),
    operation_id="order_create",
)
def order_create(
    request: HttpRequest,
    order: OrderIn,
    idempotency_key: str = Header("", alias="Idempotency-Key", max_length=255, pattern=r"^[\x20-\x7e]*$"),
):
    key: ApiKey = request.auth
    _require_may_send_orders(key.user)
    try:
        stored, created = services.order_receive(
            user=key.user, data=order.model_dump(), idempotency_key=idempotency_key.strip()
        )
    except services.OrderConflict as exc:
        detail = (
            _("Deze Idempotency-Key is al gebruikt voor bestelling %(number)s met andere inhoud.")
            if exc.by_key
            else _("Bestelling %(number)s is al ontvangen met andere inhoud.")
        )
        raise Problem(
            HTTPStatus.CONFLICT, "conflict", _("Andere inhoud"), detail % {"number": exc.order.number}
        ) from None
    except services.TotalTooLarge:
        raise Problem(
            HTTPStatus.BAD_REQUEST,
            "invalid",
            _("Ongeldige bestelling"),
            _("Het totaalbedrag is te groot."),
            errors=[{"field": "lines", "message": _("Het totaalbedrag is te groot."), "code": "total_too_large"}],
        ) from None
    return Status(HTTPStatus.CREATED if created else HTTPStatus.OK, _order_out(stored))


@api.get(
    "/orders/{number}/",
    response={200: OrderOut, **{code: ProblemOut for code in (400, 401, 404, 429)}},
    summary="De status van een bestelling",
    operation_id="order_status",
)
def order_status(request: HttpRequest, number: str):
    if len(number) > 64 or not _NUMBER.fullmatch(number):
        raise Problem(
            HTTPStatus.NOT_FOUND, "not_found", _("Onbekende bestelling"), _("Dit bestelnummer kennen wij niet.")
        )
    order = order_for(user=request.auth.user, number=number)
    if order is None:
        raise Problem(
            HTTPStatus.NOT_FOUND, "not_found", _("Onbekende bestelling"), _("Dit bestelnummer kennen wij niet.")
        )
    return Status(HTTPStatus.OK, _order_out(order))
