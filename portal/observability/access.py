"""Who may read the metrics and the jobs' details: the addresses in
``settings.METRICS_ALLOWED_IPS``, judged by the project's one client-IP resolver, so a client
that forges X-Forwarded-For is judged by its own address (core.client_ip)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

from core.client_ip import resolve_client_ip


@lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]):
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


def is_monitoring_client(request: HttpRequest) -> bool:
    client = resolve_client_ip(request)
    if not client:
        return False
    address = ipaddress.ip_address(client)
    candidates = [address]
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        candidates.append(address.ipv4_mapped)  # an IPv4 client on a dual-stack socket
    networks = _networks(tuple(settings.METRICS_ALLOWED_IPS))
    return any(candidate in network for candidate in candidates for network in networks)
