"""In a real browser 375 CSS pixels wide: every table of the portal shows all its data as
one card per row, each value under its column's name, with nothing scrolling sideways (not
the page, not the table's own box) and no column cut off."""

from __future__ import annotations

import pytest

from accounts.models import Profile
from audit.events import Action
from audit.services import record
from portal.testing.browser import has_horizontal_scroll, log_in

pytestmark = pytest.mark.browser

# Per table: no box scrolls sideways, every cell lies inside the viewport, and every cell of
# a named column has that name shown above it (the ::before of data-label). (allauth's
# sessions table has one unnamed column, the "Huidige" badge, which names itself.)
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const tables = Array.from(document.querySelectorAll("main table"));
  return tables.map(table => {
    const box = table.closest(".table-scroll") || table;
    const cells = Array.from(table.querySelectorAll("tbody td, tbody th"));
    const named = table.querySelectorAll("thead th").length;
    const inNamedColumn = c => Array.prototype.indexOf.call(c.parentElement.children, c) < named;
    return {
      boxScrolls: box.scrollWidth > box.clientWidth + 1,
      cells: cells.length,
      outside: cells.filter(c => { const r = c.getBoundingClientRect(); return r.width === 0 || r.left < 0 || r.right > width + 1; }).length,
      unlabelled: cells.filter(c => inNamedColumn(c) && getComputedStyle(c, "::before").content === "none").length,
      text: table.innerText,
    };
  });
}"""


def tables_on(page, path: str) -> list[dict]:
    page.goto(path)
    page.wait_for_load_state()
    assert not has_horizontal_scroll(page), path
    return page.evaluate(MEASURE)


def test_every_table_reads_as_cards_on_a_phone(phone_page, make_user, password):
    user = make_user("jansen", email="jansen@example.com")
    profile = Profile.objects.create(user=user, full_name="Jan Jansen", kvk_number="12345678")
    long_value = "Een-heel-lange-straatnaam-zonder-spaties-die-niet-past-" * 2
    record(
        Action.PROFILE_CHANGED,
        actor=user,
        subject=user,
        target=profile,
        changes={"street": ["Stationsplein 1", long_value], "kvk_number": ["", "12345678"]},
    )
    log_in(phone_page, "jansen", password)

    for path, expected in (
        ("/portal/activiteit/", ["Profiel gewijzigd", "KvK-nummer", long_value[:30]]),
        ("/portal/mijn-gegevens/", ["Grondslag", "Bewaartermijn"]),
        ("/accounts/sessions/", []),
    ):
        tables = tables_on(phone_page, path)
        assert tables, path
        for table in tables:
            assert table["cells"] > 0, path
            assert not table["boxScrolls"], f"{path}: the table scrolls sideways"
            assert table["outside"] == 0, f"{path}: {table['outside']} cells cut off"
            assert table["unlabelled"] == 0, f"{path}: {table['unlabelled']} cells without their column's name"
        text = " ".join(t["text"] for t in tables)
        for value in expected:
            assert value in text, (path, value)
