"""What the webshop API accepts and answers: plain pydantic models, which django-ninja
validates with and turns into the OpenAPI document (ninja's own ``Schema`` adds a root
validator for reading ORM objects that cost about 1.5 ms per 10-line order, measured, and
JSON needs none of it).

Amounts travel as decimal strings or JSON numbers and are held as ``Decimal``; they are
never floats once validated. Unknown fields are refused, so that the content hash that
decides idempotency covers everything the webshop sent.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django_countries import countries
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, WithJsonSchema, field_validator

MAX_LINES = 500
NUMBER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


def _only(*kinds: type, name: str):
    """Refuse a JSON value of another type before pydantic's lax coercion sees it (``"21"``
    is not the VAT rate 21, nor ``20240101`` a date): the document says which type, and
    the API holds to it."""

    def check(value):
        if not isinstance(value, kinds) or isinstance(value, bool):
            raise ValueError(f"wrong_type:{name}")
        return value

    return BeforeValidator(check)


VatRate = Annotated[Literal[21, 9, 0], _only(int, name="integer")]
IsoDate = Annotated[datetime.date, _only(str, name="string")]


def _decimal(*, maximum: str, places: int, pattern: str, positive: bool = False, description: str = ""):
    """A decimal as a JSON number or a string (``"4.95"``), documented as both; at most
    ``places`` decimals and below ``maximum``. The document's forms are exactly what
    validation accepts, so a schema-driven client (or schemathesis) meets no surprise."""
    step = 10**-places
    number = {"type": "number", "maximum": float(maximum), "multipleOf": step}
    number["exclusiveMinimum" if positive else "minimum"] = 0
    bound = {"gt": 0} if positive else {"ge": 0}
    return Annotated[
        Decimal,
        Field(le=Decimal(maximum), decimal_places=places, description=description, **bound),
        WithJsonSchema({"anyOf": [number, {"type": "string", "pattern": pattern}], "description": description}),
    ]


Quantity = _decimal(
    maximum="99999.999",
    places=3,
    positive=True,
    pattern=r"^([1-9][0-9]{0,4}(\.[0-9]{1,3})?|0\.[0-9]{0,2}[1-9])$",
    description="Aantal (> 0, hooguit 3 decimalen).",
)
UnitPrice = _decimal(
    maximum="999999.9999",
    places=4,
    pattern=r"^[0-9]{1,6}(\.[0-9]{1,4})?$",
    description="Stuksprijs exclusief btw (hooguit 4 decimalen).",
)
ShippingAmount = _decimal(
    maximum="99999.99", places=2, pattern=r"^[0-9]{1,5}(\.[0-9]{1,2})?$", description="Verzendkosten exclusief btw."
)

Text = Annotated[str, Field(min_length=1, max_length=200)]
OptionalText = Annotated[str, Field(max_length=200)]


# Control characters (other than tab and line breaks) and lone surrogates: PostgreSQL cannot
# store them in JSON, and no name, address or description needs them.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value):
        if isinstance(value, str) and _UNSTORABLE.search(value):
            raise ValueError("control_character")
        return value


class AddressIn(_Strict):
    street: Text = Field(description="Straat en huisnummer.")
    postal_code: str = Field(min_length=1, max_length=20)
    city: str = Field(min_length=1, max_length=100)
    country: str = Field(
        min_length=2,
        max_length=2,
        description="ISO 3166-1 alpha-2, bijvoorbeeld NL.",
        json_schema_extra={"enum": sorted(code for code, _name in countries)},
    )

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        value = value.upper()
        if value not in countries:
            raise ValueError("unknown_country")
        return value


class CustomerIn(_Strict):
    name: Text
    company: OptionalText = ""
    email: str = Field(min_length=3, max_length=254, json_schema_extra={"format": "email"})
    phone: str = Field(default="", max_length=40)
    address: AddressIn
    vat_id: str = Field(default="", max_length=20, pattern=r"^([A-Za-z]{2}[A-Za-z0-9+*.]{2,18})?$")

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError("invalid_email") from None
        return value


class LineIn(_Strict):
    sku: str = Field(min_length=1, max_length=64)
    description: str = Field(min_length=1, max_length=500)
    quantity: Quantity
    unit_price: UnitPrice
    vat_rate: VatRate = Field(description="Btw-tarief in procenten: 21, 9 of 0.")


class ShippingIn(_Strict):
    amount: ShippingAmount
    vat_rate: VatRate


class OrderIn(_Strict):
    number: str = Field(pattern=NUMBER_PATTERN, description="Het bestelnummer van de webwinkel (uniek per klant).")
    date: IsoDate
    currency: Literal["EUR"] = "EUR"
    customer: CustomerIn
    lines: list[LineIn] = Field(min_length=1, max_length=MAX_LINES)
    shipping: ShippingIn | None = None
    paid: StrictBool = False


class AmountsOut(BaseModel):
    net: str
    vat: str
    gross: str


class ExactOut(BaseModel):
    invoice_number: str
    invoice_id: str


class ErrorOut(BaseModel):
    message: str
    hint: str


class OrderOut(BaseModel):
    number: str
    status: Literal["received", "synced", "failed"]
    received_at: datetime.datetime
    amounts: AmountsOut
    paid_in_webshop: bool
    payment_status: Literal["unknown", "open", "paid"]
    exact: ExactOut | None = None
    error: ErrorOut | None = None


class FieldErrorOut(BaseModel):
    field: str
    message: str
    code: str


class ProblemOut(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str = ""
    errors: list[FieldErrorOut] | None = None
