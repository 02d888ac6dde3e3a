"""A shared cache of the public search and record pages, with ETags and 304s.

What these pages show is a function of their URL and of `freshness.public_state()` (the log's
size, the latest checkpoint, the public-data version every other visible write moves, the day,
the rule versions and the release). The ETag is a digest of both, so it changes whenever the page
may have; the page itself is kept in Django's cache framework (the `public` alias: Redis when
REDIS_URL is set, shared by every host; else files under var/). The state is read before the page
is built: a page stored under a state is never older than that state.

Only anonymous GETs are served from it or stored (`lean.is_public_read`: no session cookie, no
Authorization header), only 200s that set no cookie; staff requests take the full path uncached.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

from govtrust.core.lean import is_public_read
from govtrust.disclosure.freshness import public_state

# The search and record pages, as HTML and as open data (disclosure/urls.py, disclosure/api.py).
CACHED = re.compile(r"^/(?:|gs/records/[^/]+/|api/v1/public/records(?:/[^/]+)?)$")
CACHE = "public"
# Headers of the stored response that are replayed (the security headers are added again by
# SecurityMiddleware, which runs before this one).
KEPT = ("Content-Type", "Content-Language", "Vary", "X-Frame-Options", "Content-Security-Policy")
# A browser or proxy may keep the page but asks again each time: a 304 costs one statement.
CACHE_CONTROL = "public, no-cache"


def etag_of(request: HttpRequest) -> str:
    state = public_state()
    digest = hashlib.sha256(f"{state}|{request.get_full_path()}".encode()).hexdigest()
    return f'"{digest[:40]}"'


def _storable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and "cookie" not in response.get("Vary", "").lower()
        # A page whose scripts carry a per-request CSP nonce must not hand one nonce to everyone.
        and "nonce-" not in response.get("Content-Security-Policy", "")
    )


class PublicCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.enabled = settings.GOVTRUST_PUBLIC_CACHE

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            not self.enabled
            or request.method != "GET"
            or not CACHED.match(request.path_info)
            or not is_public_read(request)
        ):
            return self.get_response(request)
        tag = etag_of(request)
        if tag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
            return self._tagged(HttpResponseNotModified(), tag)
        cache = caches[CACHE]
        key = "page:" + tag.strip('"')
        stored = cache.get(key)
        if stored is not None:
            headers, body = stored
            response = HttpResponse(body)
            for name, value in headers:
                response[name] = value
            return self._tagged(response, tag)
        response = self.get_response(request)
        if _storable(response):
            headers = [(name, response[name]) for name in KEPT if response.has_header(name)]
            cache.set(key, (headers, response.content))
            return self._tagged(response, tag)
        return response

    @staticmethod
    def _tagged(response: HttpResponse, tag: str) -> HttpResponse:
        response["ETag"] = tag
        response["Cache-Control"] = CACHE_CONTROL
        patch_vary_headers(response, ["Cookie", "Authorization"])  # staff are never served it
        return response
