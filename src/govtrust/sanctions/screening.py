"""Screening of award candidates (评优评先信用审查, plan 三(二)4).

Identifiers first: a candidate's USCC, or the keyed hash of its citizen ID number, is looked up
among the subjects of measures that restrict honours or awards today. Then names: normalised
(full-width, spaces, punctuation, suffixes such as 人民政府 / 政府), exact, then rapidfuzz scores
above a threshold, with same-pinyin names flagged. Every match lists its features and score; a
name match without an identifier match needs a reviewer, whose judgement (confirm or dismiss) is
remembered per (candidate, record).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process

from govtrust.core.audit import audit_append
from govtrust.core.errors import Forbidden, NotFound
from govtrust.core.identifiers import check_ric, check_uscc
from govtrust.core.protect import lookup_digest
from govtrust.directory.models import Role, User
from govtrust.records.models import Record
from govtrust.sanctions.models import Judgement, Measure, MeasureKind, MeasureStatus

RESTRICTING = (MeasureKind.HONOURS, MeasureKind.AWARDS)
REASONS = {"name_exact": "名称一致", "name_fuzzy": "名称相近", "name_pinyin": "名称同音"}
THRESHOLD = 88.0
_SUFFIXES = ("人民政府", "管理委员会", "管委会", "政府")
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def normalize_name(name: str) -> str:
    text = _NOISE.sub("", unicodedata.normalize("NFKC", name or "")).upper()
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            return text[: -len(suffix)]
    return text


@dataclass(frozen=True)
class Candidate:
    row: int
    name: str
    identifier: str = ""
    unit: str = ""

    @property
    def key(self) -> str:
        """The candidate's identity for remembered judgements: its identifier's key, or its
        normalised name and unit when it has none."""
        return identifier_key(self.identifier) or f"name:{normalize_name(self.name)}|{self.unit}"


def identifier_key(identifier: str) -> str:
    uscc = check_uscc(identifier)
    if uscc.valid:
        return uscc.normalized
    ric = check_ric(identifier)
    if ric.valid:
        return lookup_digest(ric.normalized)
    return ""


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
        return {"clear": "无限制", "restricted": "受限", "review": "需人工复核"}[self.verdict]


@dataclass
class _Subject:
    record: Record
    measures: list[Measure]

    @property
    def until(self) -> datetime.date | None:
        ends = [m.ends_on for m in self.measures if m.ends_on is not None]
        return max(ends) if ends else None


class Index:
    """Subjects restricted today, by identifier key and by normalised name."""

    def __init__(self, today: datetime.date) -> None:
        measures = (
            Measure.objects.filter(
                kind__in=RESTRICTING,
                status__in=[MeasureStatus.ACTIVE, MeasureStatus.LIGHTENED],
                ends_on__gte=today,
            )
            .select_related("record")
            .order_by("record_id", "id")
        )
        subjects: dict[int, _Subject] = {}
        for measure in measures.iterator(chunk_size=2000):
            subjects.setdefault(measure.record_id, _Subject(measure.record, [])).measures.append(
                measure
            )
        self.by_key: dict[str, list[_Subject]] = defaultdict(list)
        self.by_name: dict[str, list[_Subject]] = defaultdict(list)
        for subject in subjects.values():
            self.by_key[subject.record.subject_key].append(subject)
            self.by_name[normalize_name(subject.record.subject_name)].append(subject)
        self.names = list(self.by_name)
        self.by_pinyin: dict[str, list[str]] = defaultdict(list)
        for name in self.names:
            self.by_pinyin["".join(lazy_pinyin(name))].append(name)


def _match(
    subject: _Subject, reason: str, score: float, features: list[str], review: bool
) -> Match:
    return Match(
        record_number=subject.record.number,
        subject_name=subject.record.subject_name,
        reason=reason,
        score=score,
        features=features,
        measures=[
            {"kind": m.get_kind_display(), "until": m.ends_on, "rule": m.rule_code}
            for m in subject.measures
        ],
        until=subject.until,
        needs_review=review,
    )


def screen(
    candidates: list[Candidate], *, today: datetime.date, index: Index | None = None
) -> list[Result]:
    index = index or Index(today)
    keys = {c.key for c in candidates}
    judged = {
        (j.candidate_key, j.record_id): j.confirmed
        for j in Judgement.objects.filter(candidate_key__in=keys)
    }
    return [_screen_one(c, index, judged) for c in candidates]


def _screen_one(candidate: Candidate, index: Index, judged: dict[tuple[str, int], bool]) -> Result:
    result = Result(candidate, "clear", None)
    key = identifier_key(candidate.identifier)
    seen: set[int] = set()
    for subject in index.by_key.get(key, []) if key else []:
        seen.add(subject.record.pk)
        uscc = check_uscc(candidate.identifier).valid
        label = "统一社会信用代码一致" if uscc else "身份证号码一致"
        result.matches.append(_match(subject, label, 100.0, ["identifier"], review=False))
    name = normalize_name(candidate.name)
    found: list[tuple[str, float, list[str]]] = []
    if name in index.by_name:
        found.append((name, 100.0, ["name_exact"]))
    for other, score, _i in process.extract(
        name, index.names, scorer=fuzz.ratio, score_cutoff=THRESHOLD, limit=5
    ):
        if other != name:
            found.append((other, float(score), ["name_fuzzy"]))
    # Homophones (王伟 / 汪伟) matter for people's names, which are short.
    if len(name) <= 4:
        spoken = "".join(lazy_pinyin(name))
        found += [(other, 90.0, ["name_pinyin"]) for other in index.by_pinyin.get(spoken, [])]
    for other, score, features in found:
        for subject in index.by_name[other]:
            if subject.record.pk in seen:
                continue
            seen.add(subject.record.pk)
            decision = judged.get((candidate.key, subject.record.pk))
            if decision is False:
                result.dismissed += 1
                continue
            mismatch = key and subject.record.subject_key != key
            extra = ["identifier_differs"] if mismatch else []
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
    *, candidate_key: str, record_number: str, confirmed: bool, note: str, actor: User
) -> Judgement:
    """A reviewer confirms or dismisses a name match; the next screening remembers it."""
    if actor.role not in {Role.CREDIT_OFFICE, Role.REVIEWER}:
        raise Forbidden("由审核员或信用主管部门复核")
    record = Record.objects.filter(number=record_number[:24]).first()
    if record is None or not candidate_key or len(candidate_key) > 128:
        raise NotFound()
    with transaction.atomic():
        judgement, _ = Judgement.objects.update_or_create(
            candidate_key=candidate_key,
            record=record,
            defaults={"confirmed": confirmed, "note": note.strip()[:200], "decided_by": actor},
        )
        audit_append(
            actor=actor.username,
            action="screening.judge",
            object_type="record",
            object_id=record.number,
            # The key of a person is a keyed hash already; no citizen ID reaches the audit log.
            after={"candidate": candidate_key, "confirmed": confirmed, "note": judgement.note},
        )
    return judgement
