"""In a real browser, as each staff role works (issue 19): a staff member of the role (not a
superuser) logs in with password and authenticator code, does the role's work, and is not
offered what belongs to another role; a direct URL to it answers "Geen toegang" (403).

Facturatie (refunds and ending a subscription against the Mollie sandbox) is walked in
subscriptions/tests/test_browser_staff_billing.py; the privacy office's own registers in
privacy/tests/test_browser_*.py (here: its legal hold on a customer).
"""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts import roles
from accounts.models import Profile, StaffNote
from audit.models import AuditEvent
from portal.admin_glance import NoteForm
from portal.testing.browser import mail_links, staff_log_in, staff_member, totp_code
from retention.tests.billing import billing_history
from subscriptions.models import Invoice

pytestmark = pytest.mark.browser


def expect_no_access(page, path: str) -> None:
    response = page.goto(path)
    assert response.status == 403, f"{path} answered {response.status}"
    expect(page.get_by_role("heading", name="Geen toegang")).to_be_visible()


def search(page, term: str):
    page.goto("/admin/accounts/user/")
    page.locator("#searchbar").fill(term)
    page.locator("#searchbar").press("Enter")
    return page.locator("#result_list tbody tr")


def test_support_finds_a_customer_writes_a_note_resends_the_confirmation_and_sees_no_billing(
    page, browser_log, make_user, password, latest_mail
):
    customer = make_user("vandijk", email="info@vandijkfietsen.nl", address=True)
    Profile.objects.filter(user=customer).update(company_name="Van Dijk Fietsen B.V.")
    EmailAddress.objects.filter(user=customer).update(verified=False)
    billing_history(customer, ended_at=None)  # a live subscription and a paid payment: billing's actions apply
    number = Invoice.objects.get(user=customer).number
    make_user("bakker", email="bakker@example.com", address=True)
    admin_member, _ = staff_member(make_user, "beheerder", None)
    support, secret = staff_member(make_user, "ondersteuner", roles.SUPPORT)

    staff_log_in(page, "ondersteuner", password, secret)
    # The privacy office and the rights (groups) are not on the support's admin.
    nav = page.locator("#content-main")
    expect(nav.get_by_role("link", name="Klantaccounts")).to_be_visible()
    expect(nav.get_by_role("link", name="Privacybureau")).to_have_count(0)
    expect(nav.get_by_role("link", name="Groepen")).to_have_count(0)

    # Found by e-mail, by company and by invoice number, the other customer not.
    for term in ("info@vandijkfietsen.nl", "Van Dijk Fietsen", number):
        results = search(page, term)
        expect(results).to_have_count(1)
        expect(results).to_contain_text("vandijk")
    results.get_by_role("link", name="In één oogopslag").click()
    expect(page.get_by_role("heading", name="Klant in één oogopslag: vandijk")).to_be_visible()

    actions = page.get_by_role("region", name="Klantacties")
    expect(actions.get_by_role("link", name="Bevestigingse-mail opnieuw sturen")).to_be_visible()
    expect(actions.get_by_role("link", name="Account opheffen")).to_be_visible()
    for billing_action in ("Betaling terugbetalen", "Abonnement direct beëindigen"):
        expect(actions.get_by_role("link", name=billing_action)).to_have_count(0)

    # Notes: empty, then longer than allowed (the browser's own limit taken off, as a
    # hostile client would), each a Dutch message and nothing stored; then a real one.
    main = page.locator("#content-main")
    label = "Nieuwe interne notitie (de klant ziet hem in zijn gegevensexport)"
    main.get_by_label(label).fill("")
    main.get_by_role("button", name="Notitie opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text("Schrijf eerst een notitie.")
    limit = NoteForm.base_fields["text"].max_length
    field = main.get_by_label(label)
    field.evaluate("element => element.removeAttribute('maxlength')")
    field.fill("x" * (limit + 1))
    main.get_by_role("button", name="Notitie opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Een notitie is hooguit {limit} tekens.")
    assert not StaffNote.objects.exists()
    main.get_by_label(label).fill("Klant belde: bevestigingsmail niet ontvangen, opnieuw gestuurd.")
    main.get_by_role("button", name="Notitie opslaan").click()
    expect(page.locator(".messagelist")).to_contain_text("De notitie is opgeslagen.")
    note = StaffNote.objects.get(user=customer)
    assert note.text == "Klant belde: bevestigingsmail niet ontvangen, opnieuw gestuurd."

    # The confirmation mail again: without a reason a Dutch message and no mail; then sent.
    actions.get_by_role("link", name="Bevestigingse-mail opnieuw sturen").click()
    reason = page.get_by_label("Reden (wordt vastgelegd in het logboek)")
    reason.fill("   ")
    page.get_by_role("button", name="Bevestigingse-mail opnieuw sturen").click()
    expect(page.get_by_role("main")).to_contain_text("Geef een reden op.")
    assert not AuditEvent.objects.filter(action="account.verification_resent").exists()
    page.get_by_label("Reden (wordt vastgelegd in het logboek)").fill("Klant belde, mail niet ontvangen")
    page.get_by_role("button", name="Bevestigingse-mail opnieuw sturen").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Bevestigingse-mail opnieuw verstuurd naar info@vandijkfietsen.nl."
    )
    message = latest_mail(to="info@vandijkfietsen.nl", timeout=10)
    assert mail_links(message, contains="/accounts/confirm-email/")
    resent = AuditEvent.objects.get(action="account.verification_resent", subject_id=customer.pk)
    assert resent.actor_id == support.pk

    # The customer's page: no rights fields to tick, on a customer, on the admin, on oneself.
    for member in (customer, admin_member, support):
        page.goto(f"/admin/accounts/user/{member.pk}/change/")
        expect(page.get_by_role("main")).to_be_visible()
        for name in ("is_superuser", "is_staff", "groups", "user_permissions"):
            expect(page.locator(f"[name='{name}']")).to_have_count(0)

    # Typed in directly: billing's actions, the privacy office, the rights, another staff
    # member's password.
    for path in (
        f"/admin/accounts/user/{customer.pk}/klantactie/refund/",
        f"/admin/accounts/user/{customer.pk}/klantactie/cancel/",
        "/admin/privacy/privacyrequest/",
        "/admin/privacy/breach/",
        "/admin/auth/group/",
        "/admin/accounts/user/add/",
        f"/admin/accounts/user/{admin_member.pk}/password/",
    ):
        expect_no_access(page, path)
    support.refresh_from_db()
    assert not support.is_superuser
    assert Authenticator.objects.filter(user=support).count() == 1
    browser_log.assert_clean()


def test_admin_invites_a_newcomer_who_sets_up_his_authenticator_once_and_cannot_make_himself_superuser(
    page, new_page, browser_log, make_user, password, latest_mail
):
    _admin_member, admin_secret = staff_member(make_user, "beheerder", None)
    newcomer = make_user("nieuwkomer", email="nieuwkomer@codexconnectors.nl", staff=True)
    newcomer.groups.add(Group.objects.get(name=roles.SUPPORT))

    # The admin ticks the newcomer in the list and sends the invitation.
    staff_log_in(page, "beheerder", password, admin_secret)
    results = search(page, "nieuwkomer")
    expect(results).to_have_count(1)
    results.locator(f"input.action-select[value='{newcomer.pk}']").check()
    page.locator("select[name='action']").select_option(label="Uitnodiging voor tweestapsverificatie sturen")
    page.locator("button[name='index']").click()
    expect(page.locator(".messagelist")).to_contain_text("Uitnodiging verstuurd naar nieuwkomer@codexconnectors.nl.")
    [link] = mail_links(
        latest_mail(to="nieuwkomer@codexconnectors.nl", timeout=10), contains="/medewerker/tweestapsverificatie/"
    )
    path = "/" + link.split("/", 3)[3]

    # The newcomer opens the link in his own browser: first his password, then the setup.
    newcomer_page = new_page()
    newcomer_page.goto(path)
    assert "/accounts/login/" in newcomer_page.url
    main = newcomer_page.get_by_role("main")
    main.get_by_label("Gebruikersnaam of e-mailadres").fill("nieuwkomer")
    main.get_by_label("Wachtwoord").fill(password)
    main.get_by_role("button", name="Inloggen", exact=True).click()
    newcomer_page.wait_for_load_state()
    if "/accounts/reauthenticate/" in newcomer_page.url:  # allauth may ask for the password once more
        main.get_by_label("Wachtwoord").fill(password)
        main.get_by_role("button", name="Bevestigen").click()
        newcomer_page.wait_for_load_state()
    assert "/accounts/2fa/totp/activate/" in newcomer_page.url

    # The same link a second time, by whoever else has his password: a clear Dutch answer,
    # no setup and no admin.
    other = new_page()
    other.goto("/accounts/login/")
    other.get_by_role("main").get_by_label("Gebruikersnaam of e-mailadres").fill("nieuwkomer")
    other.get_by_role("main").get_by_label("Wachtwoord").fill(password)
    other.get_by_role("main").get_by_role("button", name="Inloggen", exact=True).click()
    other.wait_for_load_state()
    response = other.goto(path)
    assert response.status == 400
    expect(other.get_by_role("alert")).to_contain_text("Deze uitnodiging is niet (meer) geldig")
    for elsewhere in ("/accounts/2fa/totp/activate/", "/admin/"):
        other.goto(elsewhere)
        assert other.url.endswith("/medewerker/tweestapsverificatie/")
    assert AuditEvent.objects.filter(action="staff.mfa_invitation_used", subject_id=newcomer.pk).count() == 1

    # The newcomer finishes with the code of his authenticator app and reaches the admin.
    secret = main.get_by_label("Authenticator geheim").input_value()
    main.get_by_label("Authenticator code").fill(totp_code(secret))
    main.get_by_role("button", name="Activeer").click()
    newcomer_page.wait_for_load_state()
    assert Authenticator.objects.filter(user=newcomer, type=Authenticator.Type.TOTP).count() == 1
    newcomer_page.goto("/admin/")
    assert newcomer_page.url.endswith("/admin/")
    expect(newcomer_page.get_by_role("link", name="Klantaccounts").first).to_be_visible()

    # Rights: the admin is offered the superuser box on the newcomer's page; the newcomer
    # (support) is not, on his own page, and setting it by a forged form changes nothing.
    page.goto(f"/admin/accounts/user/{newcomer.pk}/change/")
    expect(page.locator("input[name='is_superuser']")).to_have_count(1)
    newcomer_page.goto(f"/admin/accounts/user/{newcomer.pk}/change/")
    expect(newcomer_page.get_by_role("main")).to_contain_text("nieuwkomer")
    expect(newcomer_page.locator("[name='is_superuser']")).to_have_count(0)
    expect(newcomer_page.locator("[name='groups']")).to_have_count(0)
    newcomer_page.locator("#user_form").evaluate(
        """form => {
            for (const [name, value] of [["is_superuser", "on"], ["is_staff", "on"]]) {
                const input = document.createElement("input");
                input.type = "hidden"; input.name = name; input.value = value;
                form.appendChild(input);
            }
        }"""
    )
    newcomer_page.locator("input[name='first_name']").fill("Noor")
    newcomer_page.locator("input[name='_save']").click()
    newcomer_page.wait_for_load_state()
    expect(newcomer_page.locator(".messagelist")).to_be_visible()  # saved: his name, not the forged rights
    newcomer.refresh_from_db()
    assert newcomer.first_name == "Noor"
    assert not newcomer.is_superuser
    assert list(newcomer.groups.values_list("name", flat=True)) == [roles.SUPPORT]
    browser_log.assert_clean()


def test_privacy_office_sets_a_legal_hold_and_is_offered_neither_support_nor_billing(
    page, browser_log, make_user, password
):
    from retention.models import LegalHold

    customer = make_user("pietersen", email="pietersen@example.com", address=True)
    billing_history(customer, ended_at=None)
    _office, secret = staff_member(make_user, "privacybureau", roles.PRIVACY)

    staff_log_in(page, "privacybureau", password, secret)
    expect(page.locator("#content-main").get_by_role("link", name="Privacybureau")).to_be_visible()
    results = search(page, "pietersen@example.com")
    expect(results).to_have_count(1)
    results.get_by_role("link", name="In één oogopslag").click()
    actions = page.get_by_role("region", name="Klantacties")
    expect(actions.get_by_role("link", name="Bewaarplicht instellen")).to_be_visible()
    expect(actions.get_by_role("link", name="Gegevensexport starten")).to_be_visible()
    for other_role in (
        "Betaling terugbetalen",
        "Abonnement direct beëindigen",
        "Account opheffen",
        "Bevestigingse-mail opnieuw sturen",
    ):
        expect(actions.get_by_role("link", name=other_role)).to_have_count(0)
    expect(page.get_by_role("button", name="Notitie opslaan")).to_have_count(0)

    actions.get_by_role("link", name="Bewaarplicht instellen").click()
    page.get_by_role("button", name="Bewaarplicht instellen").click()  # no reason: refused by the browser
    assert not LegalHold.objects.exists()
    page.get_by_label("Reden (wordt vastgelegd in het logboek)").fill("<script>x</script>")
    page.get_by_role("button", name="Bewaarplicht instellen").click()
    expect(page.get_by_role("main")).to_contain_text("Gebruik geen < > { } of \\ in dit veld.")
    assert not LegalHold.objects.exists()
    page.get_by_label("Reden (wordt vastgelegd in het logboek)").fill("Vordering politie, zaak 2026-118")
    page.get_by_role("button", name="Bewaarplicht instellen").click()
    expect(page.locator(".messagelist")).to_contain_text("Bewaarplicht ingesteld")
    hold = LegalHold.objects.get(user=customer)
    assert hold.reason == "Vordering politie, zaak 2026-118"

    for path in (
        f"/admin/accounts/user/{customer.pk}/klantactie/refund/",
        f"/admin/accounts/user/{customer.pk}/klantactie/close/",
        "/admin/auth/group/",
    ):
        expect_no_access(page, path)
    browser_log.assert_clean()
