"""Screening of award candidates (评优评先信用审查, plan 三(二)4).

Identifiers first: a candidate's USCC, or the keyed hash of its citizen ID number, is looked up
among the subjects of measures that restrict honours or awards today. Then names: normalised
(full-width, spaces, punctuation, suffixes such as 人民政府 / 政府), exact, then rapidfuzz scores
above a threshold, with same-pinyin names flagged. Every match lists its features and score; a
name match without an identifier match needs a reviewer, whose judgement (confirm or dismiss) is
remembered per (candidate, record).

Speed (bench/bench_screening.py: 10,000 candidates against 50,000 measures in about half a
second): the index reads only the columns it needs (no model instances); each identifier is
checked and hashed once per call and each distinct name matched once; fuzzy scoring skips the
name lengths that cannot reach THRESHOLD (`_reachable`, exact), so two- and three-character
names, most candidates, never reach rapidfuzz; pinyin is cached per name. The Index is kept
between calls (`cached_index`) while the restrictions generation (core/generation.py) stands:
every writer of measures and of records' names moves it, services and triggers alike.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process

from govtrust.core import generation
from govtrust.core.audit import audit_append
from govtrust.core.errors import NotFound
from govtrust.core.gcpause import gc_paused
from govtrust.core.identifiers import check_ric, check_uscc
from govtrust.core.protect import lookup_digest, lookup_digester
from govtrust.core.text import plain
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.measures.models import Measure, MeasureKind, MeasureStatus
from govtrust.records.models import Record
from govtrust.records.workflow import Status
from govtrust.screening.models import Judgement

RESTRICTING = (MeasureKind.HONOURS, MeasureKind.AWARDS)
VERDICTS = {"clear": "无限制", "restricted": "受限", "review": "需人工复核"}
REASONS = {"name_exact": "名称一致", "name_fuzzy": "名称相近", "name_pinyin": "名称同音"}
THRESHOLD = 88.0
FUZZY_LIMIT: int | None = None  # keep every name >= THRESHOLD; pages show the best few first
_SUFFIXES = ("人民政府", "管理委员会", "管委会", "政府")
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
_KIND_LABELS = dict(MeasureKind.choices)
_KEYS_PER_QUERY = 5000
_IDENTIFIER_LABELS = {"ric": "身份证号码一致", "uscc": "统一社会信用代码一致"}


def normalize_name(name: str) -> str:
    text = _NOISE.sub("", unicodedata.normalize("NFKC", name or "")).upper()
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            return text[: -len(suffix)]
    return text


@lru_cache(maxsize=65536)
def _spoken(name: str) -> str:
    """Toneless pinyin of a normalised name (汪伟 -> wangwei). Cached: the same restricted names
    are indexed again for every screening, and candidate lists repeat names."""
    return "".join(lazy_pinyin(name))


def _reachable(size: int, other: int) -> bool:
    """Whether two different names of these lengths can score THRESHOLD with fuzz.ratio, which is
    100 * (1 - d / (size + other)) with d the insertions and deletions turning one into the other:
    d is at least the difference of the lengths, and at least 2 when the lengths are equal (one
    character replaced). So names of 2 or 3 characters (most people's) only ever match exactly,
    and a name of 11 characters only against names of 9 to 14. Exact, not a heuristic: a pair
    skipped here scores below THRESHOLD."""
    if size + other == 0:
        return False
    least = abs(size - other) or 2
    return 100.0 * (1.0 - least / (size + other)) >= THRESHOLD - 1e-6  # margin: float rounding


@dataclass(frozen=True)
class Candidate:
    row: int
    name: str
    identifier: str = ""
    unit: str = ""

    def __post_init__(self) -> None:
        # Names arrive from files and API clients; control characters match nothing and would
        # reach the database in judgement keys (PostgreSQL refuses NUL).
        for name in ("name", "identifier", "unit"):
            object.__setattr__(self, name, plain(getattr(self, name)))

    @property
    def key(self) -> str:
        """The candidate's identity for remembered judgements: its identifier's key, or its
        normalised name and unit when it has none."""
        return _candidate_key(self, _identities(self.identifier))


NAME_KEY = "name:"


def _candidate_key(
    candidate: Candidate, identities: list[tuple[str, str]], name: str | None = None
) -> str:
    """An identifier's key; without one, a digest of the normalised name (`name`, when the
    caller has it) and unit (fixed length: a long unit name must not make a match impossible to
    judge). Only identifier keys are reused by later screenings: two people may share a name
    and a unit."""
    if identities:
        return identities[0][1]
    name = normalize_name(candidate.name) if name is None else name
    named = f"{name}|{candidate.unit}".encode()
    return NAME_KEY + hashlib.sha256(named).hexdigest()[:40]


def identifier_key(identifier: str) -> str:
    identities = _identities(identifier)
    return identities[0][1] if identities else ""


def _identities(
    identifier: str, digest: Callable[[str], str] = lookup_digest
) -> list[tuple[str, str]]:
    """(kind, key) of each valid reading of an identifier: the keyed hash of a citizen ID number,
    the USCC itself. The citizen ID comes first: about one valid citizen ID number in 340 is also
    a valid USCC (18 digits whose two check characters happen to agree), and keying that person by
    the number itself would miss their records and store the number in judgements. Both readings
    are looked up, so a USCC that happens to read as a citizen ID still finds its body."""
    if not identifier:
        return []
    found = []
    ric = check_ric(identifier)
    if ric.valid:
        found.append(("ric", digest(ric.normalized)))
    uscc = check_uscc(identifier)
    if uscc.valid:
        found.append(("uscc", uscc.normalized))
    return found


@dataclass
class Match:
    record_number: str
    subject_name: str
    reason: str
    score: float
    features: list[str]
    measures: list[dict[str, Any]]
    until: datetime.date | None
    needs_review: bool


@dataclass
class Result:
    candidate: Candidate
    verdict: str  # clear / restricted / review
    until: datetime.date | None
    matches: list[Match] = field(default_factory=list)
    dismissed: int = 0

    @property
    def verdict_label(self) -> str:
        return VERDICTS[self.verdict]


@dataclass
class _Subject:
    """A record restricted today, with the measures that restrict it."""

    record_id: int
    number: str
    name: str
    key: str
    measures: list[tuple[str, datetime.date | None, str]]  # kind, ends_on, rule_code
    # What every match of this subject shows, built once by the Index (read-only).
    shown: list[dict[str, Any]] = field(default_factory=list)
    until: datetime.date | None = None

    def seal(self) -> None:
        self.shown = [
            {"kind": _KIND_LABELS.get(kind, kind), "until": ends_on, "rule": rule}
            for kind, ends_on, rule in self.measures
        ]
        ends = [ends_on for _kind, ends_on, _rule in self.measures if ends_on is not None]
        self.until = max(ends) if ends else None


class Index:
    """Subjects restricted today, by identifier key, by normalised name and by pinyin, with the
    names grouped by length for fuzzy matching."""

    def __init__(self, today: datetime.date, using: str | None = None) -> None:
        rows = (
            Measure.objects.using(using or router.db_for_read(Measure) or DEFAULT_DB_ALIAS)
            .filter(
                kind__in=RESTRICTING,
                status__in=[MeasureStatus.ACTIVE, MeasureStatus.LIGHTENED],
                ends_on__gte=today,
            )
            .order_by("record_id", "id")
            .values_list(
                "record_id",
                "kind",
                "ends_on",
                "rule_code",
                "record__number",
                "record__subject_name",
                "record__subject_key",
            )
        )
        subjects: dict[int, _Subject] = {}
        for record_id, kind, ends_on, rule, number, name, key in rows.iterator(chunk_size=2000):
            subject = subjects.get(record_id)
            if subject is None:
                subject = subjects[record_id] = _Subject(record_id, number, name, key, [])
            subject.measures.append((kind, ends_on, rule))
        self.by_key: dict[str, list[_Subject]] = defaultdict(list)
        self.by_name: dict[str, list[_Subject]] = defaultdict(list)
        normalized: dict[str, str] = {}  # subjects share names (one person, several records)
        for subject in subjects.values():
            subject.seal()
            self.by_key[subject.key].append(subject)
            if subject.name not in normalized:
                normalized[subject.name] = normalize_name(subject.name)
            self.by_name[normalized[subject.name]].append(subject)
        self.names = list(self.by_name)
        self.by_pinyin: dict[str, list[str]] = defaultdict(list)
        self._lengths: dict[int, tuple[list[str], list[int]]] = {}
        for position, name in enumerate(self.names):
            self.by_pinyin[_spoken(name)].append(name)
            names, positions = self._lengths.setdefault(len(name), ([], []))
            names.append(name)
            positions.append(position)
        self._position = {name: position for position, name in enumerate(self.names)}
        # Per candidate length, the names of every length it can reach, in one list: one
        # rapidfuzz call per candidate name instead of one per length (built on first use).
        self._reach: dict[int, tuple[list[str], list[int]]] = {}

    def _reachable_names(self, size: int) -> tuple[list[str], list[int]]:
        merged = self._reach.get(size)
        if merged is None:
            names: list[str] = []
            positions: list[int] = []
            for length, (some, where) in sorted(self._lengths.items()):
                if _reachable(size, length):
                    names += some
                    positions += where
            merged = self._reach[size] = (names, positions)
        return merged

    def fuzzy(self, name: str) -> list[tuple[str, float]]:
        """The other names among the FUZZY_LIMIT best scoring THRESHOLD or more by fuzz.ratio,
        best first, ties in index order: what `process.extract(name, self.names, scorer=fuzz.ratio,
        score_cutoff=THRESHOLD, limit=FUZZY_LIMIT)` returns, less the name itself, scoring only
        the lengths that can reach THRESHOLD (`_reachable`)."""
        found: list[tuple[float, int, str]] = []
        if name in self._position:
            found.append((100.0, self._position[name], name))
        names, positions = self._reachable_names(len(name))
        if names:
            for other, score, i in process.extract(
                name, names, scorer=fuzz.ratio, score_cutoff=THRESHOLD, limit=None
            ):
                if other != name:
                    found.append((float(score), positions[i], other))
        found.sort(key=lambda item: (-item[0], item[1]))
        return [(other, score) for score, _p, other in found[:FUZZY_LIMIT] if other != name]

    def named(self, name: str) -> list[tuple[str, float, list[str]]]:
        """Names matching a normalised candidate name: exact, fuzzy, then same pinyin."""
        found: list[tuple[str, float, list[str]]] = []
        if name in self.by_name:
            found.append((name, 100.0, ["name_exact"]))
        found += [(other, score, ["name_fuzzy"]) for other, score in self.fuzzy(name)]
        # Homophones (王伟 / 汪伟) matter for people's names, which are short.
        if len(name) <= 4:
            found += [
                (other, 90.0, ["name_pinyin"]) for other in self.by_pinyin.get(_spoken(name), [])
            ]
        return found


_cache_lock = threading.Lock()
_cached: tuple[tuple[Any, ...], Index] | None = None


def cached_index(today: datetime.date) -> Index:
    """The Index of `today`, rebuilt only when the restrictions generation (core/generation.py)
    has moved since it was built: one cheap query per call. Every write to measures, and to the
    numbers, names and keys of records, moves the generation in its own transaction (the
    services call `generation.bump`, triggers catch any other writer), and the generation is
    read before the Index's rows, so a cached Index is never older than the generation it is
    kept under. With no generation row (nothing was ever written) the Index is built afresh.
    One Index per process (the latest); it is read-only once built, so threads share it."""
    global _cached
    using = router.db_for_read(Measure) or DEFAULT_DB_ALIAS  # generation and rows: one copy
    state = generation.current(generation.RESTRICTIONS, using=using)
    if state is None:
        return Index(today, using=using)
    key = (using, str(connections[using].settings_dict.get("NAME")), state, today)
    with _cache_lock:
        held = _cached
    if held is not None and held[0] == key:
        return held[1]
    index = Index(today, using=using)
    with _cache_lock:
        _cached = (key, index)
    return index


def _match(
    subject: _Subject, reason: str, score: float, features: list[str], review: bool
) -> Match:
    return Match(
        record_number=subject.number,
        subject_name=subject.name,
        reason=reason,
        score=score,
        features=features,
        measures=list(subject.shown),
        until=subject.until,
        needs_review=review,
    )


def screen(
    candidates: list[Candidate],
    *,
    today: datetime.date,
    scope_code: str = "",
    index: Index | None = None,
) -> list[Result]:
    """Screen the candidates; judgements made in `scope_code` or above it are reused (none
    when it is empty)."""
    with gc_paused():  # a Result and its Matches per candidate: see core.gcpause
        return _screen(candidates, today=today, scope_code=scope_code, index=index)


def _screen(
    candidates: list[Candidate],
    *,
    today: datetime.date,
    scope_code: str,
    index: Index | None,
) -> list[Result]:
    index = index or cached_index(today)
    # Each identifier is checked and hashed once, each distinct name matched once.
    digest = lookup_digester()  # the key found once, not per identifier
    distinct_ids = dict.fromkeys(c.identifier for c in candidates)
    identities = {i: _identities(i, digest) for i in distinct_ids}
    normalized: dict[str, str] = {}  # lists repeat names
    names = []
    for candidate in candidates:
        name = normalized.get(candidate.name)
        if name is None:
            name = normalized[candidate.name] = normalize_name(candidate.name)
        names.append(name)
    keys = [
        _candidate_key(c, identities[c.identifier], name)
        for c, name in zip(candidates, names, strict=True)
    ]
    distinct = sorted({key for key in keys if not key.startswith(NAME_KEY)})
    # Judgements made in the screener's division or above it (policy.lineage).
    divisions = policy.lineage(scope_code) if scope_code else []
    judged: dict[tuple[str, int], bool] = {}
    for first in range(0, len(distinct) if divisions else 0, _KEYS_PER_QUERY):
        chunk = distinct[first : first + _KEYS_PER_QUERY]  # SQLite limits bound parameters
        rows = Judgement.objects.filter(candidate_key__in=chunk, division_code__in=divisions)
        judged.update(
            ((key, record), confirmed)
            for key, record, confirmed in rows.values_list(
                "candidate_key", "record_id", "confirmed"
            )
        )
    named: dict[str, list[tuple[str, float, list[str]]]] = {}
    results = []
    for candidate, key, name in zip(candidates, keys, names, strict=True):
        if name not in named:
            named[name] = index.named(name)
        result = _screen_one(
            candidate, key, identities[candidate.identifier], named[name], index, judged
        )
        results.append(result)
    return results


def _screen_one(
    candidate: Candidate,
    candidate_key: str,
    identities: list[tuple[str, str]],
    found: list[tuple[str, float, list[str]]],
    index: Index,
    judged: dict[tuple[str, int], bool],
) -> Result:
    result = Result(candidate, "clear", None)
    seen: set[int] = set()
    for kind, key in identities:
        for subject in index.by_key.get(key, []):
            if subject.record_id in seen:
                continue
            seen.add(subject.record_id)
            label = _IDENTIFIER_LABELS[kind]
            result.matches.append(_match(subject, label, 100.0, ["identifier"], review=False))
    own = {key for _kind, key in identities}
    for other, score, features in found:
        for subject in index.by_name[other]:
            if subject.record_id in seen:
                continue
            seen.add(subject.record_id)
            decision = judged.get((candidate_key, subject.record_id))
            if decision is False:
                result.dismissed += 1
                continue
            extra = ["identifier_differs"] if own and subject.key not in own else []
            if decision is True:
                confirmed = [*features, "confirmed"]
                result.matches.append(
                    _match(subject, "经人工复核确认为同一主体", score, confirmed, False)
                )
                continue
            reason = REASONS[features[0]]
            result.matches.append(_match(subject, reason, score, features + extra, review=True))
    restricting = [m for m in result.matches if not m.needs_review]
    if restricting:
        result.verdict = "restricted"
        ends = [m.until for m in restricting if m.until is not None]
        result.until = max(ends) if ends else None
    elif result.matches:
        result.verdict = "review"
    return result


def judgement_record(
    *,
    candidate_key: str,
    record_number: str,
    confirmed: bool,
    note: str,
    actor: User,
    screening: str = "",
) -> Judgement:
    """A reviewer confirms or dismisses a name match; later screenings in the reviewer's
    division and below remember it (for candidates with an identifier). The record may lie
    outside the reviewer's scope: a candidate can match a record anywhere in the province."""
    policy.require(actor, "screening.judge")
    # Only a record a screening can match: one with measures in the credit database. Any other
    # number answers as absent, so the endpoint tells nobody which drafts or records exist.
    record = (
        Record.objects.filter(number=plain(record_number)[:24], status=Status.ACCEPTED)
        .filter(measures__isnull=False)
        .distinct()
        .first()
    )
    if record is None or not candidate_key or len(candidate_key) > 128:
        raise NotFound()
    with transaction.atomic():
        judgement, _ = Judgement.objects.update_or_create(
            candidate_key=plain(candidate_key),
            record=record,
            division_code=actor.scope_code,
            defaults={
                "confirmed": confirmed,
                "note": plain(note).strip()[:200],
                "decided_by": actor,
            },
        )
        audit_append(
            actor=actor.username,
            action="screening.judge",
            object_type="record",
            object_id=record.number,
            # The key of a person is a keyed hash already; no citizen ID reaches the audit log.
            after={
                "candidate": judgement.candidate_key,
                "confirmed": confirmed,
                "note": judgement.note,
                "division": actor.scope_code,
                "screening": screening,
            },
        )
    return judgement
