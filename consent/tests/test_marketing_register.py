"""The choice about marketing mail and the mailings sent are in the register of personal
data: on "Wat wij bewaren", in the data export, and gone with the account; a mailing's
recipient rows go a year after it was queued."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from accounts import services as account_services
from consent.marketing import services
from consent.models import Mailing, MailingRecipient, MarketingPreference
from consent.tests.marketing_helpers import mailing
from register import registry
from retention import selectors as retention_selectors
from retention import services as retention


@pytest.mark.django_db
def test_both_categories_are_declared_with_their_rules():
    preference = registry.get("marketing_preference")
    recipients = registry.get("mailing_recipients")
    assert preference.disposed_with == "account" and preference.export is not None
    assert recipients.enforced and recipients.period == registry.Period(years=1)


@pytest.mark.django_db
def test_wat_wij_bewaren_and_the_export_show_the_choice_and_the_mailings(customer):
    services.preference_set(user=customer, objected=False, via=services.Via.PREFERENCES, by=customer, language="en")
    m = services.mailing_send(mailing=mailing(), system="test")
    services.mailing_send_batch(mailing_id=m.pk)
    client = Client()
    client.force_login(customer)
    page = client.get("/portal/mijn-gegevens/").content.decode()
    assert "Keuze voor reclame per e-mail" in page and "Verstuurde aanbiedingen per e-mail" in page
    data = retention_selectors.export_data(user=customer)
    assert data["marketing_preference"]["objected"] is False and data["marketing_preference"]["language"] == "en"
    (sent,) = data["mailing_recipients"]
    assert (sent["mailing"], sent["status"], sent["email"]) == ("New: connect your CRM", "sent", customer.email)


@pytest.mark.django_db
def test_the_choice_and_the_mailings_go_with_the_account(customer):
    services.preference_set(user=customer, objected=True, via=services.Via.PREFERENCES, by=customer)
    other = services.mailing_send(mailing=mailing(), system="test")
    MailingRecipient.objects.create(mailing=other, user=customer, queued_at=timezone.now())
    closed = timezone.now()
    account_services.account_close(user=customer, by=customer)
    with time_machine.travel(closed + timedelta(days=93), tick=False):
        retention.enforce(trigger="test")
    assert not MarketingPreference.objects.exists()
    assert not MailingRecipient.objects.exists()
    assert Mailing.objects.filter(pk=other.pk).exists()  # the mailing itself names nobody


@pytest.mark.django_db
def test_recipient_rows_go_a_year_after_the_mailing_and_the_counts_stay(make_user):
    make_user("klant1")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        m = services.mailing_send(mailing=mailing(), system="test")
        services.mailing_send_batch(mailing_id=m.pk)
    last_day = registry.Period(years=1).ends_at(start)
    with time_machine.travel(last_day - timedelta(seconds=1), tick=False):
        retention.enforce(trigger="test")
        assert MailingRecipient.objects.count() == 1
    with time_machine.travel(last_day + timedelta(seconds=1), tick=False):
        retention.enforce(trigger="test")
        assert MailingRecipient.objects.count() == 0
    m.refresh_from_db()
    progress = services.mailing_progress(m)
    assert (m.sent_count, progress.sent, progress.total) == (1, 1, 1)
