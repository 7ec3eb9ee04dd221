"""What the webshop API accepts and answers (django-ninja schemas, so the OpenAPI document
is generated from the same code that validates).

Amounts travel as decimal strings or JSON numbers and are held as ``Decimal``; they are
never floats once validated. Unknown fields are refused, so that the content hash that
decides idempotency covers everything the webshop sent.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django_countries import countries
from ninja import Schema
from pydantic import ConfigDict, Field, StrictBool, field_validator

MAX_LINES = 500
NUMBER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
VatRate = Literal[21, 9, 0]

Text = Annotated[str, Field(min_length=1, max_length=200)]
OptionalText = Annotated[str, Field(max_length=200)]


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AddressIn(_Strict):
    street: Text = Field(description="Straat en huisnummer.")
    postal_code: str = Field(min_length=1, max_length=20)
    city: str = Field(min_length=1, max_length=100)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2, bijvoorbeeld NL.")

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
    email: str = Field(min_length=3, max_length=254)
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
    quantity: Decimal = Field(gt=0, le=Decimal("100000"), max_digits=9, decimal_places=3)
    unit_price: Decimal = Field(
        ge=0, le=Decimal("1000000"), max_digits=11, decimal_places=4, description="Stuksprijs exclusief btw."
    )
    vat_rate: VatRate = Field(description="Btw-tarief in procenten: 21, 9 of 0.")


class ShippingIn(_Strict):
    amount: Decimal = Field(ge=0, le=Decimal("100000"), max_digits=8, decimal_places=2, description="Exclusief btw.")
    vat_rate: VatRate


class OrderIn(_Strict):
    number: str = Field(pattern=NUMBER_PATTERN, description="Het bestelnummer van de webwinkel (uniek per klant).")
    date: datetime.date
    currency: Literal["EUR"] = "EUR"
    customer: CustomerIn
    lines: list[LineIn] = Field(min_length=1, max_length=MAX_LINES)
    shipping: ShippingIn | None = None
    paid: StrictBool = False


class AmountsOut(Schema):
    net: str
    vat: str
    gross: str


class ExactOut(Schema):
    invoice_number: str
    invoice_id: str


class ErrorOut(Schema):
    message: str
    hint: str


class OrderOut(Schema):
    number: str
    status: Literal["received", "synced", "failed"]
    received_at: datetime.datetime
    amounts: AmountsOut
    paid_in_webshop: bool
    payment_status: Literal["unknown", "open", "paid"]
    exact: ExactOut | None = None
    error: ErrorOut | None = None


class FieldErrorOut(Schema):
    field: str
    message: str
    code: str


class ProblemOut(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str = ""
    errors: list[FieldErrorOut] | None = None
