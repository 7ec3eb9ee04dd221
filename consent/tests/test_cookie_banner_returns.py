"""The banner asks on the first visit, stays away after a decision, and returns twelve
months after the decision and when the cookie part of the privacy statement changes; until
then analytics stays off."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from consent.models import CookieConsentRecord
from consent.statement import selectors as statement
from consent.statement import services as statement_services
from consent.tests.cookie_fixtures import choose, cookie_groups  # noqa: F401
from consent.tests.statement_helpers import make_draft, seed, staff  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cookie_groups")]

BANNER = "Cookies op dit portaal"
DECIDED = datetime(2027, 3, 10, 14, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture(autouse=True)
def _analytics_configured(settings):
    settings.GA_MEASUREMENT_ID = "G-TEST123"


def test_the_banner_asks_on_the_first_visit_of_any_page(client):
    for path in ("/", "/privacy/", "/accounts/login/", "/accounts/signup/"):
        page = client.get(path).content.decode()
        assert BANNER in page and ">Accepteren</button>" in page and ">Weigeren</button>" in page, path
        assert 'data-granted="false"' in page, path


def test_the_banner_stays_away_after_a_decision(client):
    choose(client, "reject")
    page = client.get("/privacy/").content.decode()
    assert BANNER not in page
    assert 'data-granted="false"' in page


def test_the_banner_returns_twelve_months_after_the_decision(client):
    with time_machine.travel(DECIDED, tick=False):
        choose(client, "accept")
    with time_machine.travel(DECIDED + timedelta(days=364), tick=False):
        page = client.get("/").content.decode()
        assert BANNER not in page and 'data-granted="true"' in page
    with time_machine.travel(datetime(2028, 3, 10, 14, 29, 59, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False):
        page = client.get("/").content.decode()
        assert BANNER not in page and 'data-granted="true"' in page
    with time_machine.travel(datetime(2028, 3, 10, 14, 30, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False):
        page = client.get("/").content.decode()
        assert BANNER in page and 'data-granted="false"' in page
        settings_page = client.get("/cookies/").content.decode()
        assert "geldt niet meer" in settings_page


def test_the_banner_returns_when_the_cookie_part_of_the_statement_changes(client, seed, staff):  # noqa: F811
    """Publishing a version that changes other sections asks nothing again; one that changes
    the cookie or Google Analytics section brings the banner back (real publishing)."""
    with time_machine.travel(DECIDED, tick=False):
        choose(client, "accept")
        page = client.get("/").content.decode()
        assert BANNER not in page and 'data-granted="true"' in page
        same_cookies = make_draft(
            effective_date=DECIDED.date(),
            marker="andere inleiding",
            **{
                f"{stem}_{lang}": getattr(seed, f"{stem}_{lang}")
                for stem in ("cookies", "analytics")
                for lang in ("nl", "en")
            },
        )
        statement_services.publish_version(version=same_cookies, by=staff)
        statement.forget_state()
        assert BANNER not in client.get("/").content.decode()
    with time_machine.travel(DECIDED + timedelta(days=1), tick=False):
        new_cookies = make_draft(effective_date=(DECIDED + timedelta(days=1)).date(), marker="nieuwe cookies")
        statement_services.publish_version(version=new_cookies, by=staff)
        statement.forget_state()
        page = client.get("/").content.decode()
        assert BANNER in page and 'data-granted="false"' in page
        choose(client, "accept")
        latest = CookieConsentRecord.objects.latest("decided_at")
        assert latest.cookie_revision == statement.cookie_revision()
        assert latest.statement_version.startswith(f"{new_cookies.number} ")
        assert BANNER not in client.get("/").content.decode()


def test_a_version_whose_cookie_text_changed_only_in_line_endings_does_not_ask_again(client, seed, staff):  # noqa: F811
    """The admin's text area saves "\r\n"; the same words with other line endings are the
    same text, so visitors who chose are not asked again."""
    with time_machine.travel(DECIDED, tick=False):
        choose(client, "accept")
        crlf = make_draft(
            effective_date=DECIDED.date(),
            marker="regeleinden",
            **{
                f"{stem}_{lang}": getattr(seed, f"{stem}_{lang}").replace("\r\n", "\n").replace("\n", "\r\n")
                for stem in ("cookies", "analytics")
                for lang in ("nl", "en")
            },
        )
        assert crlf.cookies_nl != seed.cookies_nl and "\r\n" in crlf.cookies_nl
        statement_services.publish_version(version=crlf, by=staff)
        statement.forget_state()
        page = client.get("/").content.decode()
        assert BANNER not in page and 'data-granted="true"' in page


def test_the_banner_returns_when_a_cookie_is_added_to_the_analytics_group(client):
    from cookie_consent.models import Cookie, CookieGroup

    choose(client, "accept")
    assert BANNER not in client.get("/").content.decode()
    with time_machine.travel(datetime.now(tz=ZoneInfo("UTC")) + timedelta(minutes=5)):
        Cookie.objects.create(cookiegroup=CookieGroup.objects.get(varname="analytics"), name="_gcl_au")
    assert BANNER in client.get("/").content.decode()


def test_without_a_measurement_id_there_is_no_analytics_code_at_all(client, settings):
    settings.GA_MEASUREMENT_ID = ""
    choose(client, "accept")
    page = client.get("/").content.decode()
    assert "analytics.js" not in page and "googletagmanager" not in page and "analytics-loader" not in page


def test_the_measurement_id_reaches_the_page_only_as_a_data_attribute(client):
    page = client.get("/").content.decode()
    assert 'data-measurement-id="G-TEST123"' in page
    assert "googletagmanager" not in page  # the loader script fetches it, only after consent


def test_the_cookie_table_names_the_cookie_as_the_browser_shows_it(client, settings):
    """Not the placeholder "_ga_<container-id>" the library's table stores."""
    page = client.get("/cookies/").content.decode()
    assert "_ga_TEST123" in page and "container-id" not in page
    settings.GA_MEASUREMENT_ID = ""
    page = client.get("/cookies/").content.decode()
    assert "_ga_…" in page and "container-id" not in page
