"""Public full-text search over publications, one selector for both databases.

Chinese has no spaces, so words are not tokens. Terms of three characters or more go to a trigram
index (SQLite FTS5 `trigram`, PostgreSQL `pg_trgm`); two-character terms, such as the many
two-character names (王伟), go to an index of character bigrams, and single characters fall back
to a scan. Results are ordered by relevance, then by publication date; when a term matches more
than RANK_LIMIT records, newest first.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import QuerySet

from govtrust.disclosure.models import Publication

MAX_TERMS = 6


def bigrams(text: str) -> str:
    """Space-separated character pairs of every run of letters, digits or Chinese characters."""
    pairs: list[str] = []
    for run in re.findall(r"\w+", text.lower()):
        pairs += [run[i : i + 2] for i in range(len(run) - 1)]
    return " ".join(dict.fromkeys(pairs))


def terms(query: str) -> list[str]:
    return [t for t in re.findall(r"\w+", query.lower())][:MAX_TERMS]


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


# Ranking by bm25 means scoring and sorting every match; above this many matches (a frequent
# word over a million records) the newest come first instead, which keeps every query fast.
RANK_LIMIT = 5000


def _matches_more_than(table: str, expression: str, limit: int) -> bool:
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH %s LIMIT %s)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [expression, limit + 1])
        return int(cursor.fetchone()[0]) > limit


def _sqlite(qs: QuerySet[Publication], words: list[str]) -> QuerySet[Publication]:
    """Each FTS table is joined once on its rowid (the publication id), so SQLite drives the
    query from the index match; a correlated subquery per row was 10-100x slower at 1M rows."""
    tri = " AND ".join(_quote(w) for w in words if len(w) >= 3)
    bi = " AND ".join(_quote(w) for w in words if len(w) == 2)
    for word in (w for w in words if len(w) == 1):
        qs = qs.filter(search_text__icontains=word)
    tables, where, params = [], [], []
    for table, expression in (("disclosure_fts_tri", tri), ("disclosure_fts_bi", bi)):
        if expression:
            tables.append(table)
            where += [f"{table}.rowid = disclosure_publication.id", f"{table} MATCH %s"]
            params.append(expression)
    if not tables:
        return qs.order_by("-published_at", "-id")
    qs = qs.extra(tables=tables, where=where, params=params)  # noqa: S610 - parameters are bound
    if tri and not _matches_more_than("disclosure_fts_tri", tri, RANK_LIMIT):
        qs = qs.extra(select={"relevance": "-bm25(disclosure_fts_tri)"})
        return qs.order_by("-relevance", "-published_at", "-id")
    # Ids grow with publication, so this is newest first and SQLite can read the FTS index
    # in rowid order instead of sorting.
    return qs.order_by("-id")


def _postgres(qs: QuerySet[Publication], words: list[str]) -> QuerySet[Publication]:
    bi = [w for w in words if len(w) == 2]
    for word in words:
        if len(word) != 2:
            qs = qs.filter(search_text__icontains=word)
    if bi:
        qs = qs.extra(
            where=["to_tsvector('simple', bigrams) @@ to_tsquery('simple', %s)"],
            params=[" & ".join(bi)],
        )
    long = [w for w in words if len(w) >= 3]
    if long and qs.order_by()[: RANK_LIMIT + 1].count() <= RANK_LIMIT:
        qs = qs.extra(
            select={"relevance": "similarity(search_text, %s)"},
            select_params=[" ".join(long)],
        )
        return qs.order_by("-relevance", "-published_at", "-id")
    return qs.order_by("-id")


def search(qs: QuerySet[Publication], query: str) -> QuerySet[Publication]:
    words = terms(query)
    if not words:
        return qs.order_by("-published_at", "-id")
    if connection.vendor == "postgresql":
        return _postgres(qs, words)
    return _sqlite(qs, words)
