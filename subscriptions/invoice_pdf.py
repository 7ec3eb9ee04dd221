"""The PDF of an invoice or a credit note, drawn with reportlab from the document's own row.

Only the row is read (its amounts, ``billing_snapshot`` and ``seller_snapshot``, and for an
invoice the payment's Mollie id and payment date, which never change once paid; for a credit
note the number and date of the invoice it corrects): never the customer's live profile or
the company settings of today. The text is Dutch, the legal language of the document, with
the English label beside each Dutch one, so one immutable file serves every customer.

The output is deterministic (reportlab's ``invariant`` mode: no creation time, no random
document id), but that is not what makes it immutable: the bytes are rendered once and
stored (``services.document_pdf``), so a later reportlab or a changed layout never alters
an issued document.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

from django.utils import timezone, translation

from core.pdf import FONT, FONT_BOLD
from core.pdf import printable as _printable
from core.pdf import register_fonts as _fonts

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def euro(amount: Decimal) -> str:
    """€ 1.234,56 / € -10,00 (Dutch notation)."""
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"€ {sign}{'.'.join(groups)},{cents}"


def day(value: date | None) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}" if value else "–"


# Why a business elsewhere in the EU was charged Dutch VAT (``VatNote`` in the snapshot):
# reverse charge needs a valid VIES check younger than 30 days.
VAT_NOTES = {
    "vies_unchecked": (
        "Btw 21% berekend: btw-nummer afnemer {vat_id} kon niet in VIES worden gecontroleerd, "
        "daarom is de btw niet verlegd. / Dutch VAT charged: the customer's VAT id could not be checked in VIES."
    ),
    "vies_invalid": (
        "Btw 21% berekend: btw-nummer afnemer {vat_id} is volgens VIES niet geldig, daarom is de btw niet "
        "verlegd. / Dutch VAT charged: VIES did not confirm the customer's VAT id as valid."
    ),
    "vies_expired": (
        "Btw 21% berekend: btw-nummer afnemer {vat_id} is niet in de laatste 30 dagen in VIES als geldig "
        "bevestigd, daarom is de btw niet verlegd. / Dutch VAT charged: no valid VIES check of the customer's "
        "VAT id in the last 30 days."
    ),
}


def percent(rate: Decimal) -> str:
    return f"{rate.normalize():f}".replace(".", ",") + "%"


def _country(code: str) -> str:
    if not code:
        return ""
    from django_countries import countries

    with translation.override("nl"):
        return str(countries.name(code) or code)


def _address(snapshot: dict, *, seller: bool) -> list[str]:
    lines = [snapshot.get("name", "")]
    company = snapshot.get("company", "")
    if company and company != snapshot.get("name"):
        lines.append(company)
    lines.append(snapshot.get("street", ""))
    lines.append(f"{snapshot.get('postal_code', '')} {snapshot.get('city', '')}".strip())
    lines.append(_country(snapshot.get("country", "")))
    if seller:
        lines.append(f"KvK: {snapshot.get('kvk') or '–'}")
        lines.append(f"Btw-nummer / VAT id: {snapshot.get('vat_id') or '–'}")
        if snapshot.get("email"):
            lines.append(snapshot["email"])
    else:
        if snapshot.get("kvk"):
            lines.append(f"KvK: {snapshot['kvk']}")
        if snapshot.get("vat_id"):
            lines.append(f"Btw-nummer / VAT id: {snapshot['vat_id']}")
    return [line for line in lines if line]


def render(document) -> bytes:
    """The PDF of an :class:`~subscriptions.models.Invoice` or a
    :class:`~subscriptions.models.CreditNote`."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from subscriptions.models import CreditNote

    _fonts()
    credit = isinstance(document, CreditNote)
    normal = ParagraphStyle("normal", fontName=FONT, fontSize=9.5, leading=13)
    small = ParagraphStyle("small", parent=normal, fontSize=8, leading=10.5, textColor=colors.HexColor("#444444"))
    bold = ParagraphStyle("bold", parent=normal, fontName=FONT_BOLD)
    right = ParagraphStyle("right", parent=normal, alignment=2)
    right_bold = ParagraphStyle("right_bold", parent=right, fontName=FONT_BOLD)
    title = ParagraphStyle("title", parent=normal, fontName=FONT_BOLD, fontSize=18, leading=22)

    def p(text: object, style: ParagraphStyle = normal) -> Paragraph:
        return Paragraph(_printable(text), style)

    def lines(items: list[str], style: ParagraphStyle = normal) -> Paragraph:
        return Paragraph("<br/>".join(_printable(item) for item in items), style)

    kind = ("Creditnota", "Credit note") if credit else ("Factuur", "Invoice")
    seller, buyer = document.seller_snapshot or {}, document.billing_snapshot or {}
    story: list = [
        Paragraph(f"{_printable(kind[0])} <font size=11 color='#444444'>/ {kind[1]}</font>", title),
        Spacer(1, 6 * mm),
    ]
    parties = Table(
        [
            [p("Van / From", bold), p("Aan / To", bold)],
            [lines(_address(seller, seller=True)), lines(_address(buyer, seller=False))],
        ],
        colWidths=[85 * mm, 85 * mm],
    )
    parties.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [parties, Spacer(1, 8 * mm)]

    facts = [
        [
            p("Creditnotanummer / Credit note no." if credit else "Factuurnummer / Invoice no."),
            p(document.number, bold),
        ],
        [p("Datum / Date" if credit else "Factuurdatum / Invoice date"), p(day(document.issued_on))],
    ]
    if credit:
        invoice = document.invoice
        facts.append([p("Correctie op factuur / Corrects invoice"), p(f"{invoice.number} ({day(invoice.issued_on)})")])
    if buyer.get("reference"):
        facts.append([p("Uw referentie / Your reference"), p(buyer["reference"])])
    facts_table = Table(facts, colWidths=[70 * mm, 100 * mm])
    facts_table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [facts_table, Spacer(1, 8 * mm)]

    if credit:
        invoice = document.invoice
        period = f"{day(invoice.period_start)} – {day(invoice.period_end)}"
        what = f"Terugbetaling / Refund: {document.description}"
    else:
        period = f"{day(document.period_start)} – {day(document.period_end)}"
        what = document.description
    rate = percent(document.vat_rate)
    rows = [
        [p("Omschrijving / Description", bold), p("Excl. btw / Net", right_bold)],
        [lines([what, f"Periode / Period: {period}"]), p(euro(document.amount_net), right)],
        [p(f"Totaal excl. btw / Net total ({rate})", right), p(euro(document.amount_net), right)],
        [p(f"Btw / VAT {rate}", right), p(euro(document.vat_amount), right)],
        [p("Totaal / Total", right_bold), p(euro(document.amount_gross), right_bold)],
    ]
    amounts = Table(rows, colWidths=[132 * mm, 38 * mm])
    amounts.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("LINEABOVE", (0, 2), (-1, 2), 0.4, colors.grey),
                ("LINEABOVE", (0, 4), (-1, 4), 0.6, colors.black),
            ]
        )
    )
    story += [amounts, Spacer(1, 6 * mm)]

    if document.reverse_charge:
        story.append(
            p(
                f"Btw 0%: btw verlegd / VAT reverse charged. Btw-nummer afnemer / Customer VAT id: {buyer.get('vat_id') or '–'}",
                bold,
            )
        )
        if buyer.get("vies_consultation") or buyer.get("vies_checked_on"):
            checked_on = day(date.fromisoformat(buyer["vies_checked_on"])) if buyer.get("vies_checked_on") else "–"
            story.append(
                p(
                    f"Btw-nummer gecontroleerd in VIES op {checked_on}, raadplegingsnummer "
                    f"{buyer.get('vies_consultation') or '–'}. / VAT id checked in VIES, consultation no. above.",
                    small,
                )
            )
        story.append(Spacer(1, 4 * mm))
    elif buyer.get("vat_note") in VAT_NOTES:
        story.append(p(VAT_NOTES[buyer["vat_note"]].format(vat_id=buyer.get("vat_id") or "–"), bold))
        story.append(Spacer(1, 4 * mm))
    if credit:
        story.append(
            p(
                f"Dit bedrag is terugbetaald via Mollie. / This amount was refunded through Mollie ({invoice.payment.mollie_id or '–'}).",
                small,
            )
        )
    else:
        payment = document.payment
        paid_on = day(timezone.localdate(payment.paid_at)) if payment.paid_at else "–"
        story.append(p(f"Voldaan via Mollie op {paid_on} ({payment.mollie_id or '–'}). / Paid through Mollie.", small))

    buffer = BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"{kind[0]} {document.number}",
        author=seller.get("name", ""),
        subject=f"{kind[0]} {document.number}",
        creator="Exact koppeling portal",
        invariant=1,
        lang="nl-NL",
    )
    pdf.build(story)
    return buffer.getvalue()
