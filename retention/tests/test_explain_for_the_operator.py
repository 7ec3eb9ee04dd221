"""`retention explain` takes an e-mail address as well as a username or id, and speaks to
the operator in one language (English): about the customer, never to them ("u", "your")."""

from __future__ import annotations

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

CUSTOMER_VOICE = re.compile(r"\b(u|uw|you|your)\b", re.IGNORECASE)
DUTCH = re.compile(r"\b(maand|maanden|jaar|dagen|dag|na|het|van|de|tot|nadat)\b")


@pytest.mark.django_db
@pytest.mark.parametrize("identifier", ["jansen@example.com", "Jansen@Example.COM", "tweede@example.com"])
def test_explain_finds_the_customer_by_any_of_their_addresses(rich_customer, capsys, identifier):
    user = rich_customer("jansen")
    EmailAddress.objects.create(user=user, email="tweede@example.com", verified=True, primary=False)
    call_command("retention", "explain", identifier)
    assert capsys.readouterr().out.startswith(f"jansen (id {user.pk})")


@pytest.mark.django_db
def test_an_unknown_address_is_a_clear_error_with_status_2(rich_customer):
    rich_customer("jansen")
    with pytest.raises(CommandError, match="no user 'niemand@example.com'") as error:
        call_command("retention", "explain", "niemand@example.com")
    assert error.value.returncode == 2


@pytest.mark.django_db
def test_an_address_of_two_accounts_asks_for_the_username(rich_customer):
    first = rich_customer("jansen")
    second = rich_customer("pietersen")
    second.email = first.email
    second.save()
    with pytest.raises(CommandError, match="more than one user") as error:
        call_command("retention", "explain", "jansen@example.com")
    assert error.value.returncode == 2


@pytest.mark.django_db
def test_explain_addresses_the_operator_in_english(rich_customer, capsys):
    rich_customer("jansen")  # not closed: the account's date is not known yet
    call_command("retention", "explain", "jansen")
    out = capsys.readouterr().out
    assert "not yet dated (3 months after the closure of the account)" in out
    assert CUSTOMER_VOICE.findall(out) == []
    assert DUTCH.findall(out) == []
    call_command("retention", "explain", "jansen", "--json")
    items = json.loads(capsys.readouterr().out)
    rules = " ".join(item["rule"] for item in items)
    assert CUSTOMER_VOICE.findall(rules) == [] and DUTCH.findall(rules) == []


@pytest.mark.django_db
def test_report_gives_periods_in_english(rich_customer, capsys):
    call_command("retention", "report")
    out = capsys.readouterr().out
    assert "months" in out and "years" in out
    assert DUTCH.findall(out) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "identifier",
    [
        "",
        "   ",
        "x" * 10_000 + "@example.com",
        "jan\x00sen@example.com",
        "<script>@example.com",
        "jänsen@exämple.com",
        "@",
    ],
)
def test_a_hostile_identifier_is_a_clear_error_with_status_2(rich_customer, identifier):
    rich_customer("jansen")
    with pytest.raises(CommandError, match="no user") as error:
        call_command("retention", "explain", identifier)
    assert error.value.returncode == 2
