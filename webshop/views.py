"""The webshop API's readable documentation: our own page, rendered on the server from the
same OpenAPI document that ``/api/v1/openapi.json`` serves. No third-party script and no
inline script, so it lives under the site's strict CSP like every other page."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from webshop.api import PROBLEM_DESCRIPTIONS, api

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
