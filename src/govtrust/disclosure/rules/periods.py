"""How long a record is published (公示期限): pure functions over the rule versions of versions.py.

Periods count by 民法典 第二百零一条、第二百零二条: the decision day is not counted, the period ends
on the corresponding day of its last month (the month's last day where it has none), and that last
day belongs to the period — the record is still public on it. Repair may be applied for only once
the minimum period has run out, i.e. from the day after its last day.

Which version applies: the one in force on the decision date, unless the one in force on the day
asked about is more lenient to the subject (从旧兼从轻: no publication, then a shorter maximum,
then a shorter minimum). `evaluate` answers for one given version, so a later daily
re-evaluation, a version's own transitional clause or a sector rule can reuse it.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from govtrust.core.clock import (
    add_months as add_months,  # re-exported: callers name the period rules
)
from govtrust.disclosure.rules.versions import (
    COURT_EXTENSION_YEARS,
    COURT_GROUNDS,
    COURT_TERM_MONTHS,
    DOC_COURT,
    RULES,
    SEVERITIES,
    RuleVersion,
    Term,
)


@dataclass(frozen=True)
class Decision:
    """What the period depends on: how and when the decision was made and what it decided."""

    source_type: str
    decided: datetime.date
    severity: str = "general"
    procedure: str = "general"  # simple 简易程序 / general 普通程序
    penalties: tuple[str, ...] = ()
    safety_area: str = ""
    court_ground: int | None = None
    extension_years: int = 0
    minor_published: bool = False  # the department found publishing a minor record necessary

    @classmethod
    def of(cls, item: Any) -> Decision:
        """The decision of anything carrying the record's field names (a Record, a RecordIn)."""
        return cls(
            source_type=str(item.source_type),
            decided=item.decision_date,
            severity=str(item.severity),
            procedure=str(item.procedure),
            penalties=tuple(str(p) for p in item.penalties or ()),
            safety_area=str(item.safety_area),
            court_ground=int(item.court_ground) if item.court_ground else None,
            extension_years=int(item.extension_years or 0),
            minor_published=bool(item.minor_published),
        )


@dataclass(frozen=True)
class Period:
    rule: RuleVersion
    published: bool
    minimum_end: datetime.date | None  # last day of the minimum period; None: no minimum
    maximum_end: datetime.date | None  # last day on the portal; None: no fixed end
    severity: str  # the class applied: the clerk's, never below the law's
    source: str  # document and article of the figures used

    @property
    def rule_label(self) -> str:
        return self.rule.label

    def public_on(self, decided: datetime.date, day: datetime.date) -> bool:
        """Whether the record belongs on the portal on `day` (its last day included)."""
        if not self.published or day < decided:
            return False
        return self.maximum_end is None or day <= self.maximum_end

    @property
    def repair_opens(self) -> datetime.date | None:
        return repair_opens(self.minimum_end)


class RuleError(ValueError):
    """A described decision the rules cannot evaluate; the message is for the user."""


def repair_opens(minimum_end: datetime.date | None) -> datetime.date | None:
    """First day a repair application may be filed: the day after the minimum period's last day."""
    return None if minimum_end is None else minimum_end + datetime.timedelta(days=1)


def law_class(rule: RuleVersion, decision: Decision) -> str:
    """The lowest class the rule gives the decision (the clerk may raise it, never lower it)."""
    classes = [SEVERITIES[0]]
    if decision.procedure == "simple" and rule.simple_procedure_class:
        return rule.simple_procedure_class
    classes += [rule.penalty_classes.get(p, SEVERITIES[0]) for p in decision.penalties]
    return max(classes, key=SEVERITIES.index)


def applied_class(rule: RuleVersion, decision: Decision) -> str:
    floor = law_class(rule, decision)
    chosen = decision.severity if decision.severity in SEVERITIES else floor
    return max(chosen, floor, key=SEVERITIES.index)


def _court_term(decision: Decision) -> Term:
    ground, extension = decision.court_ground, decision.extension_years
    if ground not in COURT_GROUNDS:
        raise RuleError("失信被执行人须注明法释〔2017〕7号第一条所列情形（1至6）")
    if ground == 1:
        if extension:
            raise RuleError("第一条第一项情形不设纳入期限，不能延长")
        return Term(None, None)
    if extension and extension not in COURT_EXTENSION_YEARS:
        raise RuleError("纳入期限只能延长1至3年")
    return Term(None, COURT_TERM_MONTHS + 12 * extension)


def _court_source(decision: Decision) -> str:
    if decision.court_ground == 1:
        return f"{DOC_COURT}第一条第一项、第十条：不设期限，至人民法院删除之日止"
    extended = f"，延长{decision.extension_years}年" if decision.extension_years else ""
    return f"{DOC_COURT}第二条：第一条第{decision.court_ground}项情形纳入期限二年{extended}"


def evaluate(rule: RuleVersion, decision: Decision) -> Period:
    """The period of `decision` under `rule`, whatever the dates the rule is in force."""
    severity = applied_class(rule, decision)
    if rule.court_list:
        term, source = _court_term(decision), _court_source(decision)
    else:
        term, source = rule.terms[severity], rule.source
        if severity == "minor" and decision.minor_published and rule.minor_on_request:
            term = rule.minor_on_request
        if decision.safety_area and rule.area_minimum_months and term.maximum_months:
            minimum = max(term.minimum_months or 0, rule.area_minimum_months)
            term = Term(min(minimum, term.maximum_months), term.maximum_months, term.published)
            source = rule.area_source
    if not term.published:
        return Period(rule, False, None, None, severity, source)
    decided = decision.decided
    low = None if term.minimum_months is None else add_months(decided, term.minimum_months)
    high = None if term.maximum_months is None else add_months(decided, term.maximum_months)
    return Period(rule, True, low, high, severity, source)


# Versions the provincial credit office added (rules page, approved), merged with RULES. This
# module stays pure: the disclosure app registers a loader that returns the added versions when
# their counter moved since the last call, and None when nothing changed (cheap to ask).
_added: tuple[RuleVersion, ...] = ()
_loader: Callable[[], tuple[RuleVersion, ...] | None] | None = None


def use_added_versions(loader: Callable[[], tuple[RuleVersion, ...] | None] | None) -> None:
    global _loader, _added
    _loader, _added = loader, ()
    rules_changed()


def _fresh() -> None:
    global _added
    if _loader is None:
        return
    loaded = _loader()
    if loaded is not None:
        _added = loaded
        rules_changed()


def all_versions() -> tuple[RuleVersion, ...]:
    """The built-in versions, then those added on the rules page."""
    _fresh()
    return (*RULES, *_added)


def rule_in_force(
    source_type: str, day: datetime.date, safety_area: str = "", severity: str = ""
) -> RuleVersion:
    """The version covering `source_type` on `day`. Before the first version of a source type,
    its first version (the oldest text modelled; local policy). Given a class, an added version
    in force for that class (and the decision's safety area) takes precedence; it keeps the
    class rules of the built-in version it supplements."""
    _fresh()
    return _rule_in_force(source_type, day, safety_area, severity)


@lru_cache(maxsize=4096)  # bulk intake asks for the same few days and sources on every row
def _rule_in_force(
    source_type: str, day: datetime.date, safety_area: str, severity: str
) -> RuleVersion:
    pool = [r for r in (*RULES, *_added) if source_type in r.source_types]
    national = [r for r in pool if not r.added]
    if not national:
        raise RuleError(f"没有适用于失信来源“{source_type}”的公示规则")
    current = [r for r in national if r.in_force(day)]
    base = current[-1] if current else min(national, key=lambda r: r.effective_from)
    if not severity or base.court_list:
        return base
    added = [
        r
        for r in pool
        if r.added
        and r.in_force(day)
        and severity in r.severities
        and (not r.safety_areas or safety_area in r.safety_areas)
    ]
    if not added:
        return base
    chosen = max(added, key=lambda r: (r.effective_from, len(r.safety_areas) > 0, r.rule_id))
    return dataclasses.replace(
        chosen,
        simple_procedure_class=base.simple_procedure_class,
        penalty_classes=base.penalty_classes,
        classes_source=base.classes_source,
        minor_on_request=None,
    )


def rule_for(decision: Decision, day: datetime.date) -> RuleVersion:
    """The version that sets the decision's term on `day`: the built-in one, or an added one
    covering the class the built-in one gives the decision."""
    _fresh()
    return _rule_for(decision, day)


def _rule_for(decision: Decision, day: datetime.date) -> RuleVersion:
    base = _rule_in_force(decision.source_type, day, "", "")
    severity = applied_class(base, decision)
    return _rule_in_force(decision.source_type, day, decision.safety_area, severity)


def rules_changed() -> None:
    """Forget cached look-ups after the versions changed (a version added by the credit office,
    a test adding one)."""
    _rule_in_force.cache_clear()
    _minimum_class.cache_clear()


def lighter(new: Period, old: Period) -> bool:
    """Whether `new` is more lenient to the subject than `old` (ends sooner, or not at all)."""
    return _leniency(new) < _leniency(old)


def _leniency(period: Period) -> tuple[int, float, float]:
    """Sort key: smaller is more lenient to the subject."""
    if not period.published:
        return (0, 0.0, 0.0)
    far = float("inf")
    maximum = period.maximum_end.toordinal() if period.maximum_end else far
    minimum = period.minimum_end.toordinal() if period.minimum_end else 0.0
    return (1, maximum, minimum)


def period_for(decision: Decision, *, on: datetime.date) -> Period:
    """The period that applies on day `on`: 从旧兼从轻 between the version in force on the
    decision date and the one in force on `on` (ties keep the older one), unless the later
    version's transitional clause keeps earlier decisions under their own version."""
    _fresh()  # once per call: the look-ups below use the cached functions
    at_decision = evaluate(_rule_for(decision, decision.decided), decision)
    if on <= decision.decided:
        return at_decision
    now = _rule_for(decision, on)
    if now == at_decision.rule or now.transitional == "none":
        return at_decision
    later = evaluate(now, decision)
    return later if _leniency(later) < _leniency(at_decision) else at_decision


def minimum_class(decision: Decision) -> str:
    """The law's class for a decision, by the version in force on its decision date (added
    versions never change classes)."""
    _fresh()
    return _minimum_class(decision)


@lru_cache(maxsize=4096)
def _minimum_class(decision: Decision) -> str:
    return law_class(_rule_in_force(decision.source_type, decision.decided, "", ""), decision)


def describe(period: Period, day: datetime.date) -> str:
    """One Chinese sentence for a clerk: whether and until when the record is public."""
    if not period.published:
        return f"不予公示。依据：{period.source}"
    if period.maximum_end is not None and period.maximum_end < day:
        return f"公示期已于{period.maximum_end}届满，不再公示。依据：{period.source}"
    end = f"公示至{period.maximum_end}" if period.maximum_end else "公示至人民法院删除之日止"
    opens = period.repair_opens
    minimum = f"；最短公示期至{period.minimum_end}，{opens}起可申请信用修复" if opens else ""
    return f"{end}{minimum}。依据：{period.source}"
