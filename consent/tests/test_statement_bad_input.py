"""Hostile text in a draft is shown as text, never as markup; what a form refuses changes
nothing."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from consent.models import StatementVersion
from consent.tests.statement_helpers import make_draft, seed, staff, staff_client  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_markup_in_a_section_is_shown_as_text(staff_client, seed):  # noqa: F811
    draft = make_draft(
        effective_date=timezone.localdate() + timedelta(days=3),
        intro_nl='<script>alert("x")</script> Ünïcødé ✓ ' + "lang " * 2000,
    )
    page = staff_client.get(f"/privacy/{draft.number}/").content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Ünïcødé ✓" in page


def _form(**overrides) -> dict[str, str]:
    data = {
        "effective_date": (timezone.localdate() + timedelta(days=3)).isoformat(),
        "summary_nl": "",
        "summary_en": "",
        **{f"{stem}_{lang}": f"{stem} {lang}" for stem, _heading in StatementVersion.SECTIONS for lang in ("nl", "en")},
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"intro_nl": "Nul\x00teken"}, "Null-tekens zijn niet toegestaan."),
        ({"effective_date": "31-02-2026<script>"}, "Voer een geldige datum in."),
        ({"security_en": ""}, "Dit veld is verplicht."),
    ],
)
def test_the_admin_refuses_a_bad_draft_and_saves_nothing(staff_client, seed, overrides, message):  # noqa: F811
    response = staff_client.post("/admin/consent/statementversion/add/", _form(**overrides))
    assert response.status_code == HTTPStatus.OK  # the form again, with the error
    assert StatementVersion.objects.filter(status=StatementVersion.Status.DRAFT).count() == 0
    page = response.content.decode()
    assert message in page
