"""What a person does with an account, in a real Chromium against the live server
(issue 2 items 5, 6, 10 and 12).

Every test here also checks, through the ``page`` fixture's teardown, that the pages it
visited had no CSP violation in the console and made no request to a host other than the
live server. Fields are found by their label and buttons by their role and name, so a
missing label fails the test too.
"""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.models import Profile
from portal.testing.browser import has_horizontal_scroll, log_in, mail_links, totp_code

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Kaasschaaf-Molen-2718"


def _submit_and_get_response(page, button, path: str):
    """Click a submit button and return the response of the POST it causes."""
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.split("?")[0].endswith(path)) as info:
        button.click()
    page.wait_for_load_state()
    return info.value


def _header_nav(page):
    return page.get_by_role("navigation", name="Hoofdmenu")


def test_sign_up_verify_log_in_edit_profile_and_log_out(page, browser_log, latest_mail):
    # Sign up from the header link.
    page.goto("/")
    _header_nav(page).get_by_role("link", name="Registreren").click()
    main = page.get_by_role("main")
    main.get_by_label("Gebruikersnaam").fill("bakkerij_de_vries")
    main.get_by_label("E-mailadres").fill("Anna.de.Vries@example.com")
    main.get_by_label("Wachtwoord:", exact=True).fill(NEW_PASSWORD)
    main.get_by_label("Wachtwoord (bevestigen)").fill(NEW_PASSWORD)
    main.get_by_role("button", name="Registreren").click()
    page.wait_for_load_state()

    # Verification is mandatory: no session yet, a mail with a link instead.
    assert "/accounts/confirm-email/" in page.url
    expect(main.get_by_role("heading", name="Bevestig uw e-mailadres")).to_be_visible()
    user = get_user_model().objects.get(username="bakkerij_de_vries")
    assert not user.emailaddress_set.get().verified
    page.goto("/portal/")
    assert "/accounts/login/" in page.url, "the portal must not open before the address is verified"

    mail = latest_mail(to="anna.de.vries@example.com")
    assert mail.subject.startswith("[Exact koppeling]")
    assert (
        mail.body.startswith("Beste bakkerij_de_vries,")
        and "Bedankt voor het gebruiken van Exact koppeling!" in mail.body
    )
    links = mail_links(mail, "/accounts/confirm-email/")
    assert len(links) == 1
    page.goto(links[0])
    main.get_by_role("button", name="Bevestigen").click()
    page.wait_for_load_state()
    assert user.emailaddress_set.get().verified

    # Log in with the username (the e-mail address works as well, tested elsewhere).
    log_in(page, "bakkerij_de_vries", NEW_PASSWORD)
    assert page.url.endswith("/portal/")
    expect(_header_nav(page).get_by_role("button", name="Uitloggen")).to_be_visible()

    # Profiel (the menu names what it opens).
    _header_nav(page).get_by_role("link", name="Profiel").click()
    page.wait_for_url("**/portal/gegevens/profiel/")
    expect(main.get_by_role("heading", name="Profiel", level=1)).to_be_visible()
    address = main.get_by_role("group", name="Naam en adres")
    address.get_by_label("Naam").fill("Anna de Vries")
    address.get_by_label("Straat en huisnummer").fill("Stratumseind 12")
    address.get_by_label("Postcode").fill("5611 er")
    address.get_by_label("Plaats").fill("Eindhoven")
    address.get_by_label("Land").select_option("NL")
    address.get_by_label("Telefoonnummer").fill("040 123 4567")
    company = main.get_by_role("group", name="Bedrijf")
    company.get_by_label("Bedrijfsnaam").fill("Bakkerij De Vries")
    company.get_by_label("KvK-nummer").fill("12345678")
    company.get_by_label("Btw-identificatienummer").fill("NL004495445B01")
    response = _submit_and_get_response(page, main.get_by_role("button", name="Opslaan"), "/portal/gegevens/profiel/")
    assert response.status == 302
    expect(page.get_by_role("status").filter(has_text="Uw gegevens zijn opgeslagen.")).to_be_visible()

    profile = Profile.objects.get(user=user)
    assert profile.full_name == "Anna de Vries"
    assert profile.phone == "+31401234567"
    assert profile.postal_code.replace(" ", "") == "5611ER"
    assert (profile.kvk_number, profile.vat_id) == ("12345678", "NL004495445B01")
    # And the person sees it again after a reload.
    page.reload()
    assert address.get_by_label("Naam").input_value() == "Anna de Vries"
    assert address.get_by_label("Telefoonnummer").input_value() == "+31401234567"

    # A wrong postal code: an inline Dutch error, nothing saved.
    address.get_by_label("Postcode").fill("12345")
    address.get_by_label("Naam").fill("Iemand Anders")
    response = _submit_and_get_response(page, main.get_by_role("button", name="Opslaan"), "/portal/gegevens/profiel/")
    assert response.status == 400
    postcode = address.get_by_label("Postcode")
    expect(address.get_by_text("Vul een geldige Nederlandse postcode in")).to_be_visible()
    # The message is tied to the field for screen readers, not only shown next to it.
    assert postcode.get_attribute("aria-invalid") == "true"
    expect(postcode).to_have_accessible_description(re.compile("Vul een geldige Nederlandse postcode in"))
    profile.refresh_from_db()
    assert profile.full_name == "Anna de Vries"

    # Opening the logout address (a GET) does not log out; the POST button does.
    page.goto("/accounts/logout/")
    page.goto("/portal/gegevens/profiel/")
    page.wait_for_url("**/portal/gegevens/profiel/")

    # Log out with the POST button in the header.
    response = _submit_and_get_response(
        page, _header_nav(page).get_by_role("button", name="Uitloggen"), "/accounts/logout/"
    )
    assert response.status == 302
    expect(_header_nav(page).get_by_role("link", name="Inloggen")).to_be_visible()
    page.goto("/portal/gegevens/profiel/")
    assert "/accounts/login/" in page.url

    assert browser_log.requests, "the browser log records requests"
    browser_log.assert_clean()


def test_five_wrong_passwords_lock_the_account_with_a_dutch_429_page(page, new_page, browser_log, make_user, password):
    make_user("jansen", email="jansen@example.com")
    main = page.get_by_role("main")
    page.goto("/accounts/login/")
    for attempt in range(1, 5):
        main.get_by_label("Gebruikersnaam of e-mailadres").fill("jansen")
        main.get_by_label("Wachtwoord").fill(f"fout-wachtwoord-{attempt}")
        response = _submit_and_get_response(
            page, main.get_by_role("button", name="Inloggen", exact=True), "/accounts/login/"
        )
        assert response.status == 200, f"attempt {attempt} is an ordinary failed login"
        expect(main.get_by_role("heading", name="Inloggen", exact=True)).to_be_visible()

    main.get_by_label("Gebruikersnaam of e-mailadres").fill("jansen")
    main.get_by_label("Wachtwoord").fill("fout-wachtwoord-5")
    response = _submit_and_get_response(
        page, main.get_by_role("button", name="Inloggen", exact=True), "/accounts/login/"
    )
    assert response.status == 429
    expect(main.get_by_role("heading", name="Te veel mislukte inlogpogingen")).to_be_visible()
    assert "15 minuten" in main.inner_text()
    assert page.locator("html").get_attribute("lang") == "nl"

    # The right password is refused as well while the lock lasts.
    page.goto("/accounts/login/")
    main.get_by_label("Gebruikersnaam of e-mailadres").fill("jansen")
    main.get_by_label("Wachtwoord").fill(password)
    response = _submit_and_get_response(
        page, main.get_by_role("button", name="Inloggen", exact=True), "/accounts/login/"
    )
    assert response.status == 429
    expect(main.get_by_role("heading", name="Te veel mislukte inlogpogingen")).to_be_visible()
    page.goto("/portal/")
    assert "/accounts/login/" in page.url, "no session was started"

    # A forged X-Forwarded-For header from the same machine does not escape the lock.
    forged = new_page(extra_http_headers={"X-Forwarded-For": "203.0.113.77"})
    forged.goto("/accounts/login/")
    forged_main = forged.get_by_role("main")
    forged_main.get_by_label("Gebruikersnaam of e-mailadres").fill("jansen")
    forged_main.get_by_label("Wachtwoord").fill(password)
    response = _submit_and_get_response(
        forged, forged_main.get_by_role("button", name="Inloggen", exact=True), "/accounts/login/"
    )
    assert response.status == 429
    browser_log.assert_clean()


def test_staff_must_set_up_totp_before_the_admin_opens(page, browser_log, make_user, password):
    """Only through the invitation an admin sends: the password alone reaches no setup."""
    from django.core import mail

    from accounts import services

    staff = make_user("beheerder", email="beheer@example.com", staff=True)
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    main = page.get_by_role("main")

    # The admin sends a visitor to allauth's login, not to Django's own.
    page.goto("/admin/login/?next=/admin/")
    assert "/accounts/login/" in page.url
    page.goto("/admin/")
    assert "/accounts/login/" in page.url
    main.get_by_label("Gebruikersnaam of e-mailadres").fill("beheerder")
    main.get_by_label("Wachtwoord").fill(password)
    main.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_load_state()

    # Without an invitation: no setup, the admin neither; the page says what to do.
    assert "/medewerker/tweestapsverificatie/" in page.url
    expect(main.get_by_role("heading", name="Vraag een beheerder om een uitnodiging")).to_be_visible()
    for path in ("/accounts/2fa/totp/activate/", "/admin/"):
        page.goto(path)
        assert page.url.endswith("/medewerker/tweestapsverificatie/")

    # An admin sends the invitation (the admin action: test_staff_mfa_invitation.py).
    mail.outbox.clear()
    services.mfa_invitation_send(staff_member=staff, by=None)
    link = re.search(r"/medewerker/tweestapsverificatie/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.wait_for_load_state()
    if "/accounts/reauthenticate/" in page.url:  # allauth may ask for the password once more
        main.get_by_label("Wachtwoord").fill(password)
        main.get_by_role("button", name="Bevestigen").click()
        page.wait_for_load_state()

    assert "/accounts/2fa/totp/activate/" in page.url
    # Other pages, the admin included, keep sending the staff member back here.
    page.goto("/admin/")
    assert "/accounts/2fa/totp/activate/" in page.url
    assert not Authenticator.objects.filter(user=staff).exists()

    secret = main.get_by_label("Authenticator geheim").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret)
    main.get_by_label("Authenticator code").fill("000000" if totp_code(secret) != "000000" else "111111")
    main.get_by_role("button", name="Activeer").click()
    page.wait_for_load_state()
    assert "/accounts/2fa/totp/activate/" in page.url, "a wrong code does not activate"
    assert not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()

    main.get_by_label("Authenticator code").fill(totp_code(secret))
    main.get_by_role("button", name="Activeer").click()
    page.wait_for_load_state()
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()

    page.goto("/admin/")
    assert page.url.endswith("/admin/")
    expect(page.get_by_role("link", name="Exact koppeling – beheer")).to_be_visible()
    expect(page.get_by_role("link", name="Gebruikers").first).to_be_visible()

    # From now on the admin login asks for the code after the password.
    page.goto("/")
    response = _submit_and_get_response(
        page, _header_nav(page).get_by_role("button", name="Uitloggen"), "/accounts/logout/"
    )
    assert response.status == 302
    page.goto("/admin/")
    main.get_by_label("Gebruikersnaam of e-mailadres").fill("beheerder")
    main.get_by_label("Wachtwoord").fill(password)
    main.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_load_state()
    assert "/accounts/2fa/authenticate/" in page.url
    page.goto("/admin/")
    assert "/accounts/" in page.url, "the password alone opens nothing"
    assert not page.get_by_role("link", name="Exact koppeling – beheer").count()

    main.get_by_label("Code").fill(totp_code(secret))
    main.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_load_state()
    page.goto("/admin/")
    assert page.url.endswith("/admin/")
    expect(page.get_by_role("link", name="Exact koppeling – beheer")).to_be_visible()
    browser_log.assert_clean()


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/", "/privacy/"])
def test_public_pages_fit_a_375_px_phone(phone_page, browser_log, path):
    phone_page.goto(path)
    assert phone_page.viewport_size["width"] == 375
    assert phone_page.evaluate("() => window.innerWidth") == 375
    assert not has_horizontal_scroll(phone_page), f"{path} scrolls sideways at 375 px"
    expect(phone_page.get_by_role("main")).to_be_visible()
    browser_log.assert_clean()


def test_the_customer_pages_fit_a_375_px_phone(phone_page, browser_log, customer, password):
    log_in(phone_page, "jansen", password)
    for path in [
        "/portal/",
        "/portal/gegevens/profiel/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
    ]:
        response = phone_page.goto(path)
        assert response.status == 200, path
        assert phone_page.url.endswith(path)
        assert not has_horizontal_scroll(phone_page), f"{path} scrolls sideways at 375 px"
    browser_log.assert_clean()


@pytest.mark.browser_allow_third_party
@pytest.mark.browser_allow_errors
def test_the_browser_log_notices_csp_violations_and_third_party_requests(page, browser_log):
    """The checks above can fail: an inline script and a request to another host are seen."""
    page.goto("/")
    assert browser_log.problems() == []
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1'; document.head.appendChild(s); }"
    )
    page.evaluate(
        "() => { const i = new Image(); i.src = 'https://www.googletagmanager.com/pixel.gif'; document.body.appendChild(i); }"
    )
    page.wait_for_function("() => document.images[0] && document.images[0].complete")
    assert page.evaluate("() => window.x") is None, "the inline script was blocked by the CSP"
    assert any("Content Security Policy" in message for message in browser_log.csp_violations)
    assert browser_log.third_party_requests == ["https://www.googletagmanager.com/pixel.gif"]
    problems = browser_log.problems()
    assert len(problems) == 2


def test_lockout_counts_username_and_email_together_and_speaks_english_to_an_english_visitor(
    new_page, browser_log, make_user, password
):
    make_user("jansen", email="jansen@example.com")
    page = new_page(locale="en-GB")
    main = page.get_by_role("main")
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    logins = ["jansen", "JANSEN@example.com", "jansen", "jansen@example.com", "Jansen"]
    statuses = []
    for attempt, login in enumerate(logins, start=1):
        main.get_by_label("Login").fill(login)
        main.get_by_label("Password").fill(f"wrong-password-{attempt}")
        response = _submit_and_get_response(page, main.get_by_role("button", name="Sign In"), "/accounts/login/")
        statuses.append(response.status)
    assert statuses == [200, 200, 200, 200, 429]
    expect(main.get_by_role("heading", name="Too many failed login attempts")).to_be_visible()
    assert "15 minutes" in main.inner_text()

    # A Dutch visitor from the same machine sees the same lock in Dutch.
    dutch = new_page()
    dutch.goto("/accounts/login/")
    dutch_main = dutch.get_by_role("main")
    dutch_main.get_by_label("Gebruikersnaam of e-mailadres").fill("jansen@example.com")
    dutch_main.get_by_label("Wachtwoord").fill(password)
    response = _submit_and_get_response(
        dutch, dutch_main.get_by_role("button", name="Inloggen", exact=True), "/accounts/login/"
    )
    assert response.status == 429
    expect(dutch_main.get_by_role("heading", name="Te veel mislukte inlogpogingen")).to_be_visible()
    browser_log.assert_clean()


def test_the_language_switch_in_the_header(page, browser_log):
    page.goto("/privacy/")
    header = page.get_by_role("banner")
    header.get_by_label("Taal").select_option("en")
    header.get_by_role("button", name="Kies").click()
    page.wait_for_load_state()
    assert page.url.endswith("/privacy/"), "the switch returns to the same page"
    assert page.locator("html").get_attribute("lang") == "en"
    assert _header_nav(page).count() == 0
    nav = page.get_by_role("navigation", name="Main menu")
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()

    header.get_by_label("Language").select_option("nl")
    header.get_by_role("button", name="Choose").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "nl"
    expect(_header_nav(page).get_by_role("link", name="Inloggen")).to_be_visible()
    browser_log.assert_clean()


def test_login_by_email_gets_a_new_session_id(page, browser_log, customer, password):
    # A session id planted in the browser before login (session fixation) is not kept.
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["planted"] = True
    store.create()
    planted = store.session_key
    page.goto("/")
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": planted, "url": page.url}])

    log_in(page, "Jansen@Example.com", password)
    assert page.url.endswith("/portal/")
    session_ids = [c["value"] for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    assert len(session_ids) == 1
    assert session_ids[0] != planted
    assert not import_module(settings.SESSION_ENGINE).SessionStore().exists(planted)
    browser_log.assert_clean()


def test_a_password_change_ends_the_other_sessions(new_page, browser_log, customer, password):
    laptop = new_page()
    phone = new_page(viewport={"width": 375, "height": 812}, is_mobile=True)
    log_in(laptop, "jansen", password)
    log_in(phone, "jansen", password)
    phone.goto("/portal/gegevens/profiel/")
    assert phone.url.endswith("/portal/gegevens/profiel/")

    laptop.goto("/accounts/password/change/")
    main = laptop.get_by_role("main")
    main.get_by_label("Huidig wachtwoord").fill(password)
    main.get_by_label("Nieuw wachtwoord:", exact=True).fill(NEW_PASSWORD)
    main.get_by_label("Nieuw wachtwoord (bevestigen)").fill(NEW_PASSWORD)
    response = _submit_and_get_response(
        laptop, main.get_by_role("button", name="Wachtwoord wijzigen"), "/accounts/password/change/"
    )
    assert response.status == 302

    # The laptop stays logged in, the phone is sent to the login page.
    laptop.goto("/portal/gegevens/profiel/")
    assert laptop.url.endswith("/portal/gegevens/profiel/")
    phone.goto("/portal/gegevens/profiel/")
    assert "/accounts/login/" in phone.url
    log_in(phone, "jansen", NEW_PASSWORD)
    assert phone.url.endswith("/portal/")
    browser_log.assert_clean()
