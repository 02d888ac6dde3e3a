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


def _scheme(networks: tuple[object, ...], peer: str) -> tuple[bool, str | None]:
    """is_secure() and the header as the view sees them, for a request claiming HTTPS."""
    seen: list[tuple[bool, str | None]] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append((request.is_secure(), request.META.get("HTTP_X_FORWARDED_PROTO")))
        return HttpResponse()

    middleware = TrustedProxyMiddleware(view)
    middleware.networks = networks  # type: ignore[assignment]
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_PROTO="https")
    middleware(request)
    return seen[0]


def test_x_forwarded_proto_is_honoured_only_from_a_trusted_proxy() -> None:
    """SECURE_PROXY_SSL_HEADER makes Django believe X-Forwarded-Proto; only a trusted proxy
    (which overwrites it) may set it: from a trusted peer the request is secure, from any other
    peer, or with no trusted proxies configured, the header is dropped and it is not."""
    assert _scheme(LB, "10.0.0.2") == (True, "https")
    assert _scheme(LB, "203.0.113.9") == (False, None)
    assert _scheme((), "10.0.0.2") == (False, None)
    assert _scheme((), "127.0.0.1") == (False, None)


@pytest.mark.django_db
def test_a_direct_client_claiming_https_is_still_redirected(
    settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end through the middleware stack with the HTTPS redirect on: a client that is not
    a trusted proxy sends X-Forwarded-Proto: https over plain HTTP and is redirected, while the
    same request from the trusted proxy is served."""
    from django.test import Client

    settings.SECURE_SSL_REDIRECT = True  # type: ignore[attr-defined]
    direct = Client(REMOTE_ADDR="203.0.113.9").get("/", HTTP_X_FORWARDED_PROTO="https")
    assert direct.status_code == 301 and direct["Location"].startswith("https://")
    monkeypatch.setenv("GOVTRUST_TRUSTED_PROXIES", "10.0.0.0/8")
    trusted_networks.cache_clear()
    try:
        proxied = Client(REMOTE_ADDR="10.0.0.2").get("/", HTTP_X_FORWARDED_PROTO="https")
    finally:
        monkeypatch.delenv("GOVTRUST_TRUSTED_PROXIES")
        trusted_networks.cache_clear()
    assert proxied.status_code == 200


def test_a_malformed_trusted_proxy_names_the_bad_entry() -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match=r"“10\.0\.0\.300”不是有效的地址或网段"):
        trusted_networks("10.0.0.1, 10.0.0.300")
