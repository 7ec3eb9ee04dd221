"""Sending a mailing: only to active, verified customers who have not objected, each in
their language, with the RFC 8058 headers and an unsubscribe link in the footer."""

from __future__ import annotations

import email
import email.policy

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from audit.events import Action
from audit.models import AuditEvent
from consent.marketing import services, tokens
from consent.models import Mailing, MailingRecipient
from consent.tests.marketing_helpers import addresses, mailing


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Start a mailing and run its batches here (eager Celery), as the worker would."""

    def run(m: Mailing, **kwargs) -> Mailing:
        with django_capture_on_commit_callbacks(execute=True):
            services.mailing_send(mailing=m, system="test", **kwargs)
        m.refresh_from_db()
        return m

    return run


@pytest.mark.django_db
def test_it_goes_only_to_active_verified_customers_who_did_not_object(make_user, send, settings):
    settings.MARKETING_BATCH_SIZE = 2
    make_user("klant1")
    make_user("klant2")
    make_user("klant3")
    objector = make_user("bezwaar")
    services.preference_set(user=objector, objected=True, via=services.Via.PREFERENCES, by=objector)
    unverified = make_user("onbevestigd")
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    inactive = make_user("inactief")
    inactive.is_active = False
    inactive.save()
    make_user("medewerker", staff=True)
    from accounts.services import account_close

    account_close(user=make_user("opgeheven"), by=None)
    mail.outbox.clear()

    m = send(mailing())

    assert addresses(mail.outbox) == ["klant1@example.com", "klant2@example.com", "klant3@example.com"]
    assert (m.status, m.recipient_count, m.sent_count) == (Mailing.Status.SENT, 3, 3)
    assert m.finished_at is not None
    finished = AuditEvent.objects.get(action=Action.MARKETING_MAILING_FINISHED, target_id=str(m.pk))
    assert (finished.action, finished.actor_kind, finished.changes["sent"]) == (
        "marketing.mailing_finished",
        "system",
        [None, 3],
    )


@pytest.mark.django_db
def test_every_mail_carries_the_one_click_headers_and_a_footer_link(make_user, send, settings):
    settings.SITE_URL = "https://portal.example.nl"
    jansen = make_user("jansen")
    send(mailing())
    (message,) = mail.outbox
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<https://portal.example.nl/unsubscribe/") and header.endswith("/>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header[1:-1]
    assert tokens.read_token(url.removeprefix("https://portal.example.nl/unsubscribe/").rstrip("/")) == (
        tokens.Target(user_ids=(jansen.pk,))
    )
    assert "jansen" not in url  # no address in a URL or a proxy log
    assert url in message.body  # the footer of the text part
    html = message.alternatives[0][0]
    assert f'href="{url}"' in html and "Afmelden voor aanbiedingen per e-mail" in html
    # And on the wire, as the relay receives it (a long header is folded, which parsers undo):
    wire = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    assert wire["List-Unsubscribe"].strip() == f"<{url}>"
    assert wire["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.django_db
def test_each_customer_gets_it_in_their_language(make_user, send):
    dutch = make_user("nederlands")
    english = make_user("engels")
    services.preference_set(user=english, objected=False, via=services.Via.PREFERENCES, by=english, language="en")
    services.preference_set(user=dutch, objected=False, via=services.Via.PREFERENCES, by=dutch, language="nl")
    send(mailing())
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["engels@example.com"].subject == "New: connect your CRM"
    assert "You can now connect your CRM" in by_address["engels@example.com"].body
    assert by_address["nederlands@example.com"].subject == "Nieuw: koppeling met uw CRM"
    assert "Vanaf nu koppelt u ook uw CRM." in by_address["nederlands@example.com"].body
    assert "Meld u af met één klik" in by_address["nederlands@example.com"].body


@pytest.mark.django_db
def test_without_an_english_text_english_customers_get_the_dutch_one(make_user, send):
    english = make_user("engels")
    services.preference_set(user=english, objected=False, via=services.Via.PREFERENCES, by=english, language="en")
    send(mailing(subject_en="", body_en=""))
    (message,) = mail.outbox
    assert message.subject == "Nieuw: koppeling met uw CRM"


@pytest.mark.django_db
def test_the_language_falls_back_to_the_one_of_the_subscription(make_user, send):
    from decimal import Decimal

    from subscriptions.models import MollieCustomer, Plan, Subscription

    user = make_user("abonnee")
    plan = Plan.objects.create(name="Basis", price=Decimal("25.00"))
    Subscription.objects.create(
        user=user,
        customer=MollieCustomer.objects.create(user=user, mollie_id="cst_mkt1"),
        plan=plan,
        amount_net=Decimal("25.00"),
        vat_rate=Decimal("21.0"),
        amount_gross=Decimal("30.25"),
        language="en",
    )
    send(mailing())
    assert mail.outbox[0].subject == "New: connect your CRM"


@pytest.mark.django_db
def test_an_objection_made_while_the_mailing_is_on_its_way_takes_effect_at_once(make_user, settings):
    settings.MARKETING_BATCH_SIZE = 1
    first = make_user("eerste")
    second = make_user("tweede")
    m = services.mailing_send(mailing=mailing(), system="test")  # queued, not sent yet
    services.mailing_send_batch(mailing_id=m.pk)
    services.preference_set(user=second, objected=True, via=services.Via.UNSUBSCRIBE_LINK)
    services.mailing_send_batch(mailing_id=m.pk)
    services.mailing_send_batch(mailing_id=m.pk)
    assert addresses(mail.outbox) == [first.email]
    m.refresh_from_db()
    assert (m.status, m.sent_count, m.skipped_count) == (Mailing.Status.SENT, 1, 1)


@pytest.mark.django_db
def test_starting_it_is_audited_and_cannot_happen_twice(make_user, staff_user=None):
    make_user("jansen")
    m = services.mailing_send(mailing=mailing(), system="test")
    started = AuditEvent.objects.get(action=Action.MARKETING_MAILING_STARTED, target_id=str(m.pk))
    assert started.changes["recipients"] == [None, 1]
    with pytest.raises(services.MailingError):
        services.mailing_send(mailing=m, system="test")
    assert MailingRecipient.objects.filter(mailing=m).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("texts", "message"),
    [
        ({"subject_nl": ""}, "zonder onderwerp"),
        ({"subject_nl": "   \n "}, "zonder onderwerp"),
        ({"body_nl": ""}, "zonder tekst"),
        ({"body_nl": "\x00\x00"}, "zonder tekst"),
        ({"subject_nl": "x" * 201}, "te lang"),
        ({"body_nl": "x" * 20_001}, "te lang"),
        ({"subject_en": "Only a subject", "body_en": ""}, "zowel een onderwerp als een tekst"),
    ],
)
def test_an_empty_or_oversized_mailing_is_refused(texts, message):
    with pytest.raises(services.MailingError, match=message):
        mailing(**texts)
    assert not Mailing.objects.exists()


@pytest.mark.django_db
def test_html_in_the_text_is_shown_as_text_not_markup(make_user, send):
    make_user("jansen")
    send(mailing(body_nl='<script>alert(1)</script> <a href="https://evil.example">klik</a>'))
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="https://evil.example"' not in html


@pytest.mark.django_db
def test_a_mailing_to_nobody_finishes_at_once_with_zero(send):
    m = send(mailing())
    assert (m.status, m.recipient_count, m.sent_count) == (Mailing.Status.SENT, 0, 0)
    assert mail.outbox == []
