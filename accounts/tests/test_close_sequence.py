"""Closing an account is one declared, ordered sequence (settings.ACCOUNT_CLOSE_STEPS)."""

from __future__ import annotations

import pytest
from django.conf import settings

from accounts import services

CALLS: list[tuple[str, int, dict]] = []


def first_step(closure) -> None:
    CALLS.append(("first", closure.user.pk, dict(closure.mail_facts)))
    closure.mail_facts["seen_by_first"] = True


def second_step(closure) -> None:
    CALLS.append(("second", closure.user.pk, dict(closure.mail_facts)))


def test_the_closing_steps_are_billing_koppeling_sessions_and_mail_in_that_order():
    assert settings.ACCOUNT_CLOSE_STEPS == [
        "subscriptions.services.closure.billing_on_account_close",
        "koppeling.services.disconnect_on_account_close",
        "koppeling.services.api_keys_revoke_on_account_close",
        "accounts.services.sessions_end_on_account_close",
        "accounts.services.mail_on_account_close",
    ]


@pytest.mark.django_db
def test_closing_runs_the_declared_steps_in_their_order_and_each_sees_what_the_one_before_added(
    customer, settings, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_CLOSE_STEPS = [f"{__name__}.first_step", f"{__name__}.second_step"]
    CALLS.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.account_close(user=customer, by=customer)
    assert CALLS == [("first", customer.pk, {}), ("second", customer.pk, {"seen_by_first": True})]


@pytest.mark.django_db
def test_closing_an_account_already_closed_runs_no_step_again(customer, settings):
    settings.ACCOUNT_CLOSE_STEPS = [f"{__name__}.first_step"]
    services.account_close(user=customer, by=customer)
    CALLS.clear()
    services.account_close(user=customer, by=customer)
    assert CALLS == []
