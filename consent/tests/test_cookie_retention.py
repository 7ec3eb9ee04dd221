"""Cookie consent records in the register: kept three years after the decision (twelve
months in force plus two years as proof), then deleted; unlinked from the account when the
account is erased; exported and explained on "Mijn gegevens"."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts import services as account_services
from consent.cookies import services as consent_services
from consent.models import CookieConsentRecord
from consent.tests.cookie_fixtures import cookie_groups  # noqa: F401
from register import registry
from retention import selectors as retention_selectors
from retention import services as retention

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cookie_groups")]
AMS = ZoneInfo("Europe/Amsterdam")
DECIDED = datetime(2026, 3, 2, 15, 30, tzinfo=AMS)


def decide(at: datetime, *, user=None) -> CookieConsentRecord:
    with time_machine.travel(at, tick=False):
        return consent_services.cookie_choice_record(
            accepted=["analytics"], refused=[], user=user, ip="203.0.113.9", user_agent="Test/1"
        )


def run(at: datetime):
    with time_machine.travel(at, tick=False):
        return retention.enforce()


def test_the_category_is_declared_with_its_period():
    category = registry.get("cookie_consents")
    assert category.period == registry.Period(years=3)
    assert category.end_action == registry.EndAction.DELETE
    assert category.enforced and category.erase_users is not None


def test_a_record_is_kept_three_years_after_the_decision_and_deleted_the_day_after():
    record = decide(DECIDED)
    run(datetime(2029, 3, 2, 23, 59, tzinfo=AMS))  # 2 March 2026 + 3 years: kept all day
    assert CookieConsentRecord.objects.filter(pk=record.pk).exists()
    run(datetime(2029, 3, 3, 0, 0, tzinfo=AMS))
    assert not CookieConsentRecord.objects.filter(pk=record.pk).exists()


def test_a_legal_hold_keeps_the_records_of_that_customer(make_user):
    customer = make_user("jansen")
    record = decide(DECIDED, user=customer)
    retention.hold_add(user=customer, reason="Klacht bij de AP")
    run(datetime(2029, 6, 1, tzinfo=AMS))
    assert CookieConsentRecord.objects.filter(pk=record.pk).exists()


def test_erasing_the_account_unlinks_its_records_which_then_follow_their_own_period(make_user):
    customer = make_user("jansen")
    record = decide(DECIDED, user=customer)
    closed = DECIDED + timedelta(days=10)
    with time_machine.travel(closed, tick=False):
        account_services.account_close(user=customer, by=customer)
    run(closed + timedelta(days=120))  # well past the account's three months
    record.refresh_from_db()
    assert record.user_id is None
    assert record.ip_network == "203.0.113.0/24"


def test_the_records_are_in_the_export_and_explained(make_user):
    customer = make_user("jansen")
    record = decide(DECIDED, user=customer)
    data = retention_selectors.export_data(user=customer)
    exported = data["cookie_consents"]
    assert record.consent_id in str(exported) and "203.0.113.9" not in str(exported)
    with time_machine.travel(DECIDED + timedelta(days=1), tick=False):
        explanations = {e.category.name: e for e in retention_selectors.explain(user=customer)}
    explanation = explanations["cookie_consents"]
    assert explanation.held and explanation.removal_at == datetime(2029, 3, 3, 0, 0, tzinfo=AMS)
