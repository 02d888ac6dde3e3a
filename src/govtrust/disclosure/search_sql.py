"""The public search's page and count as SQL written once, for SQLite.

The ORM spent ~1.5 ms of CPU per request compiling the page and the count of
`selectors.publication_search` (bench/bench_search.py), ten times the SQL of most queries, and
read every column (search text, bigrams) to build model instances the API then flattened. This
module sends the very statements the ORM sent (same WHERE, same order, so the same plans), with
only the five columns the public page shows. `tests/disclosure/test_search_sql.py` checks it
returns what the ORM path returns. PostgreSQL keeps the ORM path.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from govtrust.core.replica import read_connection
from govtrust.disclosure import search
from govtrust.disclosure.models import Publication, PublicationStatus

TABLE = "disclosure_publication"

# The filters of `selectors.publication_search`, by column.
EXACT = (
    ("prefecture_code", "prefecture"),
    ("county_code", "county"),
    ("subject_kind", "subject_kind"),
    ("source_type", "source_type"),
    ("domain", "domain"),
    ("severity", "severity"),
)


@dataclass(frozen=True)
class Row:
    """What a public page shows of one publication."""

    number: str
    view: dict[str, Any]
    status_line: str
    published_at: datetime.datetime
    leaf_index: int | None


@dataclass(frozen=True)
class _Statement:
    where: list[str]
    params: list[Any]
    source: str  # FROM
    plan: search.Plan | None  # None: no words, browse order


def _where(filters: Any, today: datetime.date) -> _Statement:
    """WHERE terms and parameters, FROM, and the search's plan, as
    `selectors.publication_search` and `search._sqlite` build them."""
    where = [
        f"COALESCE({TABLE}.maximum_end, '9999-12-31') >= %s",
        f"{TABLE}.status = %s",
    ]
    params: list[Any] = [today.isoformat(), PublicationStatus.PUBLISHED.value]
    for column, name in EXACT:
        value = getattr(filters, name)
        if value:
            where.append(f"{TABLE}.{column} = %s")
            params.append(value)
    if filters.year:
        where.append(f"{TABLE}.decision_date BETWEEN %s AND %s")
        params += [f"{filters.year:04d}-01-01", f"{filters.year:04d}-12-31"]
    words = search.terms(filters.q[:100])
    if not words:
        return _Statement(where, params, TABLE, None)
    found = search.plan(words, search.filter_tags(filters))
    for word in found.checked:
        where.append(f"{TABLE}.search_text LIKE %s ESCAPE '\\'")
        params.append(f"%{connection.ops.prep_for_like_query(word)}%")
    fts = found.table
    where += [f"{fts}.rowid = {TABLE}.id", f"{fts} MATCH %s"]
    params.append(found.expression)
    return _Statement(where, params, f"{TABLE}, {fts}", found)


COLUMNS = ", ".join(
    f"{TABLE}.{c}" for c in ("number", "view", "status_line", "published_at", "leaf_index")
)


class Search:
    """One public search: its statements built once (with the ranking probe), then any page of
    it and its capped count."""

    def __init__(self, filters: Any) -> None:
        statement = _where(filters, timezone.localdate())
        self.params, self.source = statement.params, statement.source
        self.condition = " AND ".join(statement.where)
        self.counted: dict[int, tuple[int, bool]] = {}
        self.order_params: list[Any] = []
        self.score = ""  # ranked: the relevance expression
        found = statement.plan
        if found is None:
            self.order = f"{TABLE}.published_at DESC, {TABLE}.id DESC"
        elif found.rankable and not self.count(search.RANK_LIMIT)[1]:
            self.score, self.order_params = search.relevance(found.words)
            self.order = f"{self.score} DESC, {TABLE}.published_at DESC, {TABLE}.id DESC"
        else:
            self.order = f"{found.table}.rowid DESC"  # ids grow with publication: newest first

    def rows(self, offset: int, limit: int) -> list[Row]:
        select = (
            f"SELECT {COLUMNS} FROM {self.source} WHERE {self.condition} "  # noqa: S608 - fixed names, values bound
            f"ORDER BY {self.order} LIMIT %s OFFSET %s"
        )
        params = [*self.params, limit, offset]
        if self.score:
            # Ranked: every match is sorted, so sort the ids and keys only and read the page's
            # columns after (the sorter copied each match's view: 45 us a row, 14 ms for 322).
            top = (
                f"SELECT {TABLE}.id AS top_id, {self.score} AS top_score, "  # noqa: S608
                f"{TABLE}.published_at AS top_at FROM {self.source} WHERE {self.condition} "
                "ORDER BY top_score DESC, top_at DESC, top_id DESC LIMIT %s OFFSET %s"
            )
            select = (
                f"SELECT {COLUMNS} FROM ({top}) AS top JOIN {TABLE} ON {TABLE}.id = top.top_id "  # noqa: S608
                "ORDER BY top.top_score DESC, top.top_at DESC, top.top_id DESC"
            )
            params = [*self.order_params, *params]
        with read_connection(Publication).cursor() as cursor:
            cursor.execute(select, params)
            return [
                Row(
                    number=number,
                    view=json.loads(view),
                    status_line=status_line,
                    published_at=_utc(published_at),
                    leaf_index=leaf_index,
                )
                for number, view, status_line, published_at, leaf_index in cursor.fetchall()
            ]

    def count(self, cap: int) -> tuple[int, bool]:
        """(matches counted up to `cap`, whether there are more); the count of the ranking
        decision (cap RANK_LIMIT, the public cap) is not sent twice."""
        if cap in self.counted:
            return self.counted[cap]
        inner = f"SELECT 1 FROM {self.source} WHERE {self.condition} LIMIT %s"  # noqa: S608
        count = f"SELECT COUNT(*) FROM ({inner})"  # noqa: S608
        with read_connection(Publication).cursor() as cursor:
            cursor.execute(count, [*self.params, cap + 1])
            found = int(cursor.fetchone()[0])
        self.counted[cap] = (min(found, cap), found > cap)
        return self.counted[cap]


def page(filters: Any, offset: int, limit: int, cap: int) -> tuple[list[Row], int, bool]:
    """(the rows of the page, matches counted up to `cap`, whether there are more)."""
    search = Search(filters)
    rows = search.rows(offset, limit)
    return rows, *search.count(cap)


def _utc(value: Any) -> datetime.datetime:
    """Django's SQLite backend stores aware datetimes as naive UTC text."""
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        moment = datetime.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
