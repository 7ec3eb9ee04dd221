"""The webshop API's readable documentation: our own page, rendered on the server from the
same OpenAPI document that ``/api/v1/openapi.json`` serves. No third-party script and no
inline script, so it lives under the site's strict CSP like every other page."""

from __future__ import annotations

import csv
from functools import lru_cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.client_ip import resolve_client_ip
from webshop import agreement, services
from webshop.api import PROBLEM_DESCRIPTIONS, api
from webshop.selectors import orders_for_log, processor_agreement_of

OPENAPI_PATH = "/api/v1/openapi.json"
# The problem types a webshop can meet (the anchors of the ``type`` URIs).
PROBLEM_CODES = [
    ("invalid", 400, gettext_lazy("Een of meer velden kloppen niet; per veld een regel in errors.")),
    ("invalid_json", 400, gettext_lazy("De inhoud is geen JSON-object.")),
    ("unauthorized", 401, gettext_lazy("Geen, een onbekende of een ingetrokken sleutel.")),
    ("no_subscription", 403, gettext_lazy("Zonder lopend abonnement nemen wij geen bestellingen aan.")),
    ("no_agreement", 403, gettext_lazy("De verwerkersovereenkomst is nog niet geaccepteerd in het portaal.")),
    ("not_found", 404, gettext_lazy("Dit bestelnummer kennen wij niet (of het is van een andere klant).")),
    ("conflict", 409, gettext_lazy("Dit bestelnummer of deze Idempotency-Key is al gebruikt met andere inhoud.")),
    ("too_large", 413, gettext_lazy("Het verzoek is groter dan 256 kB.")),
    ("rate_limited", 429, gettext_lazy("Te veel verzoeken met deze sleutel: wacht Retry-After seconden.")),
]


@lru_cache(maxsize=1)
def _document() -> dict:
    return api.get_openapi_schema(path_prefix="/api/v1/")


def _resolve(schema: dict, document: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _kind(schema: dict) -> str:
    if "enum" in schema:
        return " | ".join(str(value) for value in schema["enum"])
    if "const" in schema:
        return str(schema["const"])
    if "anyOf" in schema:
        kinds = [_kind(option) for option in schema["anyOf"] if option.get("type") != "null"]
        return " | ".join(dict.fromkeys(kinds))
    if schema.get("format") == "date":
        return "date (JJJJ-MM-DD)"
    if schema.get("format") == "date-time":
        return "date-time"
    return str(schema.get("type", "object"))


def _rules(schema: dict) -> str:
    rules = []
    options = schema.get("anyOf", [schema])
    for option in options:
        for name, text in (
            ("minLength", _("minstens %s tekens")),
            ("maxLength", _("hooguit %s tekens")),
            ("minItems", _("minstens %s")),
            ("maxItems", _("hooguit %s")),
            ("minimum", "≥ %s"),
            ("exclusiveMinimum", "> %s"),
            ("maximum", "≤ %s"),
            ("pattern", _("vorm %s")),
        ):
            if name in option:
                rule = text % option[name]
                if rule not in rules:
                    rules.append(rule)
    if "default" in schema and schema["default"] not in ("", None):
        rules.append(_("standaard %s") % schema["default"])
    return "; ".join(rules)


def _fields(schema: dict, document: dict, prefix: str = "") -> list[dict]:
    """One row per field of a body schema, nested objects and lists flattened with dots."""
    schema = _resolve(schema, document)
    rows = []
    required = set(schema.get("required", []))
    for name, field in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        options = [_resolve(option, document) for option in field.get("anyOf", [])]
        nested = next((option for option in options if option.get("type") == "object"), None)
        target = _resolve(field, document) if "$ref" in field else nested or field
        optional_object = bool(nested) and any(option.get("type") == "null" for option in field.get("anyOf", []))
        row = {
            "path": path,
            "kind": "object" if target.get("type") == "object" else _kind(target),
            "required": name in required and not optional_object,
            "rules": _rules(field if "$ref" not in field else target),
            "description": field.get("description") or target.get("description", ""),
        }
        if target.get("type") == "object":
            rows.append(row)
            rows.extend(_fields(target, document, prefix=f"{path}."))
        elif target.get("type") == "array":
            row["kind"] = _("lijst")
            rows.append(row)
            rows.extend(_fields(target["items"], document, prefix=f"{path}[]."))
        else:
            rows.append(row)
    return rows


def _operations(document: dict) -> list[dict]:
    operations = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "anchor": operation["operationId"],
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "where": parameter["in"],
                            "required": parameter.get("required", False),
                            "rules": _rules(parameter.get("schema", {})),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "fields": _fields(body, document) if body else [],
                    "responses": [
                        {
                            "code": code,
                            "description": PROBLEM_DESCRIPTIONS.get(int(code), answer.get("description", "")),
                        }
                        for code, answer in operation["responses"].items()
                    ],
                }
            )
    return operations


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    document = _document()
    context = {
        "document": document,
        "operations": _operations(document),
        "problems": PROBLEM_CODES,
        "openapi_url": OPENAPI_PATH,
        "site_url": settings.SITE_URL,
        "requests_per_minute": settings.WEBSHOP_API_REQUESTS_PER_MINUTE,
    }
    return render(request, "webshop/api_docs.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def processor_agreement(request: HttpRequest) -> HttpResponse:
    """The verwerkersovereenkomst: its text, whether (and which version) was accepted, and
    the button that accepts the current version."""
    if request.method == "POST":
        services.processor_agreement_accept(
            user=request.user,
            by=request.user,
            ip=resolve_client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
        messages.success(
            request, _("U heeft de verwerkersovereenkomst geaccepteerd. Uw webwinkel kan nu bestellingen sturen.")
        )
        return redirect("webshop_processor_agreement")
    acceptance = processor_agreement_of(user=request.user)
    context = {
        "acceptance": acceptance,
        "accepted_current": acceptance is not None and acceptance.version == agreement.CURRENT_VERSION,
        "version": agreement.CURRENT_VERSION,
        "agreement_template": agreement.template_for(agreement.CURRENT_VERSION),
    }
    return render(request, "webshop/processor_agreement.html", context)


def _amount(value) -> str:
    return f"{value:.2f}".replace(".", ",")  # Dutch spreadsheets: comma decimals beside ';'


@login_required
@never_cache
@require_GET
def order_log_csv(request: HttpRequest) -> HttpResponse:
    """The customer's order log as CSV (``;``-separated, comma decimals, UTF-8 with BOM so
    spreadsheet programs read the accents): what the order log keeps, no personal data of
    the webshop's customers."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="bestellingen-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("bestelnummer"),
            _("besteldatum"),
            _("ontvangen op"),
            _("status"),
            _("bedrag excl. btw"),
            _("btw"),
            _("bedrag incl. btw"),
            _("betaald in de webshop"),
            _("factuurnummer in Exact"),
            _("betaalstatus in Exact"),
            _("melding"),
        ]
    )
    for order in orders_for_log(user=request.user).iterator(chunk_size=1000):
        writer.writerow(
            [
                order.number,
                order.order_date.isoformat(),
                timezone.localtime(order.received_at).strftime("%Y-%m-%d %H:%M"),
                order.get_status_display(),
                _amount(order.amount_net),
                _amount(order.amount_vat),
                _amount(order.amount_gross),
                _("ja") if order.paid_in_webshop else _("nee"),
                order.exact_invoice_number,
                order.get_payment_status_display(),
                order.error_hint if order.status == order.Status.FAILED else "",
            ]
        )
    return response
