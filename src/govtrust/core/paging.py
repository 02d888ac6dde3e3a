"""One paging shape for every API list: the caller names `offset` and `limit`, the answer says
how many there are in all (`count`) beside the page it holds, so no list is ever cut short
without saying so."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Field, Schema

T = TypeVar("T")

MAX_LIMIT = 500  # rows in one page: enough for any screen, small enough for one request


class PageQuery(Schema):
    # Bounded: an offset past 64-bit integers is a database error, not an empty page.
    offset: int = Field(0, ge=0, le=2**31, description="从第几条开始（0 起）")
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"每页条数（1 至 {MAX_LIMIT}）")


class Page(Schema, Generic[T]):
    count: int = Field(description="符合条件的总条数")
    offset: int
    limit: int
    items: list[T]


def page_of(
    rows: QuerySet[Any] | Sequence[Any], query: PageQuery, render: Callable[[Any], T]
) -> Page[T]:
    """The requested slice of `rows`, rendered, with the total count."""
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    items = [render(row) for row in rows[query.offset : query.offset + query.limit]]
    return Page[T](count=count, offset=query.offset, limit=query.limit, items=items)
