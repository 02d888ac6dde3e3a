"""Pages: a service's refusal becomes the page a user expects. NotFound (absent, or outside the
access policy's reach) is a 404 and Forbidden a 403, whichever view the service was called from,
so no view needs its own try/except for them. The API has its own handler (config/api.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from govtrust.core.errors import Forbidden, NotFound


class RefusalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        # Raised here, Django's own handlers render the 404 and 403 pages.
        if isinstance(exception, NotFound):
            raise Http404(exception.detail) from exception
        if isinstance(exception, Forbidden):
            raise PermissionDenied(exception.detail) from exception
