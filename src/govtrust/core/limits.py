"""Request size limits in one place, checked before any byte of the body is read.

- A declared Content-Length over the limit is refused at once with 413, so a 300 MB upload is never
  spooled to a temporary file by the multipart parser.
- Bodies that are not uploads (JSON, forms) may be at most DATA_UPLOAD_MAX_MEMORY_SIZE; uploads
  (multipart) at most GOVTRUST_MAX_REQUEST_BYTES (the largest accepted file plus form overhead).
- A chunked body (no Content-Length; gunicorn marks it wsgi.input_terminated; "chunked" in any
  letter case) is read in memory up to the same limits and refused as soon as it passes them.
API clients (/api/) get the house JSON error, everyone else a Chinese page; both 413.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

_READ = 1 << 16


def limit_for(request: HttpRequest) -> int:
    if (request.content_type or "").startswith("multipart/"):
        return int(settings.GOVTRUST_MAX_REQUEST_BYTES)
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def _read_capped(stream: IO[bytes], limit: int) -> bytes | None:
    """A chunked body read to its end in memory, or None as soon as it passes `limit`."""
    parts, seen = [], 0
    while chunk := stream.read(_READ):
        seen += len(chunk)
        if seen > limit:
            return None
        parts.append(chunk)
    return b"".join(parts)


def _chunked(request: HttpRequest) -> bool:
    """Transfer-Encoding names chunked, in any letter case (RFC 9112: codings are
    case-insensitive), so "Chunked" cannot slip a body past the limit."""
    codings = str(request.META.get("HTTP_TRANSFER_ENCODING", "")).lower().split(",")
    return "chunked" in (coding.strip() for coding in codings)


def refusal(request: HttpRequest, limit: int) -> HttpResponse:
    megabytes = f"{limit / 1048576:.0f}" if limit >= 1048576 else f"{limit / 1048576:.1f}"
    detail = f"请求内容过大，上限为 {megabytes} MB"
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail, "errors": []}, status=413)
    page = render_to_string("core/413.html", {"detail": detail})
    return HttpResponse(page, status=413, content_type="text/html; charset=utf-8")


class RequestLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = limit_for(request)
        declared = request.META.get("CONTENT_LENGTH")
        if declared:
            try:
                too_large = int(declared) > limit
            except ValueError:
                too_large = False  # Django reads a malformed length as no body at all
            if too_large:
                return refusal(request, limit)
        elif request.META.get("wsgi.input_terminated") and _chunked(request):
            # Django reads only Content-Length bytes, so a chunked body would be silently dropped:
            # read it here, in memory and capped, and hand it on with its length.
            body = _read_capped(request.META["wsgi.input"], limit)
            if body is None:
                return refusal(request, limit)
            request.META["CONTENT_LENGTH"] = str(len(body))
            request._stream = LimitedStream(io.BytesIO(body), len(body))  # type: ignore[assignment]
        return self.get_response(request)
