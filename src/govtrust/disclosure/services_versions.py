"""Publication rule versions the provincial credit office adds on the rules page (issue 12): a
sector rule, or a provincial rule naming the legal basis for publishing what is otherwise
internal. The built-in versions of rules/versions.py stay authoritative; an added version is
checked against them before it is stored, takes effect only once a second member of the office
approved it (four eyes, as for redaction rules), and is then merged into every look-up
(rules/periods.py). The daily job applies it to live publications from its effective date
(从旧兼从轻, services_periods.publications_reevaluate)."""

from __future__ import annotations

import datetime
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from govtrust.core import four_eyes
from govtrust.core.audit import audit_append
from govtrust.core.clock import today_beijing
from govtrust.core.errors import Conflict, DomainError
from govtrust.core.text import plain
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.disclosure.models import (
    RULE_VERSION_TRANSITIONS,
    Publication,
    PublicationRuleVersion,
    PublicationStatus,
    RuleVersionState,
)
from govtrust.disclosure.rules import periods
from govtrust.disclosure.rules.versions import (
    NOT_PUBLISHED,
    SEVERITIES,
    TRANSITIONAL,
    RuleVersion,
    Term,
)
from govtrust.records.models import SafetyArea, Severity, SourceType

CAPABILITY = "publication_rules.revise"
CLASS_LABELS = dict(Severity.choices)
SOURCE_LABELS = dict(SourceType.choices)
AREA_LABELS = {k: v for k, v in SafetyArea.choices if k}
# The court's list is ruled by 法释〔2017〕7号 (terms by ground, set by the court): no version
# entered here may change it.
ADDABLE_SOURCES = tuple(s for s in SourceType.values if s != SourceType.DEBTOR_LIST)
MAX_MONTHS = 120
TRANSITIONAL_TEXT = {
    "lighter": "从旧兼从轻：施行前作出的决定，本版本更有利于当事人的，适用本版本",
    "none": "本版本不适用于施行前作出的决定",
}


@dataclass(frozen=True)
class VersionIn:
    """A version as typed on the rules page. `terms`: class -> (minimum, maximum) months."""

    title: str
    doc_number: str
    article: str
    effective_from: datetime.date | None
    effective_to: datetime.date | None = None
    source_types: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    safety_areas: tuple[str, ...] = ()
    terms: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    internal: bool = False
    transitional: str = "lighter"
    transitional_text: str = ""
    note: str = ""


# ---- reading: the approved versions as RuleVersions, cached per process on a counter ----------


def _describe(term: Term) -> str:
    if not term.published:
        return "不予公示"
    if term.minimum_months is None:
        return f"最长{term.maximum_months}个月"
    return f"{term.minimum_months}个月至{term.maximum_months}个月"


def as_version(row: PublicationRuleVersion) -> RuleVersion:
    document = f"《{row.title}》（{row.doc_number}）"
    terms: dict[str, Term] = {}
    for severity in row.severities:
        low, high = row.terms.get(severity, [None, None]) if not row.internal else (None, None)
        terms[severity] = NOT_PUBLISHED if row.internal else Term(low, high)
    figures = "；".join(f"{CLASS_LABELS[s]}失信信息{_describe(t)}" for s, t in terms.items())
    areas = "、".join(AREA_LABELS[a] for a in row.safety_areas)
    scope = f"（{areas}领域）" if areas else ""
    return RuleVersion(
        rule_id=row.rule_id,
        version=row.effective_from.isoformat(),
        document=document,
        source=f"{document}{row.article}{scope}：{figures}"
        + ("（仅内部使用）" if row.internal else ""),
        effective_from=row.effective_from,
        effective_to=row.effective_to,
        source_types=frozenset(row.source_types),
        terms=MappingProxyType(terms),
        internal=row.internal,
        transitional=row.transitional,
        transitional_source=row.transitional_text or TRANSITIONAL_TEXT[row.transitional],
        severities=frozenset(row.severities),
        safety_areas=frozenset(row.safety_areas),
        added=True,
    )


def _approved() -> QuerySet[PublicationRuleVersion]:
    return PublicationRuleVersion.objects.filter(state=RuleVersionState.APPROVED)


_seen: dict[str, Any] = {"key": None, "at": -math.inf, "recheck": 5.0}


def forget() -> None:
    """Read the counter again on the next look-up (after an approval, between tests)."""
    _seen.update(key=None, at=-math.inf)


def load_added() -> tuple[RuleVersion, ...] | None:
    """The approved versions when they changed since the last call, else None. The counter (how
    many are approved, the last one) is read at most every GOVTRUST_RULES_RECHECK_SECONDS, so a
    bulk intake asking for thousands of periods reads it a few times, not per row; another
    process sees an approval within that delay, and versions take effect on a later day anyway."""
    now = time.monotonic()
    if _seen["key"] is not None and now - _seen["at"] < _seen["recheck"]:
        return None
    counter = _approved().aggregate(n=Count("id"), last=Max("id"))
    key = (counter["n"], counter["last"])
    _seen["at"] = now
    _seen["recheck"] = float(getattr(settings, "GOVTRUST_RULES_RECHECK_SECONDS", 5))
    if key == _seen["key"]:
        return None
    _seen["key"] = key
    return tuple(as_version(row) for row in _approved().order_by("id"))


# ---- checking a version before it is stored (and again before it is approved) ---------------


def _months(value: int | None, label: str, name: str) -> int | None:
    if value is not None and not 0 <= value <= MAX_MONTHS:
        raise DomainError(f"{label}应为0至{MAX_MONTHS}个月", errors=[(name, "超出范围")])
    return value


def _fail(message: str, name: str) -> DomainError:
    return DomainError(message, errors=[(name, message)])


def _texts(spec: VersionIn) -> dict[str, str]:
    title = plain(spec.title).strip().strip("《》").strip()
    out = {
        "title": title,
        "doc_number": plain(spec.doc_number).strip(),
        "article": plain(spec.article).strip(),
        "transitional_text": plain(spec.transitional_text).strip(),
        "note": plain(spec.note).strip(),
    }
    required = (("title", "文件名称", 120), ("doc_number", "文号", 60), ("article", "条款", 60))
    for name, label, length in required:
        if not out[name]:
            raise _fail(f"请填写{label}（规则版本须载明文件及条款）", name)
        if len(out[name]) > length:
            raise _fail(f"{label}不能超过{length}字", name)
    for name, length in (("transitional_text", 200), ("note", 200)):
        if len(out[name]) > length:
            raise _fail(f"内容不能超过{length}字", name)
    return out


def _scope(spec: VersionIn) -> None:
    if not spec.source_types:
        raise _fail("请选择适用的失信来源", "source_types")
    if SourceType.DEBTOR_LIST in spec.source_types:
        raise _fail(
            "失信被执行人名单的期限由法释〔2017〕7号规定，不能以规则版本修改", "source_types"
        )
    if not set(spec.source_types) <= set(ADDABLE_SOURCES):
        raise _fail("失信来源无效", "source_types")
    if not spec.severities or not set(spec.severities) <= set(SEVERITIES):
        raise _fail("请选择适用的严重程度（轻微、一般、严重）", "severities")
    if not set(spec.safety_areas) <= set(AREA_LABELS):
        raise _fail("特殊领域无效", "safety_areas")
    if spec.transitional not in TRANSITIONAL:
        raise _fail("过渡条款无效", "transitional")


def _dates(spec: VersionIn, today: datetime.date) -> datetime.date:
    start = spec.effective_from
    if start is None:
        raise _fail("请填写施行日期，如 2027-01-01", "effective_from")
    if start < today:
        raise _fail(f"施行日期不能早于今天（{today}）", "effective_from")
    if spec.effective_to is not None and spec.effective_to < start:
        raise _fail("废止日期不能早于施行日期", "effective_to")
    return start


def _terms(spec: VersionIn) -> dict[str, list[int | None]]:
    if spec.internal:
        return {}
    terms: dict[str, list[int | None]] = {}
    for severity in spec.severities:
        label = CLASS_LABELS[severity]
        low, high = spec.terms.get(severity, (None, None))
        low = _months(low, f"{label}的最短公示期", f"min-{severity}")
        high = _months(high, f"{label}的最长公示期", f"max-{severity}")
        if high is None or high == 0:
            raise _fail(f"请填写{label}失信信息的最长公示期（月）", f"max-{severity}")
        if low is not None and low > high:
            raise _fail(f"{label}的最短公示期不能长于最长公示期", f"min-{severity}")
        terms[severity] = [low, high]
    return terms


def _overlaps(
    a_from: datetime.date,
    a_to: datetime.date | None,
    b_from: datetime.date,
    b_to: datetime.date | None,
) -> bool:
    return a_from <= (b_to or datetime.date.max) and b_from <= (a_to or datetime.date.max)


def _national_ceilings(
    spec: VersionIn, start: datetime.date, terms: dict[str, list[int | None]]
) -> None:
    """Within the national versions in force over the version's dates, for each source type
    and class: no longer than their maximum, no shorter than their minimum (a sector rule may
    add a minimum, e.g. for a safety area, but not exceed the national maximum)."""
    for version in periods.all_versions():
        if version.added or version.court_list or version.internal:
            continue  # an internal national rule has no ceiling: the added text is the basis
        if not set(spec.source_types) & version.source_types:
            continue
        if not _overlaps(start, spec.effective_to, version.effective_from, version.effective_to):
            continue
        if spec.internal:
            _not_below_publication(spec, version)
            continue
        for severity, (low, high) in terms.items():
            label, national = CLASS_LABELS[severity], version.terms[severity]
            if not national.published and severity == "minor" and version.minor_on_request:
                national = version.minor_on_request
            if not national.published:
                raise _fail(
                    f"{version.document}规定{label}失信信息不予公示，规则版本不能规定公示",
                    f"max-{severity}",
                )
            ceiling, floor = national.maximum_months, national.minimum_months
            if ceiling is not None and high is not None and high > ceiling:
                raise _fail(
                    f"{label}的最长公示期{high}个月超过{version.document}规定的最长{ceiling}个月",
                    f"max-{severity}",
                )
            if floor is not None and (low or 0) < floor:
                raise _fail(
                    f"{label}的最短公示期不能短于{version.document}规定的{floor}个月",
                    f"min-{severity}",
                )


def _not_below_publication(spec: VersionIn, version: RuleVersion) -> None:
    """An internal version has no terms, so the minimums above would not see it: it may keep
    internal only what the national version does not publish (轻微 penalties, published at most
    on request). Otherwise two members of the office could take, say, every serious penalty
    off the portal, and by 从旧兼从轻 end the live ones, against the national text."""
    for severity in spec.severities:
        if version.terms[severity].published:
            raise _fail(
                f"{version.document}规定{CLASS_LABELS[severity]}失信信息应予公示，"
                "规则版本不能规定不予公示",
                "internal",
            )


def _no_overlap(spec: VersionIn, start: datetime.date, exclude: int | None) -> None:
    live = PublicationRuleVersion.objects.filter(
        state__in=(RuleVersionState.PENDING, RuleVersionState.APPROVED)
    )
    if exclude is not None:
        live = live.exclude(pk=exclude)
    for other in live:
        same = (
            set(spec.source_types) & set(other.source_types)
            and set(spec.severities) & set(other.severities)
            and (
                not spec.safety_areas
                or not other.safety_areas
                or set(spec.safety_areas) & set(other.safety_areas)
            )
        )
        if same and _overlaps(start, spec.effective_to, other.effective_from, other.effective_to):
            raise _fail(
                f"与规则版本{other.pk}（《{other.title}》，{other.effective_from}起施行，"
                f"{other.get_state_display()}）的适用范围和施行期间重叠",
                "effective_from",
            )


def checked(spec: VersionIn, *, today: datetime.date, exclude: int | None = None) -> dict[str, Any]:
    """The version as it would be stored, or a DomainError in Chinese naming the field."""
    texts = _texts(spec)
    _scope(spec)
    start = _dates(spec, today)
    terms = _terms(spec)
    _national_ceilings(spec, start, terms)
    _no_overlap(spec, start, exclude)
    return {
        **texts,
        "effective_from": start,
        "effective_to": spec.effective_to,
        "source_types": sorted(set(spec.source_types)),
        "severities": [s for s in SEVERITIES if s in spec.severities],
        "safety_areas": sorted(set(spec.safety_areas)),
        "terms": terms,
        "internal": spec.internal,
        "transitional": spec.transitional,
    }


def _spec_of(row: PublicationRuleVersion) -> VersionIn:
    return VersionIn(
        title=row.title,
        doc_number=row.doc_number,
        article=row.article,
        effective_from=row.effective_from,
        effective_to=row.effective_to,
        source_types=tuple(row.source_types),
        severities=tuple(row.severities),
        safety_areas=tuple(row.safety_areas),
        terms={k: (v[0], v[1]) for k, v in row.terms.items()},
        internal=row.internal,
        transitional=row.transitional,
        transitional_text=row.transitional_text,
        note=row.note,
    )


def _stored(row: PublicationRuleVersion) -> dict[str, Any]:
    fields = ("title", "doc_number", "article", "effective_from", "effective_to")
    more = ("source_types", "severities", "safety_areas", "terms", "internal", "transitional")
    return {name: getattr(row, name) for name in (*fields, *more)} | {"state": row.state}


# ---- writing: propose, approve, reject --------------------------------------------------------


@transaction.atomic
def rule_version_propose(*, actor: User, spec: VersionIn) -> PublicationRuleVersion:
    """Enter a version; it is stored pending and applies to nothing until approved."""
    policy.require(actor, CAPABILITY)
    data = checked(spec, today=today_beijing())
    row = PublicationRuleVersion.objects.create(
        **data, proposed_by=actor, proposed_at=timezone.now()
    )
    audit_append(
        actor=actor.username,
        action="publication_rule.propose",
        object_type="publication_rule_version",
        object_id=row.pk,
        after=_stored(row) | {"note": row.note},
    )
    return row


RULE_VERSION_PROPOSALS = four_eyes.Proposals(
    model=PublicationRuleVersion,
    table=RULE_VERSION_TRANSITIONS,
    noun="公示规则版本",
    this="该版本",
    own="规则版本",
)


def _decide(
    *,
    row: PublicationRuleVersion,
    actor: User,
    name: str,
    version: int,
    reason: str = "",
    guard: Callable[[PublicationRuleVersion], None] = lambda _r: None,
) -> PublicationRuleVersion:
    """One four-eyes decision (core/four_eyes.py), by a holder of the capability."""
    policy.require(actor, CAPABILITY)
    decided: PublicationRuleVersion
    decided, _before = four_eyes.decide(
        RULE_VERSION_PROPOSALS,
        pk=row.pk,
        actor=actor,
        name=name,
        version=version,
        reason=reason,
        guard=guard,
    )
    return decided


def _due_today(row: PublicationRuleVersion, today: datetime.date) -> int:
    """A version approved on (or after) its first day: live publications it covers that were
    already evaluated today are marked as evaluated before it, and the daily job is queued, so
    it applies today rather than being skipped until a later version."""
    if row.effective_from > today:
        return 0
    marked = Publication.objects.filter(
        status=PublicationStatus.PUBLISHED,
        source_type__in=row.source_types,
        period_checked_on__gte=row.effective_from,
    ).update(period_checked_on=row.effective_from - datetime.timedelta(days=1))
    from govtrust.disclosure.tasks import disclosure_daily

    transaction.on_commit(lambda: disclosure_daily.enqueue())
    return marked


@transaction.atomic
def rule_version_approve(
    *, row: PublicationRuleVersion, actor: User, version: int
) -> PublicationRuleVersion:
    """Approve another member's version, checked again as of today (the national versions, the
    other versions and the date may have moved since it was entered)."""
    today = today_beijing()

    def checks(current: PublicationRuleVersion) -> None:
        four_eyes.require_other_member(RULE_VERSION_PROPOSALS, current, actor)
        try:
            checked(_spec_of(current), today=today, exclude=current.pk)
        except DomainError as exc:
            raise Conflict(f"该版本已不符合要求：{exc.detail}。请驳回后重新提出") from exc

    decided = _decide(row=row, actor=actor, name="approve", version=version, guard=checks)
    forget()
    transaction.on_commit(forget)
    marked = _due_today(decided, today)
    audit_append(
        actor=actor.username,
        action="publication_rule.approve",
        object_type="publication_rule_version",
        object_id=decided.pk,
        before={"state": RuleVersionState.PENDING},
        after=_stored(decided)
        | {
            "rule": as_version(decided).label,
            "proposed_by": decided.proposed_by.username,
            "reevaluate_today": marked,
        },
    )
    return decided


@transaction.atomic
def rule_version_reject(
    *, row: PublicationRuleVersion, actor: User, version: int, reason: str
) -> PublicationRuleVersion:
    """Refuse a version with a reason (its proposer may withdraw it the same way)."""
    decided = _decide(row=row, actor=actor, name="reject", version=version, reason=reason)
    audit_append(
        actor=actor.username,
        action="publication_rule.reject",
        object_type="publication_rule_version",
        object_id=decided.pk,
        before={"state": RuleVersionState.PENDING},
        after={"state": decided.state, "reason": decided.reason},
    )
    return decided
