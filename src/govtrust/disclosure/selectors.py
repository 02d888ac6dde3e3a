"""The public side's only reads. Nothing that is not published (drafts, returned, withdrawn,
expired) can be reached through these, whatever the parameters."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any, cast

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property

from govtrust.core.errors import NotFound
from govtrust.core.replica import read_connection
from govtrust.disclosure import search_sql
from govtrust.disclosure.models import Publication, PublicationStatus
from govtrust.disclosure.search import filter_tags, search


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
    return search(qs, filters.q[:100], filter_tags(filters))


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


@dataclass(frozen=True)
class ProofSource:
    """What a record's public proof needs of its publication."""

    leaf_index: int | None
    salt: bytes
    view: dict[str, Any]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: list[Any]
    number_at: list[int]
    today_at: list[int]


_PROOF_SQL: dict[str, _Compiled] = {}
_SENTINELS = (("#a", datetime.date(1901, 1, 1)), ("#b", datetime.date(1902, 2, 2)))


def _proof_statement() -> _Compiled:
    """`publications_public()` for one number, compiled by the ORM once per database vendor:
    the statement is the selector's own (one definition of "on the portal"), only its
    compilation (~1 ms, more than the query) is not repeated per request. The number's and
    the day's parameter slots are found by compiling with two different sentinels of each."""
    found = _PROOF_SQL.get(connection.vendor)
    if found is not None:
        return found
    compiled = []
    for number, today in [_SENTINELS[0], (_SENTINELS[1][0], _SENTINELS[0][1]), _SENTINELS[1]]:
        qs = publications_public(today).filter(number=number)
        query = qs.values_list("leaf_index", "salt", "view")[:1].query
        compiled.append(query.get_compiler(connection=connection).as_sql())
    (sql, base), (_, other_number), (_, other_both) = compiled
    number_at = [i for i, (a, b) in enumerate(zip(base, other_number, strict=True)) if a != b]
    changed = [i for i, (a, b) in enumerate(zip(other_number, other_both, strict=True)) if a != b]
    found = _PROOF_SQL[connection.vendor] = _Compiled(sql, list(base), number_at, changed)
    return found


def publication_proof_source(number: str) -> ProofSource:
    """The proof's part of `publication_public_get`, without the ORM's per-request work."""
    statement = _proof_statement()
    params = list(statement.params)
    for i in statement.number_at:
        params[i] = number[:24]
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    for i in statement.today_at:
        params[i] = today
    with read_connection(Publication).cursor() as cursor:
        cursor.execute(statement.sql, params)
        row = cursor.fetchone()
    if row is None:
        raise NotFound("未找到该公示记录，或已不在公示期内")
    view = row[2] if isinstance(row[2], dict) else json.loads(row[2])
    return ProofSource(row[0], bytes(row[1]), view)


def publication_public_get(number: str) -> Publication:
    publication = publications_public().filter(number=number[:24]).first()
    if publication is None:
        raise NotFound("未找到该公示记录，或已不在公示期内")
    return publication
