"""Settings that could only fail later refuse the start (issue 18, item 9): a proxy list that
covers every address in pieces, a Mollie key of the wrong shape, a token key that is not a
Fernet key. Each is tried on a real `manage.py check` in production mode."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from portal.deployment import check_fernet_keys, check_mollie_api_key, covered_families, parse_networks
from portal.tests.test_production_settings import PRODUCTION_ENV, manage


def refused(**changes: str) -> str:
    result = manage("check", env={**PRODUCTION_ENV, **changes})
    assert result.returncode != 0, f"started with {changes}"
    return result.stderr


def started(**changes: str) -> None:
    result = manage("check", env={**PRODUCTION_ENV, **changes})
    assert result.returncode == 0, result.stdout + result.stderr


EVERY_ADDRESS_IN_PIECES = [
    "0.0.0.0/0",
    "0.0.0.0/1,128.0.0.0/1",
    "128.0.0.0/1,0.0.0.0/2,64.0.0.0/2",
    "::/0",
    "::/1,8000::/1",
    "127.0.0.1,::/1,8000::/1",
    "::ffff:0.0.0.0/97,::ffff:128.0.0.0/97",  # every IPv4 client of a dual-stack socket
    "::/64,::/1,8000::/1",
]


@pytest.mark.parametrize("proxies", EVERY_ADDRESS_IN_PIECES)
def test_networks_that_together_cover_every_address_are_recognised(proxies):
    assert covered_families(parse_networks("TRUSTED_PROXIES", proxies.split(",")))


@pytest.mark.parametrize(
    "proxies", ["0.0.0.0/1", "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16", "127.0.0.1,::1", "8000::/1", "::ffff:0:0/97"]
)
def test_networks_that_leave_addresses_out_are_not(proxies):
    assert covered_families(parse_networks("TRUSTED_PROXIES", proxies.split(","))) == []


def test_trusted_proxies_that_cover_every_address_in_pieces_refuse_the_start():
    assert "TRUSTED_PROXIES must name the proxies or hosts, not every IPv4 address" in refused(
        TRUSTED_PROXIES="127.0.0.1,0.0.0.0/1,128.0.0.0/1"
    )
    assert "not every IPv4 and every IPv6 address" in refused(TRUSTED_PROXIES="::/1,8000::/1")
    started(TRUSTED_PROXIES="10.0.0.0/8,::1")


def test_the_same_rule_holds_for_the_metrics_addresses():
    assert "METRICS_ALLOWED_IPS must name the proxies or hosts, not every IPv4" in refused(
        METRICS_ALLOWED_IPS="0.0.0.0/1,128.0.0.0/1"
    )
    started(METRICS_ALLOWED_IPS="10.0.5.0/24,127.0.0.1")


def test_which_families_are_covered():
    assert covered_families(parse_networks("X", ["0.0.0.0/1", "128.0.0.0/1"])) == ["IPv4"]
    assert covered_families(parse_networks("X", ["::/0"])) == ["IPv4", "IPv6"]  # ::ffff:0:0/96 lies inside
    assert covered_families(parse_networks("X", ["0.0.0.0/1", "128.0.0.0/2", "8000::/1"])) == []
    # ::/1 holds ::ffff:0:0/96, where a dual-stack socket puts every IPv4 client.
    assert covered_families(parse_networks("X", ["::/1"])) == ["IPv4"]


@pytest.mark.parametrize(
    "key",
    [
        "sk_live_0123456789abcdefghijklmnopqrst",  # another provider's key
        "live_short",  # cut off
        "test_dHar4XY7LxsDOtmnkVtjNVWXLSlX",  # 28 characters after the prefix
        "LIVE_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM",
        "live_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM ",  # a space pasted along
        "live_dHar4XY7LxsDOtmnkVtjNVWXLSl-sM",
        "access_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM",  # an OAuth token is no API key
    ],
)
def test_a_mollie_key_of_the_wrong_shape_is_refused(key):
    with pytest.raises(ImproperlyConfigured, match="MOLLIE_API_KEY is not a Mollie API key") as refusal:
        check_mollie_api_key(key)
    assert key[6:] not in str(refusal.value)  # the message does not print the key


def test_a_mollie_key_of_the_wrong_shape_refuses_the_start():
    assert "MOLLIE_API_KEY is not a Mollie API key" in refused(MOLLIE_API_KEY="test_dHar4XY7LxsDOtmnkVtjNVWXLSlX")
    started(MOLLIE_API_KEY="test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM")  # Mollie's documented example


@pytest.mark.parametrize("key", ["live_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM", "test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM"])
def test_a_mollie_key_as_mollie_hands_them_out_is_accepted(key):
    assert check_mollie_api_key(key) == key


@pytest.mark.parametrize(
    "key",
    [
        "not-a-key",
        "ODAhnUeRSYcCFF8WLAbBCHeKWaeUEHB1AMdWRrcvKo==",  # 31 bytes
        "ODAhnUeRSYcCFF8WLAbBCHeKWaeUEHB1AMdWRrcvKoQ=,geheim",  # the second of two
    ],
)
def test_a_koppeling_token_key_that_is_not_a_fernet_key_is_refused(key):
    with pytest.raises(ImproperlyConfigured, match="KOPPELING_TOKEN_KEY: key [12] is not a Fernet key"):
        check_fernet_keys("KOPPELING_TOKEN_KEY", key.split(","))


def test_a_koppeling_token_key_that_is_not_a_fernet_key_refuses_the_start():
    assert "KOPPELING_TOKEN_KEY: key 2 is not a Fernet key" in refused(
        KOPPELING_TOKEN_KEY=f"{PRODUCTION_ENV['KOPPELING_TOKEN_KEY']},geheim"
    )
    started(KOPPELING_TOKEN_KEY=f"{Fernet.generate_key().decode()},{PRODUCTION_ENV['KOPPELING_TOKEN_KEY']}")
