"""Publishing a version mails every active customer once, in batches, in the customer's
language; running the announcement again sends nothing twice."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Profile
from audit.models import AuditEvent
from consent.models import StatementAnnouncement
from consent.statement import services as statement_services
from consent.tests.statement_helpers import make_draft, seed, staff  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def customers(make_user):
    active = [make_user(f"klant{i}") for i in range(5)]
    inactive = make_user("inactief")
    inactive.is_active = False
    inactive.save()
    closed = make_user("opgeheven")
    closed.closed_at = timezone.now()
    closed.save()
    return active


def _publish(staff, capture, **draft):  # noqa: F811
    version = make_draft(effective_date=timezone.localdate() + timedelta(days=30), **draft)
    with capture(execute=True):
        statement_services.publish_version(version=version, by=staff)
    return version


def test_publishing_mails_every_active_customer_once_in_batches(
    customers,
    seed,  # noqa: F811
    staff,  # noqa: F811
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    batches = []
    original = statement_services.announce_to

    def counting(*, version_id, user_ids):
        batches.append(list(user_ids))
        return original(version_id=version_id, user_ids=user_ids)

    Profile.objects.create(user=customers[0], full_name="Jan Jansen")
    monkeypatch.setattr(statement_services, "ANNOUNCE_BATCH_SIZE", 2)
    monkeypatch.setattr(statement_services, "announce_to", counting)
    version = _publish(staff, django_capture_on_commit_callbacks, summary_nl="De bewaartermijn van facturen.")

    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in customers)
    assert [len(b) for b in batches] == [2, 2, 1]
    message = mail.outbox[0]
    assert message.subject == "Onze privacyverklaring wijzigt"
    assert f"/privacy/{version.number}/" in message.body and "De bewaartermijn van facturen." in message.body
    # "Beantwoord deze e-mail": the answer goes to the company, not to the no-reply sender.
    assert "Beantwoord deze e-mail" in message.body
    assert message.message()["Reply-To"] == "info@iwebdevelopment.nl"
    assert "noreply@" in message.from_email
    assert StatementAnnouncement.objects.filter(version=version).count() == len(customers)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address[customers[0].email].body.startswith("Beste Jan Jansen,")  # the profile's full name
    assert "<p>Beste Jan Jansen,</p>" in by_address[customers[0].email].alternatives[0][0]
    assert by_address[customers[1].email].body.startswith(f"Beste {customers[1].username},")  # else the username
    events = AuditEvent.objects.filter(action="consent.statement_announced")
    assert sorted(events.values_list("subject_id", flat=True)) == sorted(c.pk for c in customers)


def test_running_the_announcement_again_sends_nothing_twice(customers, seed, staff, django_capture_on_commit_callbacks):  # noqa: F811
    version = _publish(staff, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == len(customers)

    assert statement_services.announce_version(version_id=version.pk) == 0
    assert statement_services.announce_to(version_id=version.pk, user_ids=[c.pk for c in customers]) == 0
    assert len(mail.outbox) == len(customers)
    assert StatementAnnouncement.objects.filter(version=version).count() == len(customers)


def test_a_customer_added_later_gets_the_mail_on_a_re_run(
    customers,
    seed,  # noqa: F811
    staff,  # noqa: F811
    make_user,
    django_capture_on_commit_callbacks,
):
    version = _publish(staff, django_capture_on_commit_callbacks)
    late = make_user("laatkomer")
    with django_capture_on_commit_callbacks(execute=True):  # the batches are queued on commit
        assert statement_services.announce_version(version_id=version.pk) == 1
    assert mail.outbox[-1].to == [late.email]


def test_the_mail_goes_in_the_language_of_the_customers_subscription(
    customers,
    seed,  # noqa: F811
    staff,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from subscriptions.models import MollieCustomer, Plan, Subscription

    english = customers[0]
    plan = Plan.objects.create(name="Basis", price=Decimal("25.00"))
    Subscription.objects.create(
        user=english,
        customer=MollieCustomer.objects.create(user=english, mollie_id="cst_statement1"),
        plan=plan,
        amount_net=Decimal("25.00"),
        vat_rate=Decimal("21.0"),
        amount_gross=Decimal("30.25"),
        language="en",
    )
    _publish(staff, django_capture_on_commit_callbacks, summary_en="Invoices are kept longer.")
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address[english.email].subject == "Our privacy statement is changing"
    assert "Invoices are kept longer." in by_address[english.email].body
    assert by_address[customers[1].email].subject == "Onze privacyverklaring wijzigt"


def test_a_mail_that_fails_is_not_recorded_and_goes_out_on_the_retry(
    customers,
    seed,  # noqa: F811
    staff,  # noqa: F811
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    version = make_draft(effective_date=timezone.localdate() + timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=False):
        statement_services.publish_version(version=version, by=staff)
    calls = {"n": 0}
    real_send = statement_services.render_and_send

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("SMTP weg")
        return real_send(*args, **kwargs)

    monkeypatch.setattr(statement_services, "render_and_send", flaky)
    ids = [c.pk for c in customers]
    with pytest.raises(OSError):
        statement_services.announce_to(version_id=version.pk, user_ids=ids)
    assert StatementAnnouncement.objects.filter(version=version).count() == 2 == len(mail.outbox)
    assert statement_services.announce_to(version_id=version.pk, user_ids=ids) == len(customers) - 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in customers)


def test_staff_see_how_many_customers_were_mailed(
    customers,
    seed,  # noqa: F811
    staff,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from django.test import Client

    _publish(staff, django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(staff)
    page = client.get("/admin/consent/statementversion/").content.decode()
    assert f'<td class="field-mailed">{len(customers)}</td>' in page
