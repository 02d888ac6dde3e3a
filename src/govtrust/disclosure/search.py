"""Public full-text search over publications, one selector for both databases.

Chinese has no spaces, so words are not tokens. Terms of three characters or more go to a trigram
index (SQLite FTS5 `trigram`, PostgreSQL `pg_trgm`); two-character terms, such as the many
two-character names (王伟), go to an index of character bigrams, which also holds the last
character of every run so that a single character is found as a prefix (the pairs it starts, or
itself where a run ends) instead of by a scan; on SQLite the table has a prefix index of one
character (migration 0010), so a common surname costs one doclist, not hundreds merged.
Results are ordered by relevance, then by publication date; when a term matches more than
RANK_LIMIT records, newest first.

On SQLite the bigram table also holds, in a second column, the values a search can be filtered by
(prefecture, county, subject kind, source, domain, severity, year of the decision) as tokens
(`#p6201 #vserious …`, migration 0012, computed from the publication's columns by the table's
content view and triggers): a filtered search is one FTS5 intersection that yields only the
matching records, instead of a join that reads every candidate row to check its columns (111 ms
for two frequent words and two filters at 1,000,000 records). The column predicates stay in the
SQL, so the tokens only narrow what is read and never decide alone.

Subject names of two to four Chinese characters (people) are also searchable by their pinyin and
initials (`wangwei`, `ww` find 王伟): `name_pinyin` appends them to the indexed text, so both
databases find them through the indexes they already have.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from pypinyin import Style, lazy_pinyin

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


_HAN = re.compile(r"[\u4e00-\u9fff]")


# Surnames read otherwise than the character's common reading (both are indexed).
SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "朴": "piao",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "盖": "ge",
    "覃": "qin",
    "乐": "yue",
    "翟": "zhai",
    "缪": "miao",
    "召": "shao",
    "种": "chong",
    "秘": "bi",
    "尉": "yu",
    "员": "yun",
    "令": "ling",
    "华": "hua",
    "任": "ren",
}


def name_pinyin(name: str) -> str:
    """Pinyin and initials of a person's name (two to four Chinese characters), space
    separated: 王伟 -> "wangwei ww"; a surname read otherwise (单 -> shan) in both readings,
    and `u` beside `v` for ü (吕 -> lvqiang, luqiang). Other names (departments, governments,
    companies) get none: "" ."""
    chars = "".join(_HAN.findall(name))
    if not 2 <= len(chars) <= 4:
        return ""
    read = lazy_pinyin(chars, style=Style.NORMAL)
    surnames = [*dict.fromkeys([SURNAME_READINGS.get(chars[0], read[0]), read[0]])]
    spellings: list[str] = []
    for first in surnames:
        spelled = first + "".join(read[1:])
        spellings += [spelled, spelled.replace("v", "u")]
    initials = ["".join(s[0] for s in [first, *read[1:]]) for first in surnames]
    tokens = [*dict.fromkeys(spellings), *dict.fromkeys(initials)]
    return " ".join(t for t in tokens if t.isascii() and t.isalpha())


# Filter tokens: (letter, filter name, column). The letter after "#" names the filter; the SQL
# expression of migration 0012 builds the same tokens from the columns.
TAGS = (
    ("p", "prefecture", "prefecture_code"),
    ("c", "county", "county_code"),
    ("k", "subject_kind", "subject_kind"),
    ("s", "source_type", "source_type"),
    ("d", "domain", "domain"),
    ("v", "severity", "severity"),
)


def filter_tags(filters: Any) -> tuple[str, ...]:
    """The index tokens of a search's filters (SQLite, see the module's docstring)."""
    found = [
        f"#{letter}{_tag(getattr(filters, name))}"
        for letter, name, _c in TAGS
        if getattr(filters, name)
    ]
    if filters.year:
        found.append(f"#y{int(filters.year):04d}")
    return tuple(found)


def _tag(value: str) -> str:
    return str(value).replace("_", "")  # civil_servant -> one token, as the index's expression


def terms(query: str) -> list[str]:
    return [t for t in re.findall(r"\w+", query.lower())][:MAX_TERMS]


def _quote(term: str) -> str:
    """An FTS5 string; a single character as a prefix query (see `bigrams`)."""
    return '"' + term.replace('"', '""') + '"' + ("*" if len(term) == 1 else "")


def _pairs(word: str) -> list[str]:
    """The bigram tokens a term needs: a pair or a single character is itself; a longer term
    each of its pairs (a record holding all of them may still not hold the term: it is checked
    on the joined row)."""
    if len(word) <= 2:
        return [word]
    return [*dict.fromkeys(word[i : i + 2] for i in range(len(word) - 1))]


def _all(tokens: Iterable[str]) -> str:
    return " AND ".join(dict.fromkeys(tokens))


# Ranking means scoring and sorting every match; above this many matches (of the whole
# search, filters included) the newest come first instead, which keeps every query fast. It is
# the public count's cap (selectors.COUNT_CAP): the capped count a page needs anyway decides it,
# so no separate probe of the index is sent (at 1,000,000 records the probe, counting up to
# 5,001 matches of the index alone, was most of a department search's 20 ms).
RANK_LIMIT = 1000


@dataclass(frozen=True)
class Plan:
    """How SQLite answers a query: one FTS table drives (joined on its rowid, the publication
    id), the other terms are checked on the joined row."""

    table: str  # the driving FTS table
    expression: str  # its MATCH expression
    checked: tuple[str, ...]  # terms checked with LIKE on search_text
    rankable: bool  # by relevance when few match (a term of 3+ characters), else newest

    words: tuple[str, ...] = ()  # every term, for `relevance`


TRI, BI = "disclosure_fts_tri", "disclosure_fts_bi"


def plan(words: list[str], tags: tuple[str, ...] = ()) -> Plan:
    """One FTS table drives the query: the trigram one when a term has three characters or
    more, else the bigram one; the page is read in rowid order, newest first, which FTS5 gives
    without sorting and stops after one page (0.1 ms at any size, where an `id IN (all
    matches)` list took 200-500 ms at 500k matches). Searches with a term of three characters
    or more and at most RANK_LIMIT matches are ranked by `relevance` instead (the caller counts).
    Terms the driving table does not hold (a two-character term beside longer ones, single
    characters beside longer terms) are checked on the joined row; single characters alone are
    prefix queries on the bigram table.

    With filter tokens (`filter_tags`), the bigram table drives: every term as its pairs (or
    prefix), AND the tokens, so FTS5 intersects them all; terms longer than a pair are checked
    on the joined row.
    """
    tri = [w for w in words if len(w) >= 3]
    if tags:
        tokens = [_quote(p) for w in words for p in _pairs(w)] + [_quote(t) for t in tags]
        return Plan(BI, _all(tokens), tuple(w for w in words if len(w) >= 3), bool(tri), (*words,))
    # A number such as the year in 〔2023〕 is in a third of all records: intersecting its
    # trigram lists cost 65 ms at 1M. It is checked on the joined rows when another term drives.
    tri = [w for w in tri if not w.isdigit()] or tri
    table = "disclosure_fts_tri" if tri else "disclosure_fts_bi"
    driving = tri or [w for w in words if len(w) == 2] or words
    expression = " AND ".join(_quote(w) for w in driving)
    checked = tuple(w for w in words if w not in driving)
    return Plan(table, expression, checked, bool(tri), (*words,))


SATURATION = 3  # occurrences of a term counted at most


def relevance(words: tuple[str, ...]) -> tuple[str, list[str]]:
    """SQL scoring a publication for the search terms, and its parameters: how often each term
    occurs in its search text, at most SATURATION times each, summed.

    Not bm25: FTS5's bm25 first counts, for each phrase of the query, every row of the whole
    table holding it (its inverse document frequency), so scoring 300 matches of two frequent
    words and two filter tokens read the tokens' entire doclists (14 ms at 20,000 records;
    hundreds at 1,000,000), and a department's ranked page read its phrase twice. Counting
    occurrences in the rows already joined costs a few microseconds per match, and only up to
    RANK_LIMIT matches are ever scored."""
    text = "disclosure_publication.search_text"
    parts = [
        f"min({SATURATION}, (length({text}) - length(replace(lower({text}), %s, ''))) / {len(w)})"
        for w in words
    ]
    return " + ".join(parts), list(words)


def _sqlite(
    qs: QuerySet[Publication], words: list[str], tags: tuple[str, ...]
) -> QuerySet[Publication]:
    """The ORM form of `plan` (the API's page and count use `search_sql`, the same SQL)."""
    found = plan(words, tags)
    table = found.table
    for word in found.checked:
        qs = qs.filter(search_text__icontains=word)
    qs = qs.extra(  # noqa: S610 - the expression is a bound parameter
        tables=[table],
        where=[f"{table}.rowid = disclosure_publication.id", f"{table} MATCH %s"],
        params=[found.expression],
    )
    if found.rankable and qs.order_by()[: RANK_LIMIT + 1].count() <= RANK_LIMIT:
        score, params = relevance(found.words)
        ranked = qs.extra(select={"relevance": score}, select_params=params)  # noqa: S610
        return ranked.order_by("-relevance", "-published_at", "-id")
    # Ids grow with publication, so rowid order is newest first.
    return qs.extra(select={"fts_rowid": f"{table}.rowid"}).order_by("-fts_rowid")  # noqa: S610


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


def search(
    qs: QuerySet[Publication], query: str, tags: tuple[str, ...] = ()
) -> QuerySet[Publication]:
    """`qs` (already filtered) searched for `query`; `tags` are the filters' index tokens
    (`filter_tags`), used on SQLite to narrow the index's matches to the filtered ones."""
    words = terms(query)
    if not words:
        return qs.order_by("-published_at", "-id")
    if connection.vendor == "postgresql":
        return _postgres(qs, words)
    return _sqlite(qs, words, tags)
