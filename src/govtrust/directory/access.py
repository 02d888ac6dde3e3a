"""View helpers: the policy's capability check as a decorator, and turning service refusals
into pages. Who may do what is decided in directory/policy.py alone."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from govtrust.core.errors import DomainError, NotFound
from govtrust.directory import policy
from govtrust.directory.models import User

F = TypeVar("F", bound=Callable[..., HttpResponseBase])


def staff_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("未登录")
    return user


def capability_required(capability: str) -> Callable[[F], F]:
    """A page for the holders of one capability of the access policy; others get 403."""

    def decorator(view: F) -> F:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not policy.permits(staff_user(request), capability):
                raise PermissionDenied(policy.CAPABILITIES[capability].refusal)
            return view(request, *args, **kwargs)

        return cast(F, wrapped)

    return decorator


R = TypeVar("R")


def refusal_lines(exc: DomainError) -> list[tuple[str, str]]:
    """A refusal for a form page: its sentence, then what it says of each field."""
    return [("__all__", exc.detail), *((f, m) for f, m in exc.errors if m != exc.detail)]


def posted_int(request: HttpRequest, name: str) -> int:
    """A whole number from a form field, 0 when absent or not one (a version, a row): the
    service then refuses it in words. `isdecimal`, not `isdigit`: int("²") fails."""
    value = request.POST.get(name, "")
    return int(value) if value.isdecimal() and len(value) < 19 else 0


def posted_ids(request: HttpRequest, name: str = "ids") -> list[int]:
    """The ticked row ids of a bulk form; anything that is no id (letters, 5,000 digits, which
    int() refuses past Python's limit) is left out."""
    return [int(v) for v in request.POST.getlist(name) if v.isdecimal() and len(v) < 19]


def attempt(request: HttpRequest, call: Callable[[], R]) -> R | None:
    """Run a form post's service call: out of scope becomes 404, a refusal becomes an error
    message on the page the post redirects to (and None)."""
    try:
        return call()
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    except DomainError as exc:
        messages.error(request, exc.detail)
        return None
