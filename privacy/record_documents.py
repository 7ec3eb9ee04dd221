"""The Article 30 record as files: a PDF drawn with reportlab like the invoices (the same
embedded fonts, ``core.pdf``, so its text can be extracted) and a ``;``-separated CSV, UTF-8 with a BOM
like the other CSV exports (spreadsheet programs read the accents). Both are made from a
:class:`privacy.selectors.ProcessingRecord`, in its language, and never stored: the record
is generated from the register each time."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from core.pdf import FONT, FONT_BOLD, drawable, printable, register_fonts
from privacy.selectors import Activity, ProcessingRecord, record_transfers_text
from register.registry import Role


def filename(record: ProcessingRecord, extension: str) -> str:
    return f"verwerkingsregister-{timezone.localdate(record.generated_at).isoformat()}-{record.language}.{extension}"


def _controllers_text(activity: Activity) -> str:
    count = len(activity.controllers)
    return ngettext(
        "%(n)d klant met een geaccepteerde verwerkersovereenkomst",
        "%(n)d klanten met een geaccepteerde verwerkersovereenkomst",
        count,
    ) % {"n": count}


def activity_fields(activity: Activity) -> list[tuple[str, str]]:
    """The record's statements about one activity, as (label, text) in the record's order."""
    rows = [
        (pgettext("verwerkingsregister", "Doel"), activity.purpose),
        (_("Grondslag"), activity.legal_basis),
        (_("Betrokkenen"), ", ".join(activity.data_subjects)),
        (_("Persoonsgegevens"), activity.data),
        (_("Ontvangers"), ", ".join(activity.recipients)),
        (_("Doorgifte buiten de EU"), record_transfers_text(activity)),
        (_("Bewaartermijn"), f"{activity.retention} ({activity.end_action})"),
        (_("Beveiliging (naast de algemene maatregelen)"), activity.security),
    ]
    if activity.controllers:
        rows.append((_("Namens"), _controllers_text(activity)))
    return rows


# --- CSV -----------------------------------------------------------------------------------


def csv_rows(record: ProcessingRecord) -> Iterable[list[str]]:
    """The header, then one row per processing activity and part (controller, processor)."""
    with translation.override(record.language):
        yield [
            _("Deel"),
            _("Activiteit"),
            _("Naam"),
            pgettext("verwerkingsregister", "Doel"),
            _("Grondslag"),
            _("Betrokkenen"),
            _("Persoonsgegevens"),
            _("Ontvangers"),
            _("Doorgifte buiten de EU"),
            _("Bewaartermijn"),
            _("Na afloop"),
            _("Beveiliging (naast de algemene maatregelen)"),
            _("Namens"),
        ]
        for activity in (*record.controller_activities, *record.processor_activities):
            yield [
                str(activity.role.label),
                activity.key,
                activity.title,
                activity.purpose,
                activity.legal_basis,
                ", ".join(activity.data_subjects),
                activity.data,
                ", ".join(activity.recipients),
                record_transfers_text(activity),
                activity.retention,
                activity.end_action,
                activity.security,
                _controllers_text(activity) if activity.role == Role.PROCESSOR else "",
            ]


def _cell(text: str) -> str:
    """Spreadsheet programs run a cell starting with one of these as a formula; processor
    names and transfer bases are typed by staff in the admin."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_csv(record: ProcessingRecord) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows([_cell(text) for text in row] for row in csv_rows(record))
    return buffer.getvalue().encode("utf-8")


# --- PDF -----------------------------------------------------------------------------------


def render_pdf(record: ProcessingRecord) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    register_fonts()
    with translation.override(record.language):
        normal = ParagraphStyle("normal", fontName=FONT, fontSize=9, leading=12)
        bold = ParagraphStyle("bold", parent=normal, fontName=FONT_BOLD)
        heading = ParagraphStyle("heading", parent=bold, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)
        title = ParagraphStyle("title", parent=bold, fontSize=16, leading=20)
        company = record.company
        generated = date_format(timezone.localtime(record.generated_at), "j F Y H:i")
        footer_left = f"{company['name']} · {_('Register van verwerkingsactiviteiten')} · {generated}"
        page_label = _("pagina %(page)d van %(pages)d")

        def p(text: object, style: ParagraphStyle = normal) -> Paragraph:
            return Paragraph(printable(text), style)

        def table(rows: list[tuple[str, str]]) -> Table:
            t = Table([[p(label, bold), p(text)] for label, text in rows], colWidths=[48 * mm, 122 * mm])
            t.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (0, -1), 0),
                        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                    ]
                )
            )
            return t

        class NumberedCanvas(Canvas):
            """Draws "pagina n van m" once the number of pages is known."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self._pages: list[dict] = []

            def showPage(self):
                self._pages.append(dict(self.__dict__))
                self._startPage()

            def save(self):
                total = len(self._pages)
                for state in self._pages:
                    self.__dict__.update(state)
                    self.setFont(FONT, 7.5)
                    self.setFillColor(colors.HexColor("#444444"))
                    self.drawString(20 * mm, 10 * mm, drawable(footer_left))
                    self.drawRightString(190 * mm, 10 * mm, page_label % {"page": self._pageNumber, "pages": total})
                    super().showPage()
                super().save()

        story: list = [
            p(_("Register van verwerkingsactiviteiten"), title),
            p(_("AVG artikel 30 · opgesteld op %(when)s uit het register van persoonsgegevens") % {"when": generated}),
            Spacer(1, 5 * mm),
            p(_("Verwerkingsverantwoordelijke"), heading),
            table(
                [
                    (_("Naam"), company["name"]),
                    (_("Adres"), record.address),
                    (_("KvK-nummer"), company["kvk"] or "–"),
                    (_("Contact voor privacyvragen"), record.contact),
                    (_("Telefoon"), company["phone"] or "–"),
                ]
            ),
            p(_("Deel 1: verwerkingen als verwerkingsverantwoordelijke"), heading),
        ]
        for activity in record.controller_activities:
            story.append(
                KeepTogether([p(f"{activity.title} ({activity.key})", bold), table(activity_fields(activity))])
            )
            story.append(Spacer(1, 3 * mm))
        story.append(p(_("Deel 2: verwerkingen als verwerker voor onze klanten"), heading))
        story.append(
            p(
                _(
                    "Voor de bestellingen die de webwinkels van onze klanten via de koppeling naar Exact Online "
                    "sturen, zijn wij verwerker: %(company)s verwerkt ze namens de klant, volgens de "
                    "verwerkersovereenkomst die de klant in het portaal accepteert."
                )
                % {"company": company["name"]}
            )
        )
        story.append(Spacer(1, 2 * mm))
        for activity in record.processor_activities:
            story.append(
                KeepTogether([p(f"{activity.title} ({activity.key})", bold), table(activity_fields(activity))])
            )
            story.append(Spacer(1, 2 * mm))
            if activity.controllers:
                story.append(p(_("Verwerkingsverantwoordelijken (onze klanten)"), bold))
                rows = [[p(_("Klant"), bold), p(_("Contact"), bold), p(_("Verwerkersovereenkomst"), bold)]]
                rows += [
                    [p(c.name), p(c.contact), p(f"{c.agreement_version} ({date_format(c.accepted_on, 'j F Y')})")]
                    for c in activity.controllers
                ]
                controllers = Table(rows, colWidths=[60 * mm, 60 * mm, 50 * mm], repeatRows=1)
                controllers.setStyle(
                    TableStyle(
                        [
                            ("VALIGN", (0, 0), (-1, -1), "TOP"),
                            ("LEFTPADDING", (0, 0), (0, -1), 0),
                            ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                        ]
                    )
                )
                story.append(controllers)
            story.append(Spacer(1, 3 * mm))
        story.append(p(_("Algemene beveiligingsmaatregelen"), heading))
        story += [p(f"• {measure}") for measure in record.security_measures]

        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
            title=_("Register van verwerkingsactiviteiten"),
            author=company["name"],
            subject=_("AVG artikel 30"),
            creator="Exact koppeling portal",
            lang="nl-NL" if record.language == "nl" else "en-GB",
        )
        document.build(story, canvasmaker=NumberedCanvas)
        return buffer.getvalue()
