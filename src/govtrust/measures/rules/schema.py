"""What a measure rule may say, checked before a revision is stored: a rule the accept
transaction cannot apply (an unknown kind, a period of "abc" months) would otherwise surface
only when the next record is accepted."""

from __future__ import annotations

from typing import Any

from govtrust.core.errors import DomainError
from govtrust.measures.models import MeasureKind
from govtrust.records.models import Domain, Severity, SourceType, SubjectKind
from govtrust.remedies.models import CorrectionKind

CONDITIONS = {
    "subject_kinds": ("主体类型", SubjectKind),
    "sources": ("失信来源", SourceType),
    "severities": ("严重程度", Severity),
    "domains": ("领域", Domain),
}
PERIODS = {"months": ("月", 1, 120), "working_days": ("个工作日", 1, 250)}
EFFECTS = {"lift": "免除", "halve": "剩余期限减半"}
REVISABLE = {"title", "measures", "mitigation", *CONDITIONS}


def _whole(value: Any, unit: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DomainError(f"期限应为 {low} 至 {high} {unit}的整数")
    return int(value)


# Which period each kind of measure takes: a restriction runs for months (screening reads its end),
# a report is due in working days (the ledger counts them), a notice or accountability has none.
PERIOD_OF = {
    MeasureKind.HONOURS: "months",
    MeasureKind.AWARDS: "months",
    MeasureKind.EXPLANATION: "working_days",
    MeasureKind.RECTIFICATION: "working_days",
    MeasureKind.CRITICISM: None,
    MeasureKind.ACCOUNTABILITY: None,
}


def _measure(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict) or item.get("kind") not in MeasureKind.values:
        kind = item.get("kind") if isinstance(item, dict) else item
        raise DomainError(f"未知的措施：{kind}")
    kind = MeasureKind(item["kind"])
    period = PERIOD_OF[kind]
    if set(item) != {"kind"} | ({period} if period else set()):
        if period:
            raise DomainError(f"措施“{kind.label}”的期限应为 {period}（{PERIODS[period][0]}）")
        raise DomainError(f"措施“{kind.label}”不设期限")
    checked: dict[str, Any] = {"kind": kind.value}
    if period:
        unit, low, high = PERIODS[period]
        checked[period] = _whole(item[period], unit, low, high)
    return checked


def _texts(values: Any) -> bool:
    return isinstance(values, list) and all(isinstance(v, str) for v in values)


def check_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """The changes of a revision, each checked; a Chinese refusal names the first wrong one."""
    unknown = set(changes) - REVISABLE
    if unknown:
        raise DomainError(f"不能修订的内容：{'、'.join(sorted(unknown))}")
    checked: dict[str, Any] = {}
    if "title" in changes:
        title = changes["title"]
        if not isinstance(title, str) or not 0 < len(title.strip()) <= 80:
            raise DomainError("规则名称应为 1 至 80 个字")
        checked["title"] = title.strip()
    for key, (label, choices) in CONDITIONS.items():
        if key in changes:
            values = changes[key]
            if not _texts(values) or not set(values) <= set(choices.values):
                raise DomainError(f"{label}应为以下取值的列表：{'、'.join(choices.values)}")
            checked[key] = sorted(set(values), key=list(choices.values).index)
    if "measures" in changes:
        if not isinstance(changes["measures"], list) or not changes["measures"]:
            raise DomainError("规则至少要有一项措施")
        checked["measures"] = [_measure(item) for item in changes["measures"]]
        kinds = [item["kind"] for item in checked["measures"]]
        if len(set(kinds)) != len(kinds):
            raise DomainError("同一规则中每种措施只能出现一次")
    if "mitigation" in changes:
        mitigation = changes["mitigation"]
        fits = isinstance(mitigation, dict) and _texts([*mitigation, *mitigation.values()])
        if not fits or not (
            set(mitigation) <= set(CorrectionKind.values)
            and set(mitigation.values()) <= set(EFFECTS)
        ):
            raise DomainError("主动纠错的效果应为 lift（免除）或 halve（剩余期限减半）")
        checked["mitigation"] = dict(mitigation)
    return checked
