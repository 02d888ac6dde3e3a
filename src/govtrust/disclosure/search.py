"""Public full-text search over publications, one selector for both databases.

Chinese has no spaces, so words are not tokens. Terms of three characters or more go to a trigram
index (SQLite FTS5 `trigram`, PostgreSQL `pg_trgm`); two-character terms, such as the many
two-character names (王伟), go to an index of character bigrams, and single characters fall back
to a scan. Results are ordered by relevance, then by publication date.
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


def _sqlite(qs: QuerySet[Publication], words: list[str]) -> QuerySet[Publication]:
    tri = [w for w in words if len(w) >= 3]
    bi = [w for w in words if len(w) == 2]
    single = [w for w in words if len(w) == 1]
    where, params = [], []
    if tri:
        where.append(
            "disclosure_publication.id IN (SELECT rowid FROM disclosure_fts_tri "
            "WHERE disclosure_fts_tri MATCH %s)"
        )
        params.append(" AND ".join(_quote(w) for w in tri))
    if bi:
        where.append(
            "disclosure_publication.id IN (SELECT rowid FROM disclosure_fts_bi "
            "WHERE disclosure_fts_bi MATCH %s)"
        )
        params.append(" AND ".join(_quote(w) for w in bi))
    for word in single:
        qs = qs.filter(search_text__icontains=word)
    if where:
        qs = qs.extra(where=where, params=params)  # noqa: S610 - parameters are bound
    if tri:
        qs = qs.extra(
            select={
                "relevance": "(SELECT -bm25(disclosure_fts_tri) FROM disclosure_fts_tri "
                "WHERE disclosure_fts_tri MATCH %s AND rowid = disclosure_publication.id)"
            },
            select_params=[" AND ".join(_quote(w) for w in tri)],
        )
        return qs.order_by("-relevance", "-published_at", "-id")
    return qs.order_by("-published_at", "-id")


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
    if long:
        qs = qs.extra(
            select={"relevance": "similarity(search_text, %s)"},
            select_params=[" ".join(long)],
        )
        return qs.order_by("-relevance", "-published_at", "-id")
    return qs.order_by("-published_at", "-id")


def search(qs: QuerySet[Publication], query: str) -> QuerySet[Publication]:
    words = terms(query)
    if not words:
        return qs.order_by("-published_at", "-id")
    if connection.vendor == "postgresql":
        return _postgres(qs, words)
    return _sqlite(qs, words)
