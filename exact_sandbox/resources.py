"""The sandbox's writable resources, as Exact Online shapes them: relations
(``crm/Accounts``), articles (``logistics/Items``), sales invoices
(``salesinvoice/SalesInvoices``) and the receivables that processed invoices become
(``cashflow/Receivables``, read only).

Each resource knows the fields a ``$filter`` may use (translated into a database query, so a
lookup stays fast with thousands of rows), how a row looks, and how a POST is validated.
Validation failures raise :class:`odata.ODataError`, answered as Exact answers them (400 and
its error body); nothing is stored then.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from exact_sandbox import data, odata
from exact_sandbox.models import SandboxAccount, SandboxInvoice, SandboxInvoiceLine, SandboxItem
from exact_sandbox.odata import ODataError

CENT = Decimal("0.01")
CODE_WIDTH = 18  # Exact's relation codes: digits, right-aligned with leading spaces


@dataclass(frozen=True)
class FilterField:
    lookup: str | Callable[[Any], Q]
    kind: type  # str, int, bool or uuid.UUID


def _edm(value: Any) -> str:
    if isinstance(value, bool):
        return "Edm.Boolean"
    if isinstance(value, int):
        return "Edm.Int32"
    if isinstance(value, uuid.UUID):
        return "Edm.Guid"
    return "Edm.String" if isinstance(value, str) else "Edm.Decimal"


_SAMPLES: dict[type, Any] = {str: "", int: 0, bool: True, uuid.UUID: uuid.UUID(int=0)}


def query(queryset: QuerySet, filter_text: str, fields: dict[str, FilterField]) -> QuerySet:
    """Apply an OData ``$filter`` to a queryset; strings compare without regard to case."""
    for condition in odata.parse_filter(filter_text, fields):
        spec = fields[condition.field]
        value = condition.value
        if _edm(value) != _edm(_SAMPLES[spec.kind]):
            raise ODataError(
                f"Operator 'eq' incompatible with operand types '{_edm(_SAMPLES[spec.kind])}' and '{_edm(value)}' "
                f"for property '{condition.field}'."
            )
        if callable(spec.lookup):
            queryset = queryset.filter(spec.lookup(value))
        elif spec.kind is str:
            queryset = queryset.filter(**{f"{spec.lookup}__iexact": value})
        else:
            queryset = queryset.filter(**{spec.lookup: value})
    return queryset


def _metadata(base: str, resource: str, key: str, value: uuid.UUID, model: str) -> dict:
    return {"uri": f"{base}/{resource}({key}=guid'{value}')", "type": f"Exact.Web.Api.Models.{model}"}


def _text(body: dict, field: str, *, required: bool = False, max_length: int = 100) -> str:
    value = body.get(field)
    if value is None or value == "":
        if required:
            raise ODataError(f"Mandatory: {field}.")
        return ""
    if not isinstance(value, str):
        raise ODataError(f"{field}: a text value is expected.")
    value = value.strip()
    if required and not value:
        raise ODataError(f"Mandatory: {field}.")
    if len(value) > max_length:
        raise ODataError(f"{field}: at most {max_length} characters.")
    return value


def _guid(body: dict, field: str, *, required: bool = False) -> uuid.UUID | None:
    value = body.get(field)
    if value in (None, ""):
        if required:
            raise ODataError(f"Mandatory: {field}.")
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ODataError(f"{field}: '{str(value)[:40]}' is not a valid GUID.") from None


def _number(body: dict, field: str, default: Decimal | None = None) -> Decimal:
    value = body.get(field)
    if value is None:
        if default is None:
            raise ODataError(f"Mandatory: {field}.")
        return default
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ODataError(f"{field}: a number is expected.")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ODataError(f"{field}: a number is expected.") from None
    if not number.is_finite():
        raise ODataError(f"{field}: a number is expected.")
    return number


def _refuse_unknown(body: dict, known: set[str]) -> None:
    if not isinstance(body, dict):
        raise ODataError("The request body must be a JSON object.")
    for name in body:
        if name not in known:
            raise ODataError(f"The property '{str(name)[:60]}' does not exist on this entity.")


# --- crm/Accounts -----------------------------------------------------------------------------

ACCOUNT_FILTERS = {
    "ID": FilterField("guid", uuid.UUID),
    "Code": FilterField("code", str),
    "Email": FilterField("email", str),
    "Name": FilterField("name", str),
    "Status": FilterField("status", str),
}
_ACCOUNT_FIELDS = {
    "Code",
    "Name",
    "Email",
    "Status",
    "VATNumber",
    "AddressLine1",
    "Postcode",
    "City",
    "Country",
    "Phone",
}


def account_row(account: SandboxAccount, base: str) -> dict:
    return {
        "__metadata": _metadata(base, "crm/Accounts", "ID", account.guid, "Account"),
        "ID": str(account.guid),
        "Code": account.code,
        "Name": account.name,
        "Email": account.email or None,
        "Status": account.status or None,
        "VATNumber": account.vat_number or None,
        "AddressLine1": account.address_line1 or None,
        "Postcode": account.postcode or None,
        "City": account.city or None,
        "Country": account.country or None,
        "Phone": account.phone or None,
        "Division": account.division,
        "Created": odata.exact_date(account.created_at),
    }


def account_create(division: int, body: dict) -> SandboxAccount:
    _refuse_unknown(body, _ACCOUNT_FIELDS)
    name = _text(body, "Name", required=True)
    email = _text(body, "Email", max_length=200)
    if email and ("@" not in email or " " in email):
        raise ODataError(f"Email: '{email[:60]}' is not a valid e-mail address.")
    status = _text(body, "Status", max_length=1)
    if status and status not in "ASPC":
        raise ODataError("Status: use A, S, P or C.")
    country = _text(body, "Country", max_length=2).upper()
    code = _text(body, "Code", max_length=CODE_WIDTH)
    if code and not code.isdigit():
        raise ODataError("Code: only digits are allowed in a relation code.")
    fields = {
        "name": name,
        "email": email,
        "status": status,
        "country": country,
        "vat_number": _text(body, "VATNumber", max_length=50),
        "address_line1": _text(body, "AddressLine1"),
        "postcode": _text(body, "Postcode", max_length=20),
        "city": _text(body, "City"),
        "phone": _text(body, "Phone", max_length=50),
    }
    for _attempt in range(5):
        padded = (code or _next_account_code(division)).rjust(CODE_WIDTH)
        try:
            with transaction.atomic():
                return SandboxAccount.objects.create(division=division, code=padded, **fields)
        except IntegrityError:
            if code:
                raise ODataError(f"Code: {code} already exists.") from None
    raise ODataError("Code: no free relation code found.")  # pragma: no cover (5 concurrent collisions)


def _next_account_code(division: int) -> str:
    codes = SandboxAccount.objects.filter(division=division).values_list("code", flat=True)
    highest = max((int(code) for code in codes if code.strip().isdigit()), default=0)
    return str(highest + 1)


# --- logistics/Items --------------------------------------------------------------------------

ITEM_FILTERS = {
    "ID": FilterField("guid", uuid.UUID),
    "Code": FilterField("code", str),
    "Description": FilterField("description", str),
}


def item_row(item: SandboxItem, base: str) -> dict:
    return {
        "__metadata": _metadata(base, "logistics/Items", "ID", item.guid, "Item"),
        "ID": str(item.guid),
        "Code": item.code,
        "Description": item.description,
        "IsSalesItem": item.is_sales_item,
        "Division": item.division,
        "Created": odata.exact_date(item.created_at),
    }


def item_create(division: int, body: dict) -> SandboxItem:
    _refuse_unknown(body, {"Code", "Description", "IsSalesItem"})
    code = _text(body, "Code", required=True, max_length=30)
    description = _text(body, "Description", required=True, max_length=60)
    is_sales_item = body.get("IsSalesItem", True)
    if not isinstance(is_sales_item, bool):
        raise ODataError("IsSalesItem: true or false is expected.")
    if SandboxItem.objects.filter(division=division, code__iexact=code).exists():
        raise ODataError(f"Code: {code} already exists.")
    try:
        with transaction.atomic():
            return SandboxItem.objects.create(
                division=division, code=code, description=description, is_sales_item=is_sales_item
            )
    except IntegrityError:
        raise ODataError(f"Code: {code} already exists.") from None


# --- salesinvoice/SalesInvoices ---------------------------------------------------------------

INVOICE_FILTERS = {
    "InvoiceID": FilterField("guid", uuid.UUID),
    "YourRef": FilterField("your_ref", str),
    "InvoiceNumber": FilterField("invoice_number", int),
    "Journal": FilterField("journal", str),
    "OrderedBy": FilterField("ordered_by__guid", uuid.UUID),
    "Status": FilterField("status", int),
}
_INVOICE_FIELDS = {
    "OrderedBy",
    "Journal",
    "YourRef",
    "InvoiceDate",
    "Description",
    "Currency",
    "SalesInvoiceLines",
    "Type",
}
_LINE_FIELDS = {"Item", "Quantity", "NetPrice", "UnitPrice", "VATCode", "Description"}
_STATUS = {SandboxInvoice.OPEN: "Open", SandboxInvoice.PROCESSED: "Processed"}


def invoice_row(invoice: SandboxInvoice, base: str, *, with_lines: bool = False) -> dict:
    row = {
        "__metadata": _metadata(base, "salesinvoice/SalesInvoices", "InvoiceID", invoice.guid, "SalesInvoice"),
        "InvoiceID": str(invoice.guid),
        "InvoiceNumber": invoice.invoice_number,
        "Journal": invoice.journal,
        "OrderedBy": str(invoice.ordered_by.guid),
        "OrderedByName": invoice.ordered_by.name,
        "YourRef": invoice.your_ref or None,
        "Description": invoice.description or None,
        "Currency": invoice.currency,
        "InvoiceDate": odata.exact_date(invoice.invoice_date),
        "Status": invoice.status,
        "StatusDescription": _STATUS.get(invoice.status, ""),
        "Type": 8020,
        "AmountFCExclVat": float(invoice.amount_excl_vat),
        "VATAmountFC": float(invoice.vat_amount),
        "AmountFC": float(invoice.amount),
        "AmountDC": float(invoice.amount),
        "Division": invoice.division,
        "Created": odata.exact_date(invoice.created_at),
    }
    uri = row["__metadata"]["uri"]
    if with_lines:
        row["SalesInvoiceLines"] = {"results": [_line_row(line, invoice) for line in invoice.lines.all()]}
    else:
        row["SalesInvoiceLines"] = {"__deferred": {"uri": f"{uri}/SalesInvoiceLines"}}
    return row


def invoice_sample() -> SandboxInvoice:
    """An unsaved invoice: the fields of an invoice's (or a receivable's) row."""
    return SandboxInvoice(
        division=0,
        ordered_by=SandboxAccount(division=0, code="", name=""),
        invoice_number=0,
        invoice_date=timezone.now(),
        amount_excl_vat=Decimal(0),
        vat_amount=Decimal(0),
    )


def _line_row(line: SandboxInvoiceLine, invoice: SandboxInvoice) -> dict:
    return {
        "ID": str(line.guid),
        "InvoiceID": str(invoice.guid),
        "LineNumber": line.line_number,
        "Item": str(line.item.guid),
        "ItemCode": line.item.code,
        "Description": line.description,
        "Quantity": float(line.quantity),
        "NetPrice": float(line.net_price),
        "UnitPrice": float(line.net_price),
        "VATCode": line.vat_code,
        "VATPercentage": float(line.vat_percentage),
        "AmountFC": float(line.amount),
        "VATAmountFC": float(line.vat_amount),
    }


def invoice_create(division: int, body: dict) -> SandboxInvoice:
    """Validate everything first (Exact stores all or nothing), then store the invoice with
    its lines and the next number of the journal."""
    _refuse_unknown(body, _INVOICE_FIELDS)
    ordered_by_id = _guid(body, "OrderedBy", required=True)
    ordered_by = SandboxAccount.objects.filter(division=division, guid=ordered_by_id).first()
    if ordered_by is None:
        raise ODataError(f"OrderedBy: the account {ordered_by_id} does not exist in this administration.")
    journal = _text(body, "Journal", required=True, max_length=20)
    if journal not in {code for code, _description, kind in data.JOURNALS if kind == 20}:
        raise ODataError(f"Journal: {journal} is not a sales journal of this administration.")
    if body.get("Type", 8020) != 8020:
        raise ODataError("Type: the sandbox makes sales invoices (8020) only.")
    currency = (_text(body, "Currency", max_length=3) or "EUR").upper()
    if currency != "EUR":
        raise ODataError("Currency: the sandbox's administrations keep EUR only.")
    invoice_date = odata.parse_date(body["InvoiceDate"], "InvoiceDate") if body.get("InvoiceDate") else None
    lines = _invoice_lines(division, body.get("SalesInvoiceLines"))
    fields = {
        "division": division,
        "journal": journal,
        "ordered_by": ordered_by,
        "your_ref": _text(body, "YourRef", max_length=100),
        "description": _text(body, "Description", max_length=200),
        "currency": currency,
        "invoice_date": invoice_date or timezone.now().replace(hour=0, minute=0, second=0, microsecond=0),
        "amount_excl_vat": sum((line["amount"] for line in lines), Decimal("0.00")),
        "vat_amount": sum((line["vat_amount"] for line in lines), Decimal("0.00")),
    }
    for _attempt in range(10):
        try:
            with transaction.atomic():
                highest = (
                    SandboxInvoice.objects.filter(division=division, journal=journal).aggregate(
                        n=Max("invoice_number")
                    )["n"]
                    or 0
                )
                invoice = SandboxInvoice.objects.create(invoice_number=highest + 1, **fields)
                SandboxInvoiceLine.objects.bulk_create(
                    SandboxInvoiceLine(invoice=invoice, line_number=number, **line)
                    for number, line in enumerate(lines, start=1)
                )
                return invoice
        except IntegrityError:
            continue  # another invoice took the number: take the next
    raise ODataError("InvoiceNumber: no free number in the journal.")  # pragma: no cover


def _invoice_lines(division: int, raw: Any) -> list[dict]:
    if isinstance(raw, dict) and "results" in raw:
        raw = raw["results"]
    if not isinstance(raw, list) or not raw:
        raise ODataError("Mandatory: SalesInvoiceLines (at least one line).")
    if len(raw) > 1000:
        raise ODataError("SalesInvoiceLines: at most 1000 lines.")
    vat_codes = {code: Decimal(str(rate)) for code, _description, rate in data.VAT_CODES}
    item_ids = []
    for number, line in enumerate(raw, start=1):
        if not isinstance(line, dict):
            raise ODataError(f"SalesInvoiceLines[{number}]: an object is expected.")
        _refuse_unknown(line, _LINE_FIELDS)
        item_ids.append(_guid(line, "Item", required=True))
    items = {item.guid: item for item in SandboxItem.objects.filter(division=division, guid__in=item_ids)}
    lines = []
    for number, (line, item_id) in enumerate(zip(raw, item_ids, strict=True), start=1):
        item = items.get(item_id)
        if item is None:
            raise ODataError(f"SalesInvoiceLines[{number}].Item: the item {item_id} does not exist.")
        quantity = _number(line, "Quantity", Decimal("1"))
        price = _number(line, "NetPrice") if "NetPrice" in line else _number(line, "UnitPrice", Decimal("0"))
        vat_code = _text(line, "VATCode", max_length=3) or "1"
        if vat_code not in vat_codes:
            raise ODataError(f"SalesInvoiceLines[{number}].VATCode: {vat_code} does not exist.")
        if abs(quantity) >= 10**9 or abs(price) >= 10**9:
            raise ODataError(f"SalesInvoiceLines[{number}]: the amount is too large.")
        amount = (quantity * price).quantize(CENT, ROUND_HALF_UP)
        lines.append(
            {
                "item": item,
                "description": _text(line, "Description", max_length=200) or item.description,
                "quantity": quantity,
                "net_price": price,
                "vat_code": vat_code,
                "vat_percentage": vat_codes[vat_code],
                "amount": amount,
                "vat_amount": (amount * vat_codes[vat_code]).quantize(CENT, ROUND_HALF_UP),
            }
        )
    return lines


# --- cashflow/Receivables ---------------------------------------------------------------------

RECEIVABLE_FILTERS = {
    "ID": FilterField("receivable_guid", uuid.UUID),
    "InvoiceNumber": FilterField("invoice_number", int),
    "Journal": FilterField("journal", str),
    "YourRef": FilterField("your_ref", str),
    "Account": FilterField("ordered_by__guid", uuid.UUID),
    "IsFullyPaid": FilterField(lambda paid: Q(paid_at__isnull=not paid), bool),
}


def receivables() -> QuerySet:
    """Only a processed invoice is an open item (a receivable)."""
    return SandboxInvoice.objects.filter(status=SandboxInvoice.PROCESSED)


def receivable_row(invoice: SandboxInvoice, base: str) -> dict:
    return {
        "__metadata": _metadata(base, "cashflow/Receivables", "ID", invoice.receivable_guid, "Receivable"),
        "ID": str(invoice.receivable_guid),
        "Account": str(invoice.ordered_by.guid),
        "AccountCode": invoice.ordered_by.code,
        "AccountName": invoice.ordered_by.name,
        "AmountDC": float(invoice.amount),
        "AmountFC": float(invoice.amount),
        "Currency": invoice.currency,
        "Description": invoice.description or None,
        "EntryNumber": invoice.invoice_number,
        "InvoiceDate": odata.exact_date(invoice.invoice_date),
        "InvoiceNumber": invoice.invoice_number,
        "IsFullyPaid": invoice.paid_at is not None,
        "Journal": invoice.journal,
        "LastPaymentDate": odata.exact_date(invoice.paid_at),
        "TransactionAmountDC": float(invoice.amount),
        "YourRef": invoice.your_ref or None,
        "Division": invoice.division,
    }
