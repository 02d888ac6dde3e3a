"""Request guards: idle session timeout (等保 8.1.4.1 d), and NUL characters refused."""

from __future__ import annotations

import json
import re
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
# A NUL in a JSON text: the raw byte, or the escape \u0000 after an even number of backslashes
# (`\\u0000` is an escaped backslash and the letters u0000, which is harmless text).
_JSON_NUL = re.compile(rb"\x00|(?<!\\)(?:\\\\)*\\u0000")
# The escape of a UTF-16 surrogate: paired, json.loads joins two into one character; alone, the
# string cannot be encoded as UTF-8 and every database write or hash of it fails (a 500).
_JSON_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_NUL = "请求含有非法字符（NUL），已拒绝"
_SURROGATE = "请求含有无法编码的字符（单独的UTF-16代理项），已拒绝"


def _fields(query: QueryDict) -> list[str]:
    return [text for key, items in query.lists() for text in (key, *items)]


def _lone_surrogate(body: bytes) -> bool:
    """Whether a JSON body decodes to text with an unpaired surrogate. Parsed only when the
    escape appears at all; a body that is no JSON is left to the API to answer."""
    if _JSON_SURROGATE.search(body) is None:
        return False
    try:
        json.dumps(json.loads(body), ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return True
    except (ValueError, RecursionError):
        return False
    return False


def _refusal(request: HttpRequest) -> str | None:
    """Why the request is refused before any view, or None."""
    if any("\x00" in value for value in [request.path, *_fields(request.GET)]):
        return _NUL
    if request.method not in _BODY_METHODS:
        return None
    if (request.content_type or "").startswith(_FORMS):
        # Form fields are checked decoded; uploaded files may hold NUL bytes legitimately.
        if request.method == "POST" and any("\x00" in v for v in _fields(request.POST)):
            return _NUL
        return None
    # Any other body is what the API parses as JSON, whatever its declared type (django-ninja
    # reads request.body for every Body parameter), so it is searched without parsing it. A raw
    # NUL byte also refuses JSON in UTF-16 or UTF-32, which json.loads would accept: the API
    # speaks UTF-8, as RFC 8259 section 8.1 requires between systems.
    if _JSON_NUL.search(request.body) is not None:
        return _NUL
    return _SURROGATE if _lone_surrogate(request.body) else None


class RejectNulMiddleware:
    """A NUL character in the path, the query, a form field or a JSON body is refused with 400
    before any view runs: it belongs in no identifier or text, and PostgreSQL fails on it (a
    500) in text and in jsonb. So is a JSON string with an unpaired surrogate, which no
    database or hash can encode."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        detail = _refusal(request)
        if detail is not None:
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": detail, "errors": []}, status=400)
            return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
