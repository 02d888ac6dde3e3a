"""Small request helpers shared by views, the API and the auth audit."""

from __future__ import annotations

from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str:
    """The client's address. Behind trusted reverse proxies (GOVTRUST_TRUSTED_PROXIES) the
    TrustedProxyMiddleware has already put the client's address in REMOTE_ADDR; a client-sent
    X-Forwarded-For is never trusted otherwise, since the public forms' rate limits key on it."""
    return str(request.META.get("REMOTE_ADDR", "")) if request is not None else ""
