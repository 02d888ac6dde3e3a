"""A lean path for anonymous reads of the public portal and its open data.

Sessions, authentication, messages, the idle timeout and the account gate serve signed-in staff;
an anonymous GET of a public search or record page needs none of them, and paid for them on
every request. Each of those middleware is listed in settings through `StaffOnly` below, which
passes such a request straight on. A request with a session cookie or an Authorization header
(staff, API clients with a token) takes the full path, unchanged. CSRF stays as it is: it does
nothing on a GET without a form, and Django's deployment checks look for it by name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

# The disclosure app's read-only pages and open-data reads (disclosure/urls.py, disclosure/api.py):
# no forms, no cookies. The remedies pages under /gs/records/<n>/ (objection, repair) are not.
PUBLIC_READS = re.compile(
    r"^/(?:"
    r"|gs/records/[^/]+/|gs/records\.csv|gs/feed\.atom|gs/log/"
    r"|api/v1/public/records(?:/[^/]+(?:/proof)?)?"
    r"|api/v1/public/log/(?:checkpoint|consistency|public-key)"
    r")$"
)


def is_public_read(request: HttpRequest) -> bool:
    """An anonymous GET (or HEAD) of a public read: no session cookie, no Authorization."""
    known = getattr(request, "_govtrust_public_read", None)
    if known is None:
        known = bool(
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META
            and PUBLIC_READS.match(request.path_info)
        )
        request._govtrust_public_read = known  # type: ignore[attr-defined]
    return bool(known)


class StaffOnly:
    """Runs the middleware named by `wrapped`, except for public reads (`is_public_read`)."""

    wrapped: ClassVar[str]

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.inner = import_string(self.wrapped)(get_response)
        # Django collects these hooks by hasattr(), so only those the wrapped one has.
        for hook in ("process_view", "process_exception"):
            if hasattr(self.inner, hook):
                setattr(self, hook, self._hook(getattr(self.inner, hook)))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_public_read(request):
            return self.get_response(request)
        response: HttpResponse = self.inner(request)
        return response

    @staticmethod
    def _hook(method: Callable[..., Any]) -> Callable[..., Any]:
        def hook(request: HttpRequest, *args: Any) -> Any:
            return None if is_public_read(request) else method(request, *args)

        return hook


class SessionMiddleware(StaffOnly):
    wrapped = "django.contrib.sessions.middleware.SessionMiddleware"


class AuthenticationMiddleware(StaffOnly):
    wrapped = "django.contrib.auth.middleware.AuthenticationMiddleware"


class MessageMiddleware(StaffOnly):
    wrapped = "django.contrib.messages.middleware.MessageMiddleware"


class IdleTimeoutMiddleware(StaffOnly):
    wrapped = "govtrust.core.middleware.IdleTimeoutMiddleware"


class AccountGateMiddleware(StaffOnly):
    wrapped = "govtrust.directory.middleware.AccountGateMiddleware"
