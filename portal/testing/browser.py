"""Real-browser fixtures: Playwright (sync API) driving Debian's Chromium against the live server.

How to use (see also docs/testing.md)::

    import pytest

    pytestmark = pytest.mark.browser

    def test_home(page, live_server, browser_log):
        page.goto("/")                      # relative to live_server.url
        page.get_by_role("link", name="Inloggen").click()
        ...
        browser_log.assert_clean()          # optional: teardown checks it anyway

Fixtures
  ``browser``        headless Chromium (/usr/bin/chromium, never downloaded; a missing binary
                     FAILS the test). Override the path with CHROMIUM_PATH. Started on first
                     use, shared by consecutive browser tests, closed before other tests.
  ``page``           a fresh browser context + page per test: base_url = live server, locale
                     nl-NL (Accept-Language), 1280x800. Using it pulls in ``live_server`` and
                     so ``transactional_db``: data you create in the test is seen by the server.
  ``phone_page``     the same at 375x812 CSS pixels as a phone (is_mobile, touch).
  ``new_page``       factory for more pages/contexts in one test (e.g. two people, other
                     locale): ``new_page(locale="en-GB", viewport={"width": 375, "height": 700})``.
  ``browser_log``    what the page(s) of this test did: ``third_party_requests`` (URLs to any
                     host other than the live server; they are aborted, never sent),
                     ``csp_violations``, ``console_errors``, ``page_errors``.
                     At teardown the test errors if there was a CSP violation, an uncaught page
                     error or a third-party request, unless the test is marked
                     ``@pytest.mark.browser_allow_third_party`` / ``browser_allow_errors``.
  ``latest_mail(to=..., subject_contains=..., timeout=5)``  the newest message in
                     django.core.mail.outbox (the live server thread sends into the same
                     process outbox), waiting for it briefly because allauth sends on commit.
  ``mail_links(message, contains="")``  the http(s) URLs in a mail's text body.
  ``log_in(page, login, password)``    fill the allauth login form and submit it.
  ``has_horizontal_scroll(page)``       True when the document is wider than the viewport.

The Playwright sync API keeps an asyncio loop running in the test thread, so Django would
refuse ORM calls from the test body; DJANGO_ALLOW_ASYNC_UNSAFE is set for as long as the
browser lives (the ORM is used synchronously from one thread anyway). The browser (and so
that loop) is closed before any test that does not use it.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
    "--mute-audio",
]
DESKTOP_VIEWPORT = {"width": 1280, "height": 800}
PHONE_VIEWPORT = {"width": 375, "height": 812}
DEFAULT_TIMEOUT_MS = 10_000
ARTIFACT_DIR = Path(__file__).resolve().parent.parent.parent / "var" / "test-artifacts"
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "browser_allow_third_party: the test may make requests to other hosts")
    config.addinivalue_line("markers", "browser_allow_errors: CSP violations and page errors do not fail the test")


def pytest_collection_modifyitems(config, items) -> None:
    # A test that drives the browser is a browser test, marked or not (so -m "not browser" works).
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()) and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
        # A browser test talks to the live server, which needs committed rows: its database
        # is transactional from the first fixture on, also when the page is asked for late
        # (``request.getfixturevalue``) after a fixture that only asked for ``db``.
        if item.get_closest_marker("browser") is not None and item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Remember each phase's result on the item so the page fixture can screenshot failures.
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"_browser_rep_{report.when}", report)


@dataclass
class BrowserLog:
    """What the browser saw during one test (all contexts made by the page fixtures)."""

    origin_port: int
    requests: list[str] = field(default_factory=list)
    third_party_requests: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def is_first_party(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https", "ws", "wss"}:
            return True  # data:, blob:, about: never leave the machine
        return parts.hostname in _LOCAL_HOSTS and parts.port == self.origin_port

    def on_request(self, request) -> None:
        self.requests.append(request.url)
        if not self.is_first_party(request.url):
            self.third_party_requests.append(request.url)

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.csp_violations.append(text)
        else:
            self.console_errors.append(text)

    def on_page_error(self, error) -> None:
        self.page_errors.append(str(error))

    def problems(self, *, allow_third_party: bool = False, allow_errors: bool = False) -> list[str]:
        found: list[str] = []
        if not allow_third_party and self.third_party_requests:
            found.append(f"requests to third-party hosts: {self.third_party_requests}")
        if not allow_errors:
            if self.csp_violations:
                found.append(f"CSP violations in the console: {self.csp_violations}")
            if self.page_errors:
                found.append(f"uncaught errors in the page: {self.page_errors}")
        return found

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "; ".join(problems)


def _chromium_executable() -> str:
    if not (os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK)):
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM_PATH}: the browser tests drive Debian's Chromium "
            "(apt-get install chromium; .ci/run does this). No browser is downloaded.",
            pytrace=False,
        )
    return CHROMIUM_PATH


class _Chromium:
    """Starts Playwright and Chromium on first use and keeps them for the next browser
    tests. Playwright's sync API keeps an asyncio loop running in the test thread, which
    would break ``asyncio.run`` and Django's async-safety check in other tests, so the
    browser is closed again before a test that does not use it (and at the end)."""

    def __init__(self) -> None:
        self.playwright = None
        self.browser = None
        self.previous_async_unsafe: str | None = None

    def get(self):
        if self.browser is None:
            executable = _chromium_executable()
            from playwright.sync_api import sync_playwright

            self.previous_async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
            # The ORM is used from this one thread only; the running loop is Playwright's.
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            self.playwright = sync_playwright().start()
            try:
                self.browser = self.playwright.chromium.launch(
                    executable_path=executable, headless=True, args=CHROMIUM_ARGS
                )
            except Exception:
                self.close()
                raise
        return self.browser

    def close(self) -> None:
        if self.browser is not None:
            self.browser.close()
            self.browser = None
        if self.playwright is not None:
            self.playwright.stop()
            self.playwright = None
            if self.previous_async_unsafe is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self.previous_async_unsafe


_CHROMIUM = _Chromium()


def pytest_runtest_setup(item) -> None:
    if "browser" not in getattr(item, "fixturenames", ()):
        _CHROMIUM.close()


def pytest_sessionfinish(session, exitstatus) -> None:
    _CHROMIUM.close()


@pytest.fixture
def browser():
    """Headless Debian Chromium (started on first use, shared by consecutive browser tests)."""
    return _CHROMIUM.get()


@pytest.fixture
def browser_log(live_server) -> BrowserLog:
    return BrowserLog(origin_port=urlsplit(live_server.url).port)


@pytest.fixture
def new_page(browser, live_server, browser_log, request) -> Iterator[Callable[..., object]]:
    """Factory: ``new_page(**context_options)`` opens a page in a fresh context (own cookies)."""
    contexts = []
    pages = []

    def make(**options):
        settings = {"base_url": live_server.url, "locale": "nl-NL", "viewport": DESKTOP_VIEWPORT, **options}
        context = browser.new_context(**settings)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.on("request", browser_log.on_request)
        # Nothing leaves the machine: requests to other hosts are recorded above and aborted here.
        context.route(lambda url: not browser_log.is_first_party(url), lambda route: route.abort())
        contexts.append(context)
        page = context.new_page()
        page.on("console", browser_log.on_console)
        page.on("pageerror", browser_log.on_page_error)
        pages.append(page)
        return page

    yield make

    failed = any(
        getattr(getattr(request.node, f"_browser_rep_{when}", None), "failed", False) for when in ("setup", "call")
    )
    if failed:
        ARTIFACT_DIR.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        for index, page in enumerate(pages):
            try:
                page.screenshot(path=str(ARTIFACT_DIR / f"{safe}-{index}.png"), full_page=True)
            except Exception:  # noqa: BLE001, S110 (a screenshot is a courtesy, never a second failure)
                pass
    for context in contexts:
        context.close()
    problems = browser_log.problems(
        allow_third_party=request.node.get_closest_marker("browser_allow_third_party") is not None,
        allow_errors=request.node.get_closest_marker("browser_allow_errors") is not None,
    )
    if problems and not failed:
        pytest.fail("; ".join(problems), pytrace=False)


@pytest.fixture
def page(new_page):
    """A page in a fresh context at desktop size, Dutch browser, against the live server."""
    return new_page()


@pytest.fixture
def phone_page(new_page):
    """A page as on a phone 375 CSS pixels wide."""
    return new_page(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True, device_scale_factor=2)


def _find_mail(to: str | None, subject_contains: str | None, after: int):
    from django.core import mail

    for message in reversed(getattr(mail, "outbox", [])[after:]):
        if to is not None and to not in message.to:
            continue
        if subject_contains is not None and subject_contains not in message.subject:
            continue
        return message
    return None


@pytest.fixture
def latest_mail(mailoutbox):
    """``latest_mail(to=None, subject_contains=None, timeout=5.0, after=0)``: the newest matching
    mail in the outbox (``after``: ignore the first N messages), waiting up to ``timeout``
    seconds; fails the test when none arrives."""

    def get(*, to: str | None = None, subject_contains: str | None = None, timeout: float = 5.0, after: int = 0):
        deadline = time.monotonic() + timeout
        while True:
            message = _find_mail(to, subject_contains, after)
            if message is not None:
                return message
            if time.monotonic() > deadline:
                from django.core import mail

                seen = [(m.to, m.subject) for m in getattr(mail, "outbox", [])]
                pytest.fail(f"No mail to={to!r} subject~{subject_contains!r} within {timeout}s; outbox: {seen}")
            time.sleep(0.05)

    return get


def mail_links(message, contains: str = "") -> list[str]:
    """The http(s) URLs in the plain-text body of a mail, optionally only those containing ``contains``."""
    urls = re.findall(r"https?://[^\s<>\"')]+", message.body)
    return [url for url in urls if contains in url]


def log_in(page, login: str, password: str) -> None:
    """Log in through allauth's form (by username or e-mail), in Dutch."""
    page.goto("/accounts/login/")
    main = page.get_by_role("main")
    main.get_by_label("Gebruikersnaam of e-mailadres").fill(login)
    main.get_by_label("Wachtwoord", exact=False).fill(password)
    main.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_load_state()


def totp_code(secret: str) -> str:
    """The current code of an authenticator app, computed with allauth's own HOTP helper.
    Waits for a fresh period when the current one is about to run out."""
    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = mfa_settings.TOTP_PERIOD
    if period - (time.time() % period) < 3:
        time.sleep(period - (time.time() % period) + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def staff_member(make_user, username: str, role: str | None):
    """A staff member of ``role`` (a group of accounts.roles; None: the admin role, a
    superuser) with an authenticator; returns (user, its TOTP secret)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Group

    member = make_user(username, staff=True)
    if role is None:
        member.is_superuser = True
        member.save(update_fields=["is_superuser"])
    else:
        member.groups.add(Group.objects.get(name=role))
    secret = generate_totp_secret()
    TOTP.activate(member, secret)
    return member, secret


def staff_log_in(page, username: str, password: str, secret: str) -> None:
    """Log in to the admin as staff do: the password, then the authenticator's code."""
    from playwright.sync_api import expect

    page.goto("/admin/")
    main = page.get_by_role("main")
    main.get_by_label("Gebruikersnaam of e-mailadres").fill(username)
    main.get_by_label("Wachtwoord").fill(password)
    main.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_load_state()
    main.get_by_label("Code").fill(totp_code(secret))
    main.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="Exact koppeling – beheer")).to_be_visible()


def has_horizontal_scroll(page) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth"))
