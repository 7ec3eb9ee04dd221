"""Settings that cannot work refuse the start.

``portal/settings.py`` calls these while it reads the environment, so a deployment with a
value that could only fail later (a proxy list that trusts the whole internet, a Mollie key
with a typo, a token key that is not a key) stops at once with a message naming the variable,
instead of running in a state nobody intended.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# IPv4 clients of a dual-stack socket arrive as ::ffff:a.b.c.d: a network inside this range
# trusts those IPv4 addresses just as much as the IPv4 network itself would.
_IPV4_MAPPED = ipaddress.ip_network("::ffff:0:0/96")
_ALL_IPV4 = ipaddress.ip_network("0.0.0.0/0")
_ALL_IPV6 = ipaddress.ip_network("::/0")

# Mollie's API keys: "live_" or "test_" and then the key itself, 30 letters and digits in the
# keys Mollie hands out (docs.mollie.com, "Authentication"); Mollie's own PHP client refuses
# fewer than 30 word characters, its Python client checks only the prefix.
MOLLIE_API_KEY = re.compile(r"(live|test)_\w{30,}", re.ASCII)


def parse_networks(name: str, values: Iterable[str]) -> list[Network]:
    """Each value an address or a network (``10.0.0.1``, ``10.0.0.0/24``, ``::1``)."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {value!r} is not an IP address or network.") from exc
    return networks


def covered_families(networks: Iterable[Network]) -> list[str]:
    """The address families ("IPv4", "IPv6") that ``networks`` cover completely, together:
    ``0.0.0.0/1`` and ``128.0.0.0/1`` are every IPv4 address as much as ``0.0.0.0/0`` is."""
    v4: list[ipaddress.IPv4Network] = []
    v6: list[ipaddress.IPv6Network] = []
    for network in networks:
        if isinstance(network, ipaddress.IPv4Network):
            v4.append(network)
            continue
        v6.append(network)
        if _IPV4_MAPPED.subnet_of(network):
            v4.append(_ALL_IPV4)
        elif network.subnet_of(_IPV4_MAPPED):
            mapped = network.network_address.ipv4_mapped
            v4.append(ipaddress.ip_network(f"{mapped}/{network.prefixlen - 96}"))
    families = []
    if _ALL_IPV4 in ipaddress.collapse_addresses(v4):
        families.append("IPv4")
    if _ALL_IPV6 in ipaddress.collapse_addresses(v6):
        families.append("IPv6")
    return families


def refuse_every_address(name: str, networks: Iterable[Network]) -> None:
    families = covered_families(networks)
    if families:
        raise ImproperlyConfigured(
            f"{name} must name the proxies or hosts, not every {' and every '.join(families)} address "
            "(the networks together cover all of them)."
        )


def check_mollie_api_key(value: str) -> str:
    if value and not MOLLIE_API_KEY.fullmatch(value):
        shown = f"{value[:5]}… ({len(value)} characters)" if len(value) > 5 else repr(value)
        raise ImproperlyConfigured(
            f"MOLLIE_API_KEY is not a Mollie API key: it must be live_ or test_ followed by at least 30 letters "
            f"and digits, as in Mollie's dashboard; got {shown}."
        )
    return value


def check_fernet_keys(name: str, keys: list[str]) -> list[str]:
    from cryptography.fernet import Fernet

    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(
                f"{name}: key {position} is not a Fernet key (32 bytes, urlsafe base64, 44 characters; "
                "`manage.py koppeling new-key` makes one)."
            ) from exc
    return keys
