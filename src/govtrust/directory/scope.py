"""Data scope by administrative level.

A user reads and writes its own unit and what lies below it, never a sibling's. Division codes
nest by prefix, so "below" is `code.startswith(user's code)`; every selector and service asks
here rather than comparing codes itself.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from govtrust.core.errors import NotFound
from govtrust.directory.models import User

M = TypeVar("M", bound=Model)


def covers(user: User, division_code: str) -> bool:
    return division_code.startswith(user.scope_code)


def within(qs: QuerySet[M], user: User, field: str = "division_code") -> QuerySet[M]:
    return qs.filter(**{f"{field}__startswith": user.scope_code})


def require(user: User, division_code: str) -> None:
    """Raise NotFound (404) for an object outside scope: its existence is not disclosed."""
    if not covers(user, division_code):
        raise NotFound()
