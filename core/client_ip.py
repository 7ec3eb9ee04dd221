"""One answer to "who is the client?" for allauth, axes and the audit trail.

Behind ``TRUSTED_PROXY_COUNT`` proxies, each proxy appends the address it saw to
X-Forwarded-For, so the client is the entry that many places from the right; anything to
its left was written by the client and is not trusted. Without proxies the socket address
is the answer and X-Forwarded-For is ignored. The header is read only from a peer (the
socket address) listed in ``TRUSTED_PROXIES``: a client that reaches the application server
directly cannot choose its own address by sending one.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # IPv4 with a port
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def peer_is_trusted_proxy(peer: str | None) -> bool:
    if peer is None:
        return False
    address = ipaddress.ip_address(peer)
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def resolve_client_ip(request: HttpRequest) -> str | None:
    cached = getattr(request, "_portal_client_ip", False)
    if cached is not False:
        return cached
    proxies = settings.TRUSTED_PROXY_COUNT
    peer = _clean(request.META.get("REMOTE_ADDR"))
    ip: str | None = None
    if proxies > 0 and peer_is_trusted_proxy(peer):
        entries = [e for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
        if len(entries) >= proxies:
            ip = _clean(entries[-proxies])
    if ip is None:
        # No proxy configured, or a request that did not pass through all of them: the
        # socket address is the only thing nobody but the network can forge.
        ip = peer
    request._portal_client_ip = ip  # type: ignore[attr-defined]
    return ip


def axes_client_ip(request: HttpRequest) -> str:
    # An unresolvable address still needs a key (and axes stores it in an inet column):
    # 0.0.0.0 groups only the unresolvable requests, it never matches a real client.
    return resolve_client_ip(request) or "0.0.0.0"  # noqa: S104
