"""Audit events for sign-in, sign-out and failed sign-in (等保 8.1.4.3).

Django's auth framework announces these only through its signals, so this is the one place the
project listens to signals; domain changes are audited by the services themselves. Sign-in also
records the session (so the security administrator can list and end it) and a failure counts
against its address.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from govtrust.core import throttle
from govtrust.core.audit import audit_append
from govtrust.core.http import client_address
from govtrust.directory.services_accounts import session_forget, session_record


def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        session_record(
            user=user,
            session_key=session_key,
            address=client_address(request),
            user_agent=str(request.META.get("HTTP_USER_AGENT", "")),
        )
    audit_append(
        actor=user.username,
        action="auth.login",
        object_type="user",
        object_id=user.pk,
        after={"address": client_address(request)},
    )


def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        session_forget(session_key=session_key)
    if user is not None:
        audit_append(
            actor=user.username,
            action="auth.logout",
            object_type="user",
            object_id=user.pk,
            after={"address": client_address(request)},
        )


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    address = client_address(request)
    if request is not None:
        # Password spraying is one address failing on many accounts: count the accounts, not
        # the attempts, so an office behind one NAT address whose staff mistype their own
        # passwords is not shut out (each account locks by itself, per address, in axes).
        window = settings.GOVTRUST_LOGIN_ADDRESS_WINDOW
        if throttle.hit("login-address-account", f"{address} {username}", window) == 1:
            throttle.hit("login-address", address, window)
    audit_append(
        actor=username or "anonymous",
        action="auth.login_failed",
        object_type="user",
        object_id=username,
        outcome="failure",
        after={"address": address},
    )


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="govtrust_audit_login")
    user_logged_out.connect(_logged_out, dispatch_uid="govtrust_audit_logout")
    user_login_failed.connect(_login_failed, dispatch_uid="govtrust_audit_login_failed")
