"""Behind trusted reverse proxies the client's address is the right-most untrusted
X-Forwarded-For hop; without them, or from an untrusted peer, the header is ignored."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from govtrust.core.http import client_address
from govtrust.core.proxies import TrustedProxyMiddleware, client_behind, trusted_networks

LB = trusted_networks("10.0.0.0/8, 192.168.1.5")


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("10.0.0.2", "203.0.113.7", "203.0.113.7"),  # one proxy in front
        ("10.0.0.2", "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # client-forged left entry
        ("10.0.0.2", "203.0.113.7, 192.168.1.5", "203.0.113.7"),  # two trusted hops
        ("203.0.113.9", "1.2.3.4", "203.0.113.9"),  # untrusted peer: header ignored
        ("10.0.0.2", "", "10.0.0.2"),  # no header
        ("10.0.0.2", "not-an-ip", "10.0.0.2"),  # malformed hop
        ("10.0.0.2", "10.0.0.3", "10.0.0.2"),  # only proxies
        ("10.0.0.2", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_behind(peer: str, forwarded: str, expected: str) -> None:
    assert client_behind(peer, forwarded, LB) == expected


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert client_behind("10.0.0.2", "203.0.113.7", ()) == "10.0.0.2"


def _seen(middleware_networks: tuple[object, ...], peer: str, forwarded: str) -> str:
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(client_address(request))
        return HttpResponse()

    middleware = TrustedProxyMiddleware(view)
    middleware.networks = middleware_networks  # type: ignore[assignment]
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    middleware(request)
    return seen[0]


def test_middleware_gives_every_reader_the_client_address() -> None:
    assert _seen(LB, "10.0.0.2", "198.51.100.1, 203.0.113.7") == "203.0.113.7"
    assert _seen((), "10.0.0.2", "203.0.113.7") == "10.0.0.2"


def test_axes_uses_the_same_address() -> None:
    from axes.helpers import get_client_ip_address

    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.8", HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert get_client_ip_address(request) == "203.0.113.8"
