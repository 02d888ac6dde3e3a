"""Idle session timeout (等保 8.1.4.1 d): a session unused for GOVTRUST_IDLE_TIMEOUT ends."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

_KEY = "govtrust_last_seen"
# Last-seen is stored at this granularity, not on every request: each store is a session write,
# and on SQLite a write waits behind a running import's transaction.
_RESOLUTION = 60


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(_KEY)
            if last is not None and now - int(last) > settings.GOVTRUST_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, "长时间未操作，已自动退出，请重新登录。")
            elif last is None or now - int(last) >= _RESOLUTION:
                request.session[_KEY] = now
        return self.get_response(request)
