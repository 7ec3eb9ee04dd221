"""The staff overview: the business and its duties in charts (issue 19 item 2), at
``/admin/overzicht/``, linked from the admin index.

Each chart is drawn on the server as SVG (``core.svg_charts``: no script, colours from the
static stylesheet) and has a real table with the same numbers beside it for screen readers.
Each reads its app's selector: one query per chart or fewer (two for the dunning funnel),
whatever the number of customers (``portal/tests/test_admin_overview_queries.py`` counts them
with 10 and with 10,000).

Who sees what (least privilege, the rights of ``accounts.roles``):

- money (revenue, new and churned with the reasons, the dunning funnel): ``subscriptions.
  view_revenue``, the billing role's (Facturatie) and the admin role's;
- cookie decisions, marketing objections, erasures due: the right to view the data they are
  counted from (consent records, marketing preferences, retention runs), the privacy
  office's (Privacybureau) and the admin role's;
- the koppeling's runs: every staff role (support reads single runs already); aggregate
  numbers, no customer in them.

A staff member with none of these gets 403, as for any admin page outside their role. The
period (``?periode=6|12|24`` months, default 24) applies to the charts per month and week;
the koppeling shows its last 30 days, the erasures the next 30. A period that is not offered
gets a Dutch message and the default, never an error page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from http import HTTPStatus

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from consent.cookies import selectors as cookie_selectors
from consent.marketing import selectors as marketing_selectors
from core import svg_charts
from core.buckets import month_starts, start_of
from core.formatting import euro
from retention import selectors as retention_selectors
from subscriptions import selectors as billing_selectors
from sync import selectors as sync_selectors

PERIODS = (6, 12, 24)
DEFAULT_PERIOD = 24
RUN_DAYS = 30

MONEY = "subscriptions.view_revenue"
COOKIES = "consent.view_cookieconsentrecord"
OBJECTIONS = "consent.view_marketingpreference"
ERASURES = "retention.view_retentionrun"
RUNS = "sync.view_syncrun"


class PeriodForm(forms.Form):
    periode = forms.TypedChoiceField(
        label=gettext_lazy("Periode"),
        choices=[(months, gettext_lazy("%(n)s maanden") % {"n": months}) for months in PERIODS],
        coerce=int,
        required=False,
        empty_value=DEFAULT_PERIOD,
        error_messages={
            "invalid_choice": gettext_lazy("Kies een periode van 6, 12 of 24 maanden; u ziet nu 24 maanden."),
        },
    )


def may_see(user) -> dict[str, bool]:
    """Which parts of the overview this staff member may see."""
    parts = {
        "money": user.has_perm(MONEY),
        "cookies": user.has_perm(COOKIES),
        "objections": user.has_perm(OBJECTIONS),
        "erasures": user.has_perm(ERASURES),
    }
    parts["runs"] = user.has_perm(RUNS) or any(parts.values())
    return parts


def overview_url_for(user) -> str | None:
    """The overview's address for the admin index, when this staff member may open it."""
    return reverse("staff_overview") if user.is_active and user.is_staff and any(may_see(user).values()) else None


@dataclass
class Figure:
    """One chart with its table: ``rows`` start with their header cell (``th scope=row``)."""

    key: str
    title: str
    caption: str
    charts: list[SafeString]
    legend: list[tuple[str, str]]  # (css class, label)
    columns: list[str]
    rows: list[list[str]]
    footer: list[str] = field(default_factory=list)


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure]


def _number(value: int | float, decimals: int = 0) -> str:
    return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)


def _month(day: date) -> str:
    return formats.date_format(day, "M Y")


def _month_long(day: date) -> str:
    return formats.date_format(day, "F Y")


def _day(day: date) -> str:
    return formats.date_format(day, "j M")


def _day_long(day: date) -> str:
    return formats.date_format(day, "j F Y")


def _whole_euro(value) -> str:
    return f"€ {_number(round(float(value)))}"


def _money_section(months: int, now) -> Section:
    revenue = moves = billing_selectors.subscriptions_per_month(months=months, now=now)
    since = start_of(revenue[0].month)
    reasons = billing_selectors.cancel_reasons_since(since=since)
    funnel = billing_selectors.dunning_funnel(since=since)
    labels = [_month(row.month) for row in revenue]
    last = revenue[-1]
    figures = [
        Figure(
            key="mrr",
            title=_("Maandelijks terugkerende omzet en actieve abonnementen"),
            caption=_(
                "Aan het eind van elke maand (deze maand: nu), excl. btw; een jaarabonnement telt voor een "
                "twaalfde. Nu: %(mrr)s per maand; actieve abonnementen: %(active)s."
            )
            % {"mrr": euro(last.mrr), "active": _number(last.active)},
            charts=[
                svg_charts.bar_chart(
                    labels=labels,
                    series=[svg_charts.Series(_("Omzet per maand"), [row.mrr for row in revenue], "series-1")],
                    value_label=_whole_euro,
                ),
                svg_charts.line_chart(
                    labels=labels,
                    series=[svg_charts.Series(_("Actieve abonnementen"), [row.active for row in revenue], "series-2")],
                    value_label=lambda value: _number(round(float(value))),
                ),
            ],
            legend=[("series-1", _("Omzet per maand (excl. btw)")), ("series-2", _("Actieve abonnementen"))],
            columns=[_("Maand"), _("Omzet per maand (excl. btw)"), _("Actieve abonnementen")],
            rows=[[_month_long(row.month), euro(row.mrr), _number(row.active)] for row in revenue],
        ),
        Figure(
            key="moves",
            title=_("Nieuwe en beëindigde abonnementen per maand"),
            caption=_("Nieuw: eerste betaling ontvangen. Beëindigd: afgelopen na opzegging, wanbetaling of door ons."),
            charts=[
                svg_charts.bar_chart(
                    labels=labels,
                    series=[
                        svg_charts.Series(_("Nieuw"), [row.new for row in moves], "series-1"),
                        svg_charts.Series(_("Beëindigd"), [row.churned for row in moves], "series-3"),
                    ],
                    value_label=lambda value: _number(round(float(value))),
                )
            ],
            legend=[("series-1", _("Nieuw")), ("series-3", _("Beëindigd"))],
            columns=[_("Maand"), _("Nieuw"), _("Beëindigd")],
            rows=[[_month_long(row.month), _number(row.new), _number(row.churned)] for row in moves],
            footer=[
                _("Totaal"),
                _number(sum(row.new for row in moves)),
                _number(sum(row.churned for row in moves)),
            ],
        ),
        Figure(
            key="reasons",
            title=_("Redenen van opzegging"),
            caption=_(
                "Opzeggingen in de periode naar de reden die de klant gaf (een ingetrokken opzegging telt niet)."
            ),
            charts=[
                svg_charts.horizontal_bars(
                    rows=reasons, value_label=lambda value: _number(round(float(value))), css="series-3"
                )
            ],
            legend=[],
            columns=[_("Reden"), _("Opzeggingen")],
            rows=[[label, _number(count)] for label, count in reasons],
            footer=[_("Totaal"), _number(sum(count for _label, count in reasons))],
        ),
    ]
    steps = [
        (_("Betaling mislukt"), funnel.failed),
        (_("Alsnog betaald of afgehandeld"), funnel.recovered),
        (_("Beëindigd wegens niet betalen"), funnel.ended),
    ]
    figures.append(
        Figure(
            key="dunning",
            title=_("Betalingsachterstanden"),
            caption=_(
                "In de periode: automatische betalingen die mislukten (of werden gestorneerd), hoeveel daarvan "
                "alsnog zijn betaald of door ons afgehandeld, en hoeveel abonnementen daarom zijn beëindigd. "
                "Nu nog achterstallig: %(open)s."
            )
            % {"open": _number(funnel.open_now)},
            charts=[svg_charts.horizontal_bars(rows=steps, value_label=lambda value: _number(round(float(value))))],
            legend=[],
            columns=[_("Stap"), _("Aantal")],
            rows=[[label, _number(count)] for label, count in [*steps, (_("Nu nog achterstallig"), funnel.open_now)]],
        )
    )
    return Section("money", _("Omzet en abonnementen"), figures)


def _privacy_section(months: int, now, parts: dict[str, bool]) -> Section:
    first = month_starts(count=months, today=timezone.localdate(now))
    figures = []
    if parts["cookies"]:
        weeks = cookie_selectors.decisions_per_week(since=first[0], now=now)
        accepted, refused = sum(w.accepted for w in weeks), sum(w.refused for w in weeks)
        share = 100 * refused / (accepted + refused) if accepted + refused else 0
        figures.append(
            Figure(
                key="cookies",
                title=_("Cookiekeuzes per week"),
                caption=_(
                    "Geaccepteerd: ten minste één optionele groep (analytische cookies). Geweigerd: alleen "
                    "noodzakelijke cookies. In de periode weigerde %(share)s%% van de bezoekers."
                )
                % {"share": _number(share, 1)},
                charts=[
                    svg_charts.bar_chart(
                        labels=[_day(w.week) for w in weeks],
                        series=[
                            svg_charts.Series(_("Geaccepteerd"), [w.accepted for w in weeks], "series-1"),
                            svg_charts.Series(_("Geweigerd"), [w.refused for w in weeks], "series-3"),
                        ],
                        value_label=lambda value: _number(round(float(value))),
                        stacked=True,
                    )
                ],
                legend=[("series-1", _("Geaccepteerd")), ("series-3", _("Geweigerd"))],
                columns=[_("Week van"), _("Geaccepteerd"), _("Geweigerd")],
                rows=[[_day_long(w.week), _number(w.accepted), _number(w.refused)] for w in weeks],
                footer=[_("Totaal"), _number(accepted), _number(refused)],
            )
        )
    if parts["objections"]:
        found = marketing_selectors.objections(months=first)
        figures.append(
            Figure(
                key="objections",
                title=_("Bezwaren tegen reclame per e-mail"),
                caption=_(
                    "Klanten die nu bezwaar hebben, naar de maand van hun bezwaar. Klanten met bezwaar in totaal: %(n)s."
                )
                % {"n": _number(found.standing)},
                charts=[
                    svg_charts.bar_chart(
                        labels=[_month(month) for month, _n in found.per_month],
                        series=[svg_charts.Series(_("Bezwaren"), [n for _month, n in found.per_month], "series-2")],
                        value_label=lambda value: _number(round(float(value))),
                    )
                ],
                legend=[("series-2", _("Bezwaren"))],
                columns=[_("Maand"), _("Bezwaren")],
                rows=[[_month_long(month), _number(n)] for month, n in found.per_month],
                footer=[_("Totaal, ook van vóór de periode"), _number(found.standing)],
            )
        )
    if parts["erasures"]:
        due = retention_selectors.due_next(horizon=timedelta(days=30))
        figures.append(
            Figure(
                key="erasures",
                title=_("Te wissen in de komende 30 dagen"),
                caption=_(
                    "Per soort gegevens uit het register: wat de dagelijkse bewaartermijnentaak binnen 30 dagen "
                    "verwijdert of anonimiseert (klanten met een bewaarplicht niet meegeteld). Nu al verlopen "
                    "gaat vannacht."
                ),
                charts=[
                    svg_charts.horizontal_bars(
                        rows=[(row.verbose_name, row.due_now + row.due_soon) for row in due],
                        value_label=lambda value: _number(round(float(value))),
                        css="series-2",
                    )
                ],
                legend=[],
                columns=[_("Soort gegevens"), _("Wat er gebeurt"), _("Nu verlopen"), _("Binnen 30 dagen")],
                rows=[[row.verbose_name, row.end_action, _number(row.due_now), _number(row.due_soon)] for row in due],
                footer=[
                    _("Totaal"),
                    "",
                    _number(sum(row.due_now for row in due)),
                    _number(sum(row.due_soon for row in due)),
                ],
            )
        )
    return Section("privacy", _("Privacy"), figures)


def _runs_section(now) -> Section:
    runs = sync_selectors.runs_per_day(days=RUN_DAYS, now=now)
    total, failing = sum(r.runs for r in runs), sum(r.failing for r in runs)
    labels = [_day(r.day) for r in runs]
    figure = Figure(
        key="runs",
        title=_("Synchronisaties per dag"),
        caption=_(
            "De laatste %(days)s dagen, van alle klanten: runs, en het deel dat met fouten eindigde, mislukte of "
            "werd afgebroken. In totaal %(failing)s van %(total)s (%(rate)s%%)."
        )
        % {
            "days": RUN_DAYS,
            "failing": _number(failing),
            "total": _number(total),
            "rate": _number(100 * failing / total if total else 0, 1),
        },
        charts=[
            svg_charts.bar_chart(
                labels=labels,
                series=[
                    svg_charts.Series(_("Zonder fouten"), [r.runs - r.failing for r in runs], "series-1"),
                    svg_charts.Series(_("Met fouten"), [r.failing for r in runs], "series-3"),
                ],
                value_label=lambda value: _number(round(float(value))),
                stacked=True,
            ),
            svg_charts.line_chart(
                labels=labels,
                series=[svg_charts.Series(_("Foutpercentage"), [r.error_rate for r in runs], "series-3")],
                value_label=lambda value: f"{_number(round(float(value)))}%",
            ),
        ],
        legend=[
            ("series-1", _("Runs zonder fouten")),
            ("series-3", _("Runs met fouten (en in de lijn: het foutpercentage)")),
        ],
        columns=[_("Dag"), _("Runs"), _("Met fouten"), _("Foutpercentage"), _("Orders verwerkt"), _("Orders mislukt")],
        rows=[
            [
                _day_long(r.day),
                _number(r.runs),
                _number(r.failing),
                f"{_number(r.error_rate, 1)}%",
                _number(r.synced),
                _number(r.failed),
            ]
            for r in runs
        ],
        footer=[_("Totaal"), _number(total), _number(failing), "", "", ""],
    )
    return Section("runs", _("Koppeling"), [figure])


@require_GET
def staff_overview(request: HttpRequest) -> HttpResponse:
    parts = may_see(request.user)
    if not any(parts.values()):
        raise PermissionDenied
    form = PeriodForm(request.GET or {})
    months = form.cleaned_data["periode"] if form.is_valid() else DEFAULT_PERIOD
    now = timezone.now()
    sections = []
    if parts["money"]:
        sections.append(_money_section(months, now))
    if parts["cookies"] or parts["objections"] or parts["erasures"]:
        sections.append(_privacy_section(months, now, parts))
    sections.append(_runs_section(now))
    context = {
        **admin.site.each_context(request),
        "title": _("Overzicht"),
        "form": form,
        "months": months,
        "periods": PERIODS,
        "sections": sections,
    }
    status = HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK
    return TemplateResponse(request, "admin/portal/overview.html", context, status=status)
