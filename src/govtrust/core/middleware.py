"""Request guards: idle session timeout (等保 8.1.4.1 d), and NUL characters refused."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    QueryDict,
)

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


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _fields(query: QueryDict) -> list[str]:
    return [text for key, items in query.lists() for text in (key, *items)]


class RejectNulMiddleware:
    """A NUL character in the path, the query or a form field is refused with 400 before any
    view runs: it belongs in no identifier or text, and PostgreSQL fails on it (a 500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        values = [request.path, *_fields(request.GET)]
        if request.method == "POST" and (request.content_type or "").startswith(_FORMS):
            values += _fields(request.POST)
        if any("\x00" in value for value in values):
            detail = "请求含有非法字符（NUL），已拒绝"
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": detail, "errors": []}, status=400)
            return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
