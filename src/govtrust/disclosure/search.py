"""Public full-text search over publications, one selector for both databases.

Chinese has no spaces, so words are not tokens. Terms of three characters or more go to a trigram
index (SQLite FTS5 `trigram`, PostgreSQL `pg_trgm`); two-character terms, such as the many
two-character names (王伟), go to an index of character bigrams, which also holds the last
character of every run so that a single character is found as a prefix (the pairs it starts, or
itself where a run ends) instead of by a scan; on SQLite the table has a prefix index of one
character (migration 0010), so a common surname costs one doclist, not hundreds merged.
Results are ordered by relevance, then by publication date; when a term matches more than
RANK_LIMIT records, newest first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

from govtrust.disclosure.models import Publication

MAX_TERMS = 6


def bigrams(text: str) -> str:
    """Space-separated character pairs of every run of letters, digits or Chinese characters,
    and the run's last character: every occurrence of a character then starts a token, so a
    prefix query on one character finds it (丁波 -> "丁波 波")."""
    pairs: list[str] = []
    for run in re.findall(r"\w+", text.lower()):
        pairs += [run[i : i + 2] for i in range(len(run) - 1)]
        pairs.append(run[-1])
    return " ".join(dict.fromkeys(pairs))


def terms(query: str) -> list[str]:
    return [t for t in re.findall(r"\w+", query.lower())][:MAX_TERMS]


def _quote(term: str) -> str:
    """An FTS5 string; a single character as a prefix query (see `bigrams`)."""
    return '"' + term.replace('"', '""') + '"' + ("*" if len(term) == 1 else "")


# Ranking by bm25 means scoring and sorting every match; above this many matches (a frequent
# word over a million records) the newest come first instead, which keeps every query fast.
RANK_LIMIT = 5000


def _matches_more_than(table: str, expression: str, limit: int) -> bool:
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH %s LIMIT %s)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [expression, limit + 1])
        return int(cursor.fetchone()[0]) > limit


@dataclass(frozen=True)
class Plan:
    """How SQLite answers a query: one FTS table drives (joined on its rowid, the publication
    id), the other terms are checked on the joined row."""

    table: str  # the driving FTS table
    expression: str  # its MATCH expression
    checked: tuple[str, ...]  # terms checked with LIKE on search_text
    ranked: bool  # by bm25 (few trigram matches), else newest first by rowid


def plan(words: list[str]) -> Plan:
    """One FTS table drives the query: the trigram one when a term has three characters or
    more, else the bigram one; the page is read in rowid order, newest first, which FTS5 gives
    without sorting and stops after one page (0.1 ms at any size, where an `id IN (all
    matches)` list took 200-500 ms at 500k matches). Small trigram match sets are ranked by
    bm25 instead. Terms the driving table does not hold (a two-character term beside longer
    ones, single characters beside longer terms) are checked on the joined row; single
    characters alone are prefix queries on the bigram table.
    """
    tri = [w for w in words if len(w) >= 3]
    # A number such as the year in 〔2023〕 is in a third of all records: intersecting its
    # trigram lists cost 65 ms at 1M. It is checked on the joined rows when another term drives.
    tri = [w for w in tri if not w.isdigit()] or tri
    table = "disclosure_fts_tri" if tri else "disclosure_fts_bi"
    driving = tri or [w for w in words if len(w) == 2] or words
    expression = " AND ".join(_quote(w) for w in driving)
    ranked = bool(tri) and not _matches_more_than(table, expression, RANK_LIMIT)
    checked = tuple(w for w in words if w not in driving)
    return Plan(table, expression, checked, ranked)


def _sqlite(qs: QuerySet[Publication], words: list[str]) -> QuerySet[Publication]:
    """The ORM form of `plan` (the API's page and count use `search_sql`, the same SQL)."""
    found = plan(words)
    table = found.table
    for word in found.checked:
        qs = qs.filter(search_text__icontains=word)
    select = {"relevance": f"-bm25({table})"} if found.ranked else {"fts_rowid": f"{table}.rowid"}
    qs = qs.extra(  # noqa: S610 - the expression is a bound parameter
        tables=[table],
        where=[f"{table}.rowid = disclosure_publication.id", f"{table} MATCH %s"],
        params=[found.expression],
        select=select,
    )
    if found.ranked:
        return qs.order_by("-relevance", "-published_at", "-id")
    # Ids grow with publication, so rowid order is newest first.
    return qs.order_by("-fts_rowid")


def _postgres(qs: QuerySet[Publication], words: list[str]) -> QuerySet[Publication]:
    # Two-character terms, and single characters as prefixes (see `bigrams`), go to the bigram
    # index when no longer term is there to drive through pg_trgm.
    long = [w for w in words if len(w) >= 3]
    bi = [w for w in words if len(w) == 2 or (len(w) == 1 and not long)]
    for word in words:
        if word not in bi:
            qs = qs.filter(search_text__icontains=word)
    if bi:
        qs = qs.extra(
            where=["to_tsvector('simple', bigrams) @@ to_tsquery('simple', %s)"],
            params=[" & ".join(w + (":*" if len(w) == 1 else "") for w in bi)],
        )
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
