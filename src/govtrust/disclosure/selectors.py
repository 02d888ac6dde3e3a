"""The public side's only reads. Nothing that is not published (drafts, returned, withdrawn,
expired) can be reached through these, whatever the parameters."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, cast

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property

from govtrust.core.errors import NotFound
from govtrust.disclosure import search_sql
from govtrust.disclosure.models import Publication, PublicationStatus
from govtrust.disclosure.search import search


@dataclass(frozen=True)
class Filters:
    q: str = ""
    prefecture: str = ""
    county: str = ""
    subject_kind: str = ""
    source_type: str = ""
    domain: str = ""
    severity: str = ""
    year: int | None = None


def publications_public(today: datetime.date | None = None) -> QuerySet[Publication]:
    """On the portal today: published, and not past the end of the period even if the daily
    job has not yet run."""
    today = today or timezone.localdate()
    # The last day belongs to the period (民法典 第二百零二条); the court's list may have no end.
    # One expression, not `IS NULL OR >=`: SQLite answered that OR from the maximum_end index,
    # collecting every open record and sorting them for a page (41 ms at 20,000; browsing
    # everything), where walking (status, published_at) newest first stops after one page.
    open_until = Coalesce("maximum_end", Value(datetime.date.max))
    return Publication.objects.alias(open_until=open_until).filter(
        open_until__gte=today, status=PublicationStatus.PUBLISHED
    )


def publication_search(filters: Filters) -> QuerySet[Publication]:
    qs = publications_public()
    exact = {
        "prefecture_code": filters.prefecture,
        "county_code": filters.county,
        "subject_kind": filters.subject_kind,
        "source_type": filters.source_type,
        "domain": filters.domain,
        "severity": filters.severity,
    }
    qs = qs.filter(**{k: v for k, v in exact.items() if v})
    if filters.year:
        qs = qs.filter(decision_date__year=filters.year)
    return search(qs, filters.q[:100])


COUNT_CAP = 1000  # counted exactly up to here; beyond it "1000+" (counting 300k matches is slow)


def count_capped(qs: QuerySet[Publication]) -> tuple[int, bool]:
    """(number of results up to COUNT_CAP, whether there are more)."""
    found = qs.order_by()[: COUNT_CAP + 1].count()
    return min(found, COUNT_CAP), found > COUNT_CAP


def public_page(
    filters: Filters, offset: int, limit: int
) -> tuple[list[search_sql.Row], int, bool]:
    """A page of the public search, the matches counted up to COUNT_CAP, and whether there are
    more. SQLite: the statements written once (`search_sql`, no ORM compilation); PostgreSQL:
    the ORM's, which compiles in a fraction of its planning time there."""
    if connection.vendor == "sqlite":
        return search_sql.page(filters, offset, limit, COUNT_CAP)
    qs = publication_search(filters)
    rows = [
        search_sql.Row(p.number, p.view, p.status_line, p.published_at, p.leaf_index)
        for p in qs[offset : offset + limit]
    ]
    count, more = count_capped(qs)
    return rows, count, more


class CappedPaginator(Paginator[Publication]):
    """Pages over at most COUNT_CAP results: nobody pages past fifty pages, they refine."""

    @cached_property
    def _capped(self) -> tuple[int, bool]:
        return count_capped(cast(QuerySet[Publication], self.object_list))

    @cached_property
    def count(self) -> int:
        return self._capped[0]

    @cached_property
    def more(self) -> bool:
        return self._capped[1]


class _Written:
    """The public search as the sequence Django's Paginator pages over (SQLite): `count()` is the
    capped count, a slice one page, each read with the written statements of `search_sql`."""

    def __init__(self, filters: Filters) -> None:
        self.search = search_sql.Search(filters)
        self.capped = self.search.count(COUNT_CAP)

    def count(self) -> int:
        return self.capped[0]

    def __len__(self) -> int:
        return self.capped[0]

    def __getitem__(self, index: slice) -> list[search_sql.Row]:
        start, stop = index.start or 0, index.stop or 0
        return self.search.rows(start, max(0, stop - start))


class WrittenPaginator(Paginator[search_sql.Row]):
    """Pages of at most COUNT_CAP results, as CappedPaginator, without the ORM (SQLite)."""

    def __init__(self, filters: Filters, per_page: int) -> None:
        self.written = _Written(filters)
        super().__init__(self.written, per_page)  # type: ignore[arg-type]

    @cached_property
    def count(self) -> int:
        return self.written.capped[0]

    @cached_property
    def more(self) -> bool:
        return self.written.capped[1]


def public_paginator(filters: Filters, per_page: int) -> Paginator[Any]:
    """The portal's pages of the public search: written SQL on SQLite, the ORM elsewhere."""
    if connection.vendor == "sqlite":
        return WrittenPaginator(filters, per_page)
    return CappedPaginator(publication_search(filters), per_page)


def publication_public_get(number: str) -> Publication:
    publication = publications_public().filter(number=number[:24]).first()
    if publication is None:
        raise NotFound("未找到该公示记录，或已不在公示期内")
    return publication
