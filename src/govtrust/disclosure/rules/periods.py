"""How long a record is published (公示期限), as versioned rules with their legal source.

Periods count from the decision date. The rule in force on the decision date applies, unless a
rule in force later (up to today) is more lenient to the subject (从旧兼从轻): a shorter maximum,
then a shorter minimum. After the minimum the subject may apply for credit repair; at the maximum
publication ends by itself.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Period:
    rule_id: str
    source: str
    minimum_months: int
    maximum_months: int


@dataclass(frozen=True)
class Rule:
    rule_id: str
    source: str
    effective_from: datetime.date
    effective_to: datetime.date | None
    sources: frozenset[str] | None  # source types it covers; None: all not covered elsewhere
    by_severity: dict[str, tuple[int, int]]  # severity -> (minimum, maximum) months
    area_minimum: int = 0  # minimum months in work safety, fire safety, special equipment

    def months(self, severity: str, safety_area: str) -> tuple[int, int]:
        minimum, maximum = self.by_severity[severity]
        if safety_area:
            minimum = min(max(minimum, self.area_minimum), maximum)
        return minimum, maximum

    def covers(self, source_type: str, on: datetime.date) -> bool:
        in_force = self.effective_from <= on and (
            self.effective_to is None or on <= self.effective_to
        )
        return in_force and (self.sources is None or source_type in self.sources)


ORDER_58 = "《失信行为纠正后的信用信息修复管理办法（试行）》（国家发展改革委令第58号）第六条"
REPAIR_2026 = "国办发〔2025〕22号；《信用修复管理办法》（2026年4月1日起施行）"
DEBTORS = "《最高人民法院关于公布失信被执行人名单信息的若干规定》第十条"

RULES: tuple[Rule, ...] = (
    Rule(
        "court-debtors",
        DEBTORS,
        datetime.date(2017, 5, 1),
        None,
        frozenset({"debtor_list"}),
        # Two years for most grounds; removed earlier once the duty is performed.
        {"minor": (0, 24), "general": (0, 24), "serious": (0, 24)},
    ),
    Rule(
        "ndrc-order-58",
        ORDER_58,
        datetime.date(2023, 5, 1),
        datetime.date(2026, 3, 31),
        None,
        # Administrative penalty information: at least 3 months, at most 3 years; work safety,
        # fire safety and special equipment at least one year.
        {"minor": (3, 36), "general": (3, 36), "serious": (3, 36)},
        area_minimum=12,
    ),
    Rule(
        "credit-repair-2026",
        REPAIR_2026,
        datetime.date(2026, 4, 1),
        None,
        None,
        # Minor: at most 3 months; general: 3 months to 1 year; serious: 1 to 3 years.
        {"minor": (0, 3), "general": (3, 12), "serious": (12, 36)},
    ),
)


def _candidates(source_type: str, decided: datetime.date, today: datetime.date) -> list[Rule]:
    specific = [r for r in RULES if r.sources is not None and source_type in r.sources]
    pool = specific or [r for r in RULES if r.sources is None]
    at_decision = [r for r in pool if r.covers(source_type, decided)]
    later = [r for r in pool if decided < r.effective_from <= today]
    return at_decision + later


def period_for(
    *,
    source_type: str,
    severity: str,
    decided: datetime.date,
    today: datetime.date,
    safety_area: str = "",
) -> Period:
    candidates = _candidates(source_type, decided, today)
    if not candidates:
        # Decisions before the first rule: the earliest general rule, the oldest law we model.
        candidates = [r for r in RULES if r.sources is None][:1]
    best = min(candidates, key=lambda r: tuple(reversed(r.months(severity, safety_area))))
    minimum, maximum = best.months(severity, safety_area)
    return Period(best.rule_id, best.source, minimum, maximum)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)
