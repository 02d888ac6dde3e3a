"""Template context: the capabilities of the signed-in user, so that menus and buttons follow
the access policy instead of comparing roles in templates."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from govtrust.directory import policy


def capabilities(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # Lazy: public pages never ask, so they pay nothing.
    return {"can": SimpleLazyObject(lambda: policy.capabilities_of(user))}
