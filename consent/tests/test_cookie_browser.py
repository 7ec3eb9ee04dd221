"""The cookie banner in a real browser: asked on the first visit (Dutch and English), nothing
sent to a third party and no analytics cookie before acceptance, Google's tag loaded after
"Accepteren" and gone after withdrawal, "Accepteren" and "Weigeren" equally prominent, the
footer link reopening the choice, and all of it without JavaScript too.

The machine has no internet: requests to www.googletagmanager.com are answered by a fake
gtag script (page.route) that sets _ga cookies like the real one, so a test can see when
the request is made and what it leaves behind."""

from __future__ import annotations

import copy

import pytest
from playwright.sync_api import expect

from consent.models import CookieConsentRecord
from consent.tests.cookie_fixtures import cookie_groups  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("cookie_groups")]

GOOGLE = "https://www.googletagmanager.com/"
FAKE_GTAG = """
document.cookie = "_ga=GA1.1.1111.2222; path=/; max-age=63072000";
document.cookie = "_ga_TEST123=GS1.1.3333; path=/; max-age=63072000";
window.fakeGtagLoads = (window.fakeGtagLoads || 0) + 1;
"""


@pytest.fixture(autouse=True)
def _analytics_configured(settings):
    """GA configured, with the CSP a process started with GA_MEASUREMENT_ID has (it names
    Google's hosts only then)."""
    settings.GA_MEASUREMENT_ID = "G-TEST123"
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    for directive in ("script-src", "img-src", "connect-src"):
        policy["DIRECTIVES"][directive] = [*policy["DIRECTIVES"][directive], *settings.GOOGLE_ANALYTICS_HOSTS]
    settings.CONTENT_SECURITY_POLICY = policy


def _fake_google(page) -> list[str]:
    """Answer Google's tag locally; returns the list of tag URLs requested (grows)."""
    requested: list[str] = []

    def fulfil(route) -> None:
        requested.append(route.request.url)
        route.fulfill(status=200, content_type="text/javascript", body=FAKE_GTAG)

    page.route(f"{GOOGLE}**", fulfil)
    return requested


def _analytics_cookies(page) -> list[str]:
    return sorted(c["name"] for c in page.context.cookies() if c["name"] == "_ga" or c["name"].startswith("_ga_"))


def _banner(page):
    return page.get_by_role("region", name="Cookies op dit portaal")


@pytest.mark.parametrize(
    ("locale", "title", "accept", "reject"),
    [
        ("nl-NL", "Cookies op dit portaal", "Accepteren", "Weigeren"),
        ("en-GB", "Cookies on this portal", "Accept", "Reject"),
    ],
)
def test_the_banner_asks_on_the_first_visit_without_contacting_anyone(
    new_page, browser_log, locale, title, accept, reject
):
    page = new_page(locale=locale)
    page.goto("/privacy/")
    banner = page.get_by_role("region", name=title)
    expect(banner).to_be_visible()
    expect(banner.get_by_role("button", name=accept, exact=True)).to_be_visible()
    expect(banner.get_by_role("button", name=reject, exact=True)).to_be_visible()
    assert banner.get_by_role("link").count() == 2  # a settings link per group
    page.goto("/accounts/login/")
    expect(page.get_by_role("region", name=title)).to_be_visible()
    assert browser_log.third_party_requests == []
    assert _analytics_cookies(page) == []
    names = {c["name"] for c in page.context.cookies()}
    assert names <= {"csrftoken", "sessionid", "django_language"}, names
    assert CookieConsentRecord.objects.count() == 0


@pytest.mark.browser_allow_third_party
def test_google_analytics_loads_only_after_acceptance_with_consent_mode_denied_first(page, browser_log):
    requested = _fake_google(page)
    page.goto("/")
    page.goto("/privacy/")
    assert requested == [] and browser_log.third_party_requests == []
    assert _analytics_cookies(page) == []
    defaults = page.evaluate("() => window.dataLayer.map((entry) => Array.from(entry))")
    assert defaults == [
        [
            "consent",
            "default",
            {
                "ad_storage": "denied",
                "ad_user_data": "denied",
                "ad_personalization": "denied",
                "analytics_storage": "denied",
            },
        ]
    ]

    with page.expect_request(lambda r: r.url.startswith(GOOGLE)):
        _banner(page).get_by_role("button", name="Accepteren").click()
    page.wait_for_function("() => window.fakeGtagLoads === 1")
    assert requested == [f"{GOOGLE}gtag/js?id=G-TEST123"]
    expect(page.get_by_role("status").filter(has_text="Uw cookiekeuze is opgeslagen")).to_be_visible()
    layer = page.evaluate("() => window.dataLayer.map((entry) => Array.from(entry).slice(0, 2))")
    assert layer[0] == ["consent", "default"] and layer[1] == ["consent", "update"]
    assert page.evaluate("() => Array.from(window.dataLayer[1])[2]") == {"analytics_storage": "granted"}
    assert _analytics_cookies(page) == ["_ga", "_ga_TEST123"]
    record = CookieConsentRecord.objects.get()
    assert record.accepted == ["analytics"]

    page.goto("/accounts/login/")  # the next page loads the tag by itself
    page.wait_for_function("() => window.fakeGtagLoads === 1")
    assert not _banner(page).count()
    assert len(requested) == 2
    assert all(url.startswith(GOOGLE) for url in browser_log.third_party_requests)


@pytest.mark.browser_allow_third_party
def test_the_footer_link_reopens_the_choice_and_withdrawal_removes_the_tag_and_its_cookies(page, browser_log):
    requested = _fake_google(page)
    page.goto("/")
    with page.expect_request(lambda r: r.url.startswith(GOOGLE)):
        _banner(page).get_by_role("button", name="Accepteren").click()
    page.wait_for_function("() => window.fakeGtagLoads === 1")
    assert _analytics_cookies(page) == ["_ga", "_ga_TEST123"]
    first = CookieConsentRecord.objects.get()

    page.get_by_role("contentinfo").get_by_role("link", name="Cookie-instellingen").click()
    expect(page.get_by_role("heading", level=1, name="Cookie-instellingen")).to_be_visible()
    expect(page.get_by_text(first.consent_id)).to_be_visible()
    assert page.get_by_label("Toestaan", exact=True).is_checked()
    # still accepted on this page, so it loads the tag too: count once that request is done
    page.wait_for_load_state("networkidle")
    loads_before = len(requested)

    page.get_by_label("Niet toestaan").check()
    page.get_by_role("button", name="Keuze opslaan").click()
    expect(page.get_by_text("Nu: geweigerd.")).to_be_visible()
    assert _analytics_cookies(page) == []
    page.goto("/")
    page.goto("/privacy/")
    assert len(requested) == loads_before  # never loaded again
    assert page.evaluate("() => window.fakeGtagLoads") is None
    assert _analytics_cookies(page) == []
    assert not _banner(page).count()
    latest = CookieConsentRecord.objects.latest("decided_at")
    assert latest.refused == ["analytics"] and latest.consent_id != first.consent_id


@pytest.mark.browser_allow_third_party
def test_analytics_js_removes_ga_cookies_left_behind_when_analytics_is_not_accepted(page, live_server):
    _fake_google(page)
    page.context.add_cookies(
        [
            {"name": "_ga", "value": "GA1.1.1.2", "url": live_server.url},
            {"name": "_ga_OLD", "value": "x", "url": live_server.url},
        ]
    )
    page.goto("/")
    page.wait_for_function("() => !document.cookie.includes('_ga')")
    assert _analytics_cookies(page) == []


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 375, "height": 812}])
def test_accept_and_reject_are_equally_prominent(new_page, viewport):
    page = new_page(viewport=viewport)
    for path in ("/", "/cookies/"):
        page.goto(path)
        scope = _banner(page) if path == "/" else page.get_by_role("main")
        accept = scope.get_by_role("button", name="Accepteren", exact=True)
        reject = scope.get_by_role("button", name="Weigeren", exact=True)
        a, r = accept.bounding_box(), reject.bounding_box()
        assert abs(a["width"] - r["width"]) < 0.5 and abs(a["height"] - r["height"]) < 0.5, (path, a, r)
        assert abs(a["y"] - r["y"]) < 0.5, "side by side, on one line"
        assert a["width"] >= 100 and a["height"] >= 40
        assert 0 <= a["x"] and r["x"] + r["width"] <= viewport["width"]
        properties = [
            "background-color",
            "color",
            "font-size",
            "font-weight",
            "font-family",
            "border-top-width",
            "border-top-color",
            "border-radius",
            "padding-top",
            "padding-left",
            "text-decoration-line",
            "opacity",
        ]
        script = "(el, props) => props.map((p) => getComputedStyle(el).getPropertyValue(p))"
        assert accept.evaluate(script, properties) == reject.evaluate(script, properties), path
        assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_the_choice_works_without_javascript(new_page):
    page = new_page(java_script_enabled=False)
    page.goto("/privacy/")
    _banner(page).get_by_role("button", name="Weigeren").click()
    page.wait_for_load_state()
    assert page.url.endswith("/privacy/")
    assert not _banner(page).count()
    expect(page.get_by_text("Uw cookiekeuze is opgeslagen")).to_be_visible()
    record = CookieConsentRecord.objects.get()
    assert record.refused == ["analytics"]
    page.get_by_role("contentinfo").get_by_role("link", name="Cookie-instellingen").click()
    expect(page.get_by_text(record.consent_id)).to_be_visible()
    page.get_by_role("main").get_by_role("button", name="Accepteren").click()
    expect(page.get_by_text("Nu: toegestaan.")).to_be_visible()
    assert CookieConsentRecord.objects.latest("decided_at").accepted == ["analytics"]
