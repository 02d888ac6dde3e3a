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
    """Filter with `id IN (SELECT rowid ... MATCH)`: SQLite walks the list in id order, so the
    newest-first page needs no sort. To rank, the trigram table is joined instead, which scores
    each match once (a correlated bm25 subquery per row was 10-100x slower at 1M rows); a join
    is not used otherwise, since it makes SQLite sort every match (25 ms vs 3 ms at 10k)."""
    tri = " AND ".join(_quote(w) for w in words if len(w) >= 3)
    bi = " AND ".join(_quote(w) for w in words if len(w) == 2)
    for word in (w for w in words if len(w) == 1):
        qs = qs.filter(search_text__icontains=word)
    if bi:
        qs = qs.extra(
            where=[
                "disclosure_publication.id IN (SELECT rowid FROM disclosure_fts_bi "
                "WHERE disclosure_fts_bi MATCH %s)"
            ],
            params=[bi],
        )
    if tri and not _matches_more_than("disclosure_fts_tri", tri, RANK_LIMIT):
        qs = qs.extra(
            tables=["disclosure_fts_tri"],
            where=[
                "disclosure_fts_tri.rowid = disclosure_publication.id",
                "disclosure_fts_tri MATCH %s",
            ],
            params=[tri],
            select={"relevance": "-bm25(disclosure_fts_tri)"},
        )
        return qs.order_by("-relevance", "-published_at", "-id")
    if tri:
        qs = qs.extra(
            where=[
                "disclosure_publication.id IN (SELECT rowid FROM disclosure_fts_tri "
                "WHERE disclosure_fts_tri MATCH %s)"
            ],
            params=[tri],
        )
    if not tri and not bi:
        return qs.order_by("-published_at", "-id")
    # Ids grow with publication, so this is newest first.
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
