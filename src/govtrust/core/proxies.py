"""The client's address behind trusted reverse proxies.

Every per-address control (public-form limits, sign-in throttling, django-axes lockouts, the audit
trail's address) reads REMOTE_ADDR. Behind nginx or a load balancer that is the proxy's address
for everyone, so one attacker would lock the whole public out, or the limits would never bite.
gunicorn's --forwarded-allow-ips does not rewrite REMOTE_ADDR, so this middleware does: when the
peer is one of GOVTRUST_TRUSTED_PROXIES (addresses or networks, comma-separated), the client is
the right-most X-Forwarded-For entry that is not itself a trusted proxy. Entries further left are
written by the client and can be forged, so they are never used. With no trusted proxies set
(the default) the header is ignored.

The same holds for X-Forwarded-Proto, which SECURE_PROXY_SSL_HEADER makes Django read as "the
client spoke HTTPS": it is kept only when the direct peer is a trusted proxy (which overwrites it,
deploy/nginx/govtrust.conf) and removed otherwise, so a client reaching gunicorn directly cannot
claim HTTPS (skipping the HTTPS redirect, or getting Secure cookies over plain HTTP)."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable
from functools import cache

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def trusted_networks(setting: str | None = None) -> tuple[Network, ...]:
    raw = os.environ.get("GOVTRUST_TRUSTED_PROXIES", "") if setting is None else setting
    networks = []
    for part in filter(None, (part.strip() for part in raw.split(","))):
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            # a typo here must stop start-up with a readable message, not a bare traceback
            raise ImproperlyConfigured(
                f"GOVTRUST_TRUSTED_PROXIES 中的“{part}”不是有效的地址或网段"
                "（例如 10.0.0.1 或 10.0.0.0/8，多个用英文逗号分隔）"
            ) from None
    return tuple(networks)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_behind(peer: str, forwarded: str, networks: tuple[Network, ...]) -> str:
    """The address to trust as the client's, given the peer and its X-Forwarded-For."""
    if not networks or not _trusted(peer, networks):
        return peer
    for entry in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        try:
            ipaddress.ip_address(entry)
        except ValueError:
            return peer  # a malformed hop: stop at the last address we can vouch for
        if not _trusted(entry, networks):
            return entry
    return peer


class TrustedProxyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.networks = trusted_networks()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        peer = str(request.META.get("REMOTE_ADDR", ""))
        if not (self.networks and _trusted(peer, self.networks)):
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
        if self.networks:
            request.META["REMOTE_ADDR"] = client_behind(
                peer, str(request.META.get("HTTP_X_FORWARDED_FOR", "")), self.networks
            )
        return self.get_response(request)
