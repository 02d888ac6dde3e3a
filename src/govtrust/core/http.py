"""Small request helpers shared by views, the API and the auth audit."""

from __future__ import annotations

from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str:
    """The peer address. Behind a proxy, configure it to set REMOTE_ADDR (gunicorn's
    --forwarded-allow-ips); a client-sent X-Forwarded-For is never trusted here, since the
    public forms' rate limits key on this value."""
    return str(request.META.get("REMOTE_ADDR", "")) if request is not None else ""
