"""After sign-in: a password that must be changed (one-time or expired) shuts every page but the
change-password page and sign-out; and the session's last request is recorded for the security
administrator's session list."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from govtrust.directory.models import User
from govtrust.directory.services_accounts import password_change_due, session_seen

_SEEN_KEY = "govtrust_session_seen"
# As IdleTimeoutMiddleware: one write a minute at most, not one per request.
_RESOLUTION = 60


class AccountGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, User) and user.is_authenticated:
            self._seen(request)
            if password_change_due(user) and not self._open(request.path):
                if request.path.startswith("/api/"):
                    detail = "请先修改密码"
                    return JsonResponse({"detail": detail, "errors": []}, status=403)
                return redirect("password-change")
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        return path in {reverse("password-change"), reverse("logout")} or path.startswith(
            "/static/"
        )

    @staticmethod
    def _seen(request: HttpRequest) -> None:
        key = request.session.session_key
        now = int(time.time())
        last = request.session.get(_SEEN_KEY)
        if key and (last is None or now - int(last) >= _RESOLUTION):
            request.session[_SEEN_KEY] = now
            session_seen(session_key=key)
