"""Audit events for sign-in, sign-out and failed sign-in (等保 8.1.4.3).

Django's auth framework announces these only through its signals, so this is the one place the
project listens to signals; domain changes are audited by the services themselves.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from govtrust.core.audit import audit_append
from govtrust.core.http import client_address


def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit_append(
        actor=user.username,
        action="auth.login",
        object_type="user",
        object_id=user.pk,
        after={"address": client_address(request)},
    )


def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
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
    audit_append(
        actor=username or "anonymous",
        action="auth.login_failed",
        object_type="user",
        object_id=username,
        outcome="failure",
        after={"address": client_address(request)},
    )


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="govtrust_audit_login")
    user_logged_out.connect(_logged_out, dispatch_uid="govtrust_audit_logout")
    user_login_failed.connect(_login_failed, dispatch_uid="govtrust_audit_login_failed")
