"""Accessibility (WCAG 2.1 AA) and phone use of the portal's pages, in a real Chromium.

Every important page is checked, as an anonymous visitor and as a logged-in customer, in
Dutch and in English, at desktop size and 375 CSS pixels wide:

- axe-core (shipped inside the ``axe-playwright-python`` package, injected into the page by
  Playwright, nothing fetched) with its WCAG 2.0/2.1 A and AA rules, plus its landmark
  rules (one main landmark, all content in landmarks, one h1): no violations;
- Chromium's own accessibility tree: every form control and button has a name, and every
  control the server marked invalid carries its error message in its description;
- at 375 px the page does not scroll sideways;
- the document language is the language the page speaks.

The keyboard tests tab through pages as a keyboard user does: the skip link comes first
and moves focus to the main content, and every link, button and field shows a focus
outline of at least 2 px with a contrast of at least 3:1 against what is behind it.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.urls import reverse

from portal.testing.browser import DESKTOP_VIEWPORT, PHONE_VIEWPORT, mail_links

pytestmark = pytest.mark.browser

PHONE_WIDTH = 375
SIZES = {
    "desktop": {"viewport": DESKTOP_VIEWPORT},
    "phone": {"viewport": PHONE_VIEWPORT, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
}
LOCALES = {"nl": "nl-NL", "en": "en-GB"}

# axe-core's WCAG 2.0 and 2.1 level A and AA rules...
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# ...and, from its best practices, the ones about landmarks and headings the brief asks for.
LANDMARK_RULES = [
    "landmark-one-main",
    "landmark-no-duplicate-main",
    "landmark-unique",
    "landmark-banner-is-top-level",
    "landmark-contentinfo-is-top-level",
    "landmark-main-is-top-level",
    "region",
    "page-has-heading-one",
    "heading-order",
    "empty-heading",
]
# Roles a person fills in or presses: each needs a name a screen reader can say.
CONTROL_ROLES = {
    "textbox",
    "searchbox",
    "combobox",
    "listbox",
    "checkbox",
    "radio",
    "spinbutton",
    "slider",
    "switch",
    "button",
}

AXE = Axe()
SCREENSHOT_DIR = os.environ.get("A11Y_SCREENSHOTS", "")


@dataclass
class Findings:
    """Problems found on all pages of one test, reported together at the end."""

    problems: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)

    def add(self, where: str, problems: list[str]) -> None:
        self.pages.append(where)
        self.problems.extend(f"{where}: {problem}" for problem in problems)

    def assert_none(self) -> None:
        assert not self.problems, f"{len(self.problems)} accessibility problem(s):\n" + "\n".join(self.problems)


def _axe_violations(page) -> list[str]:
    # One run over the WCAG tags and the best practices, keeping the chosen ones of the latter.
    options = {"runOnly": {"type": "tag", "values": [*WCAG_TAGS, "best-practice"]}, "resultTypes": ["violations"]}
    found: list[str] = []
    for violation in AXE.run(page, options=options).response["violations"]:
        if not set(violation["tags"]) & set(WCAG_TAGS) and violation["id"] not in LANDMARK_RULES:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            found.append(
                f"axe {violation['id']} ({violation['impact']}): {violation['help']} at `{target}` "
                f"{node['html'][:160]!r} [{summary}]"
            )
    return found


def _ax_value(node: dict, key: str) -> str:
    return str((node.get(key) or {}).get("value") or "").strip()


def _control_problems(page) -> list[str]:
    """From Chromium's accessibility tree: controls without a name, and controls the server
    marked invalid (aria-invalid="true") whose description does not carry an error message."""
    found: list[str] = []
    session = page.context.new_cdp_session(page)
    try:
        for node in session.send("Accessibility.getFullAXTree")["nodes"]:
            role = _ax_value(node, "role")
            if node.get("ignored") or role not in CONTROL_ROLES:
                continue
            if not _ax_value(node, "name"):
                found.append(f"a {role} without an accessible name (AX node {node['nodeId']})")
        document = session.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        invalid = session.send("DOM.querySelectorAll", {"nodeId": document, "selector": "[aria-invalid=true]"})
        for node_id in invalid["nodeIds"]:
            node = session.send("Accessibility.getPartialAXTree", {"nodeId": node_id, "fetchRelatives": False})[
                "nodes"
            ][0]
            if not _ax_value(node, "description"):
                name = _ax_value(node, "name")
                found.append(
                    f"the invalid {_ax_value(node, 'role')} {name!r} has no description: its error message is not tied to it"
                )
    finally:
        session.detach()
    return found


def _layout_problems(page, *, phone: bool, language: str) -> list[str]:
    found: list[str] = []
    html_lang = page.locator("html").get_attribute("lang") or ""
    if html_lang.split("-")[0] != language:
        found.append(f'<html lang="{html_lang}"> on a page served in {language}')
    if phone:
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE_WIDTH:
            wide = page.evaluate(
                """(limit) => Array.from(document.querySelectorAll('body *'))
                    .filter(e => e.getBoundingClientRect().right > limit + 0.5)
                    .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""",
                PHONE_WIDTH,
            )
            found.append(f"scrolls sideways at {PHONE_WIDTH} px: the document is {width} px wide (too wide: {wide})")
    return found


def check_page(page, findings: Findings, where: str, *, phone: bool, language: str) -> None:
    page.wait_for_load_state()
    problems = _axe_violations(page) + _control_problems(page) + _layout_problems(page, phone=phone, language=language)
    findings.add(f"{where} ({page.url.split('//', 1)[-1].split('/', 1)[-1] or '/'})", problems)
    if SCREENSHOT_DIR:
        # For a person's review of the layouts: A11Y_SCREENSHOTS=var/a11y pytest ...
        name = re.sub(r"[^a-z0-9]+", "-", f"{language}-{'phone' if phone else 'desktop'}-{where}".lower())
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"{name}.png"), full_page=True)


@pytest.fixture(params=[(language, size) for language in LOCALES for size in SIZES], ids=lambda p: f"{p[0]}-{p[1]}")
def visitor(request, new_page) -> Iterator[tuple[object, str, bool]]:
    """A page in the given language and size: (page, language, is_phone)."""
    language, size = request.param
    page = new_page(locale=LOCALES[language], **SIZES[size])
    yield page, language, size == "phone"


def _sign_in(page, user, live_server) -> None:
    """Give the browser the session of a logged-in user (the login form itself is checked
    in the anonymous test), so the same test works in either language."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def _totp_code(secret: str, period: int = 30) -> str:
    """The code an authenticator app shows now (allauth's own HOTP helper); waits for a
    fresh period when this one is about to end."""
    if period - (time.time() % period) < 3:
        time.sleep(period - (time.time() % period) + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def _submit(page, field: str | None = None, *, form: str | None = None) -> None:
    """Submit the form in main that holds the named field (or matches ``form``) with its first
    submit button, past the browser's own checks, so the server's error messages show."""
    if form is not None:
        target = page.locator(form)
    else:
        target = page.locator("main form", has=page.locator(f"[name={field}]"))
    target.evaluate("form => { form.noValidate = true; }")
    with page.expect_navigation():
        target.locator("[type=submit]").first.click()


def test_anonymous_pages_pass_axe_and_fit_a_phone(visitor, make_user, password, latest_mail):
    page, language, phone = visitor
    findings = Findings()

    def visit(where: str, url: str) -> None:
        page.goto(url)
        check_page(page, findings, where, phone=phone, language=language)

    visit("home", reverse("home"))
    from decimal import Decimal

    from subscriptions.models import Plan

    Plan.objects.create(name="Basis", description="Eén koppeling\nDagelijks", price=Decimal("29.00"))
    visit("pricing", reverse("subscriptions:pricing"))
    visit("billing e-mail link not valid", "/factuur-e-mailadres/ongeldig/")
    visit("login", reverse("account_login"))
    page.locator("main input[name=login]").fill("niemand")
    page.locator("main input[name=password]").fill("fout-wachtwoord")
    _submit(page, "login")
    check_page(page, findings, "login with an error", phone=phone, language=language)

    visit("signup", reverse("account_signup"))
    page.locator("main input[name=username]").fill("x")
    page.locator("main input[name=email]").fill("anna@example.com")
    page.locator("main input[name=password1]").fill("kort")
    page.locator("main input[name=password2]").fill("anders")
    _submit(page, "password2")
    check_page(page, findings, "signup with errors", phone=phone, language=language)
    page.locator("main input[name=username]").fill("anna")
    page.locator("main input[name=password1]").fill(password)
    page.locator("main input[name=password2]").fill(password)
    _submit(page, "password2")
    assert reverse("account_email_verification_sent") in page.url
    check_page(page, findings, "verify your e-mail address", phone=phone, language=language)
    page.goto(mail_links(latest_mail(to="anna@example.com"), "/accounts/confirm-email/")[0])
    check_page(page, findings, "confirm e-mail address", phone=phone, language=language)

    make_user("herstel", email="herstel@example.com")
    visit("password reset", reverse("account_reset_password"))
    page.locator("main input[name=email]").fill("herstel@example.com")
    _submit(page, "email")
    check_page(page, findings, "password reset sent", phone=phone, language=language)
    page.goto(mail_links(latest_mail(to="herstel@example.com"), "/accounts/password/reset/key/")[0])
    check_page(page, findings, "choose a new password", phone=phone, language=language)
    page.locator("main input[name=password1]").fill("kort")
    page.locator("main input[name=password2]").fill("anders")
    _submit(page, "password2")
    check_page(page, findings, "choose a new password with errors", phone=phone, language=language)

    visit("privacy statement", reverse("privacy"))
    visit("cookie settings", reverse("cookies:settings"))
    visit("account closed", reverse("account_closed"))
    visit("page not found", "/bestaat-niet/")

    # The lockout page (429) after five wrong passwords for one account.
    make_user("slot", email="slot@example.com")
    page.goto(reverse("account_login"))
    for attempt in range(5):
        page.locator("main input[name=login]").fill("slot")
        page.locator("main input[name=password]").fill(f"fout-{attempt}")
        with page.expect_response(lambda r: r.request.method == "POST") as response:
            page.locator("main form [type=submit]").last.click()
        page.wait_for_load_state()
    assert response.value.status == 429, "the fifth wrong password shows the lockout page"
    check_page(page, findings, "lockout (429)", phone=phone, language=language)

    findings.assert_none()


def test_customer_pages_pass_axe_and_fit_a_phone(visitor, live_server, customer, password):
    from subscriptions.models import Plan

    Plan.objects.create(name="Basis", description="Eén koppeling", price="29.00", interval=Plan.Interval.MONTH)
    page, language, phone = visitor
    _sign_in(page, customer, live_server)
    findings = Findings()

    def visit(where: str, url: str) -> None:
        page.goto(url)
        assert page.url.endswith(url), f"{where}: {url} sent the customer to {page.url}"
        check_page(page, findings, where, phone=phone, language=language)

    visit("dashboard", reverse("portal:dashboard"))
    visit("profile", reverse("accounts:profile"))
    page.locator("main input[name=full_name]").fill("Anna de Vries")
    _submit(page, "full_name")
    check_page(page, findings, "profile saved", phone=phone, language=language)
    page.locator("main input[name=postal_code]").fill("ABC")
    page.locator("main input[name=kvk_number]").fill("12")
    page.locator("main input[name=phone]").fill("bel me")
    page.locator("main input[name=billing_same_as_address]").uncheck()
    _submit(page, "full_name")
    assert page.locator("main [aria-invalid=true]").count() >= 4, "the profile form shows its errors"
    check_page(page, findings, "profile with errors", phone=phone, language=language)

    visit("close account", reverse("accounts:close"))
    page.locator("main input[name=password]").fill("niet-mijn-wachtwoord")
    _submit(page, "password")
    assert page.locator("main [aria-invalid=true]").count() >= 1, "the closure form shows its errors"
    check_page(page, findings, "close account with errors", phone=phone, language=language)

    visit("e-mail addresses", reverse("account_email"))
    visit("password change", reverse("account_change_password"))
    page.locator("main input[name=oldpassword]").fill("niet-mijn-wachtwoord")
    page.locator("main input[name=password1]").fill("kort")
    page.locator("main input[name=password2]").fill("anders")
    _submit(page, "password2")
    check_page(page, findings, "password change with errors", phone=phone, language=language)
    visit("two-factor authentication", reverse("mfa_index"))
    # Setting up an authenticator app asks for the password again first.
    page.goto(reverse("mfa_activate_totp"))
    assert reverse("account_reauthenticate") in page.url
    check_page(page, findings, "confirm password", phone=phone, language=language)
    page.locator("main input[name=password]").fill(password)
    _submit(page, "password")
    assert page.url.endswith(reverse("mfa_activate_totp"))
    check_page(page, findings, "authenticator app set-up", phone=phone, language=language)
    secret = page.locator("main #authenticator_secret").input_value()
    page.locator("main input[name=code]").fill("000000" if _totp_code(secret) != "000000" else "111111")
    _submit(page, "code")
    check_page(page, findings, "authenticator app set-up with a wrong code", phone=phone, language=language)
    page.locator("main input[name=code]").fill(_totp_code(secret))
    _submit(page, "code")
    assert Authenticator.objects.filter(user=customer, type=Authenticator.Type.TOTP).exists()
    visit("two-factor authentication, app active", reverse("mfa_index"))
    visit("recovery codes", reverse("mfa_view_recovery_codes"))
    visit("sessions", reverse("usersessions_list"))
    visit("subscription", reverse("subscriptions:overview"))
    visit("what we keep (Mijn gegevens)", reverse("retention:overview"))
    _submit(page, form=f"main form[action='{reverse('retention:request_export')}']")
    assert "/portal/mijn-gegevens/download/" in page.url
    check_page(page, findings, "download my data", phone=phone, language=language)
    visit("activity", reverse("audit:activity"))
    visit("activity with a filter error", reverse("audit:activity") + "?start=gisteren")
    visit("log out", reverse("account_logout"))
    _submit(page, form=f"main form[action='{reverse('account_logout')}']")

    # With the app active, logging in asks for its code after the password.
    page.goto(reverse("account_login"))
    page.locator("main input[name=login]").fill(customer.username)
    page.locator("main input[name=password]").fill(password)
    _submit(page, "login")
    assert reverse("mfa_authenticate") in page.url
    check_page(page, findings, "log in: authenticator code", phone=phone, language=language)
    page.locator("main input[name=code]").fill("000000" if _totp_code(secret) != "000000" else "111111")
    _submit(page, "code")
    check_page(page, findings, "log in: wrong authenticator code", phone=phone, language=language)

    findings.assert_none()


_FOCUS_STATE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    // The outline is drawn around the element: it has to stand out against what is behind it.
    let behind = 'rgb(255, 255, 255)';
    for (let node = el.parentElement; node; node = node.parentElement) {
        const colour = getComputedStyle(node).backgroundColor;
        if (colour && colour !== 'transparent' && !colour.startsWith('rgba(0, 0, 0, 0)')) { behind = colour; break; }
    }
    const box = el.getBoundingClientRect();
    return {
        description: el.tagName.toLowerCase() + ' ' + JSON.stringify((el.name || el.innerText || el.id || '').trim().slice(0, 40)),
        tag: el.tagName.toLowerCase(),
        inMain: !!el.closest('main'),
        isMain: el.tagName === 'MAIN',
        href: el.getAttribute('href'),
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth) || 0,
        outlineColor: style.outlineColor,
        behind: behind,
        visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
            && box.left < window.innerWidth && box.top < document.documentElement.scrollHeight,
    };
}"""


def _rgb(colour: str) -> tuple[float, float, float]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", colour)[:3]]
    return numbers[0], numbers[1], numbers[2]


def _luminance(colour: str) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in _rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _focus_problems(page, where: str, *, limit: int = 80) -> tuple[list[str], int]:
    """Tab through the whole page once; every element that takes focus must show it."""
    problems: list[str] = []
    seen: list[str] = []
    page.locator("body").focus()
    first = None
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(_FOCUS_STATE)
        if state is None:
            break
        key = page.evaluate(
            "() => { const el = document.activeElement; if (!el.dataset.a11ySeen) { el.dataset.a11ySeen = String(Math.random()); } return el.dataset.a11ySeen; }"
        )
        if key == first:
            break
        first = first or key
        seen.append(state["description"])
        if not state["visible"]:
            problems.append(f"{where}: {state['description']} takes focus but is not visible")
        ratio = contrast(state["outlineColor"], state["behind"])
        if state["outlineStyle"] == "none" or state["outlineWidth"] < 2 or ratio < 3:
            problems.append(
                f"{where}: focus on {state['description']} is hard to see: outline {state['outlineStyle']} "
                f"{state['outlineWidth']}px {state['outlineColor']} on {state['behind']} (contrast {ratio:.1f}:1, needs 3:1)"
            )
    return problems, len(seen)


@pytest.mark.parametrize("language", LOCALES)
def test_keyboard_skip_link_and_visible_focus(new_page, live_server, customer, language):
    page = new_page(locale=LOCALES[language])
    page.goto(reverse("home"))

    # The first Tab lands on the skip link, which shows itself and moves focus to the main content.
    page.keyboard.press("Tab")
    state = page.evaluate(_FOCUS_STATE)
    assert state is not None and state["href"] == "#main", f"the first Tab reached {state}, not the skip link"
    assert state["visible"], "the skip link is visible while it has focus"
    skip_text = page.evaluate("() => document.activeElement.innerText.trim()")
    assert skip_text == {"nl": "Naar de inhoud", "en": "Skip to content"}[language]
    page.keyboard.press("Enter")
    assert page.evaluate(_FOCUS_STATE)["isMain"], "after the skip link, focus is on the main content"
    page.keyboard.press("Tab")
    state = page.evaluate(_FOCUS_STATE)
    assert state["inMain"], f"the next Tab after the skip link stays in the main content, not {state['description']}"

    problems: list[str] = []
    reached = 0
    for where, url in (
        ("home", reverse("home")),
        ("login", reverse("account_login")),
        ("signup", reverse("account_signup")),
    ):
        page.goto(url)
        found, count = _focus_problems(page, where)
        problems += found
        reached += count
    _sign_in(page, customer, live_server)
    for where, url in (
        ("dashboard", reverse("portal:dashboard")),
        ("profile", reverse("accounts:profile")),
        ("what we keep", reverse("retention:overview")),
    ):
        page.goto(url)
        found, count = _focus_problems(page, where)
        problems += found
        reached += count
    assert reached > 60, f"only {reached} elements took focus on six pages"
    assert not problems, "\n".join(problems)


@pytest.fixture
def mollie_sandbox(live_server, settings):
    """The project's Mollie sandbox on the live server, reached over HTTP by the real client."""
    from django.db import connection

    settings.MOLLIE_API_ENDPOINT = live_server.url + "/sandbox/mollie"
    settings.SITE_URL = live_server.url
    settings.MOLLIE_API_KEY = ""
    settings.MOLLIE_RETRY_DELAYS = (0.05, 0.1)
    previous = connection.settings_dict["CONN_MAX_AGE"]
    # Each live-server request runs in a thread of its own: do not keep its connection open.
    connection.settings_dict["CONN_MAX_AGE"] = 0
    yield live_server
    connection.settings_dict["CONN_MAX_AGE"] = previous


def test_subscription_pages_pass_axe_and_fit_a_phone(visitor, mollie_sandbox, customer):
    from accounts.models import Profile
    from subscriptions.models import Invoice, Plan, Subscription

    Plan.objects.create(name="Basis", description="Eén koppeling", price="29.00", interval=Plan.Interval.MONTH)
    page, language, phone = visitor
    _sign_in(page, customer, mollie_sandbox)
    findings = Findings()
    overview = reverse("subscriptions:overview")

    page.goto(overview)  # no name and address yet: a notice instead of the subscribe buttons
    check_page(page, findings, "subscription: address needed first", phone=phone, language=language)
    Profile.objects.update_or_create(
        user=customer,
        defaults={"full_name": "Jan Jansen", "street": "Stationsplein 1", "postal_code": "5611AB", "city": "Eindhoven"},
    )
    page.goto(overview)
    check_page(page, findings, "subscription: choose a plan", phone=phone, language=language)
    _submit(page, form="main form[action*='/afsluiten/']")
    # The sandbox's checkout stands in for Mollie's hosted page (Dutch only, not ours in production).
    check_page(page, findings, "sandbox checkout", phone=phone, language=language)
    page.locator("main input[name=outcome][value=paid]").check()
    _submit(page, "outcome")
    assert "/portal/abonnement/betaling/" in page.url
    check_page(page, findings, "payment received", phone=phone, language=language)

    page.goto(overview)
    assert Subscription.objects.get().status == Subscription.Status.ACTIVE
    assert Invoice.objects.count() == 1
    check_page(page, findings, "subscription: active, with an invoice", phone=phone, language=language)
    page.locator("main a[href*='/facturen/']").first.click()
    page.wait_for_load_state()
    check_page(page, findings, "invoice", phone=phone, language=language)
    from mollie_sandbox import controls

    controls.refund(Invoice.objects.get().payment.mollie_id, Decimal("5.00"))  # a credit note beside the invoice
    page.reload()
    check_page(page, findings, "invoice with a credit note", phone=phone, language=language)
    page.goto(overview)
    check_page(page, findings, "subscription: invoice and credit note", phone=phone, language=language)

    page.goto(overview)
    page.locator("main a[href*='/opzeggen/']").click()
    page.wait_for_load_state()
    check_page(page, findings, "subscription: cancel confirmation", phone=phone, language=language)
    _submit(page, form="main form[action*='/opzeggen/']")
    check_page(page, findings, "subscription: cancelled", phone=phone, language=language)
    findings.assert_none()


def test_pages_reflow_at_320_px_without_sideways_scrolling(new_page, live_server, customer):
    """WCAG 1.4.10 (reflow) names 320 CSS pixels: the main pages still fit without scrolling sideways."""
    page = new_page(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)
    urls = [reverse("home"), reverse("account_login"), reverse("account_signup"), reverse("privacy")]
    urls.append(reverse("subscriptions:pricing"))
    customer_urls = [
        reverse("portal:dashboard"),
        reverse("accounts:profile"),
        reverse("accounts:close"),
        reverse("account_email"),
        reverse("subscriptions:overview"),
        reverse("audit:activity"),
    ]
    wide: list[str] = []
    for index, url in enumerate(urls + customer_urls):
        if index == len(urls):
            _sign_in(page, customer, live_server)
        page.goto(url)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 320:
            wide.append(f"{url} is {width} px wide")
    assert not wide, "; ".join(wide)


def test_the_checks_catch_planted_problems(page):
    """The checks above can fail: an unlabelled field, pale text, a missing main landmark,
    an invalid field without its message and a too-wide block are all reported."""
    page.set_viewport_size(PHONE_VIEWPORT)
    page.goto(reverse("home"))
    page.evaluate(
        """() => {
            const main = document.querySelector('main');
            main.insertAdjacentHTML('beforeend',
                '<input type="text" class="planted-unlabelled">'
                + '<p class="planted-pale">bleke tekst</p>'
                + '<label for="planted-invalid">Plaats</label><input id="planted-invalid" aria-invalid="true">'
                + '<div class="planted-wide">breed</div>');
            main.outerHTML = main.outerHTML.replace(/^<main/, '<div').replace(/main>$/, 'div>');
            // Set through the CSSOM after the markup is final: style attributes would be
            // refused by the page's CSP.
            document.querySelector('.planted-pale').style.color = '#cccccc';
            document.querySelector('.planted-wide').style.width = '600px';
        }"""
    )
    findings = Findings()
    check_page(page, findings, "planted", phone=True, language="en")
    report = "\n".join(findings.problems)
    for expected in (
        "axe label ",
        "axe color-contrast ",
        "axe landmark-one-main ",
        "a textbox without an accessible name",
        "the invalid textbox 'Plaats' has no description",
        f"scrolls sideways at {PHONE_WIDTH} px",
        '<html lang="nl"> on a page served in en',
    ):
        assert expected in report, f"{expected!r} not reported in:\n{report}"
