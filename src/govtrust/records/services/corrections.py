"""Field-by-field correction of an accepted record (after an upheld objection).

A correction keeps history: the record's version goes up, its history gets a line, and the audit
event holds each field's old and new value. The public view is re-rendered by the disclosure
service, which logs the change in the transparency log.
"""

from __future__ import annotations

import datetime
import decimal
from types import SimpleNamespace
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from govtrust.core import generation
from govtrust.core.audit import audit_append
from govtrust.core.errors import DomainError
from govtrust.directory.models import User
from govtrust.disclosure.rules.periods import Decision, RuleError, evaluate, rule_in_force
from govtrust.records.models import (
    CourtGround,
    PenaltyKind,
    Procedure,
    Record,
    RecordEvent,
    SafetyArea,
    Severity,
    SourceType,
)
from govtrust.records.schemas import severity_problem, simple_procedure_problem
from govtrust.records.services.intake import decision_key

CORRECTABLE = {
    "subject_name": ("主体名称", 120),
    "decision_number": ("文书号", 100),
    "decision_date": ("决定日期", 0),
    "authority_name": ("决定机关", 120),
    "facts": ("失信事实", 5000),
    "basis": ("依据", 5000),
    "outcome": ("处理结果", 5000),
    "amount": ("金额", 0),
    # What the publication period depends on (issue 12: an objection may correct any of them).
    "procedure": ("决定程序", 0),
    "penalties": ("处罚种类", 0),
    "severity": ("严重程度", 0),
    "safety_area": ("特殊领域", 0),
    "court_ground": ("失信情形", 0),
    "extension_years": ("延长年限", 0),
}
CHOICES: dict[str, dict[str, str]] = {
    "procedure": dict(Procedure.choices),
    "severity": dict(Severity.choices),
    "safety_area": dict(SafetyArea.choices),
}
PERIOD_FIELDS = frozenset(
    {"decision_date", "procedure", "penalties", "severity", "safety_area", "court_ground"}
    | {"extension_years"}
)


def _coded(field: str, text: str) -> Any:
    """A coded period field from its code (a form's text, an API's value)."""
    label = CORRECTABLE[field][0]
    if field in CHOICES:
        if text not in CHOICES[field]:
            raise DomainError(f"{label}无效", errors=[(field, "从列出的选项中选择")])
        return text
    if field == "penalties":
        kinds = [k.strip() for k in text.replace("，", ",").split(",") if k.strip()]
        if not kinds or not set(kinds) <= set(PenaltyKind.values):
            raise DomainError(f"{label}无效", errors=[(field, "从列出的选项中选择")])
        return list(dict.fromkeys(kinds))
    allowed = CourtGround.values if field == "court_ground" else [0, 1, 2, 3]
    if not text.isdigit() or int(text) not in allowed:
        raise DomainError(f"{label}无效", errors=[(field, "从列出的选项中选择")])
    return int(text)


def _display(field: str, value: Any) -> str:
    """A value as the filer and the history read it (labels, not codes)."""
    if value is None:
        return ""
    if field in CHOICES:
        return str(CHOICES[field].get(value, value))
    if field == "penalties":
        return "、".join(str(PenaltyKind(k).label) for k in value)
    if field == "court_ground":
        return str(CourtGround(value).label)
    return str(value)


def _check_decision(current: Record, parsed: dict[str, Any]) -> None:
    """The corrected decision must still be one the rules can evaluate, as at entry."""
    after = {name: parsed.get(name, getattr(current, name)) for name in PERIOD_FIELDS}
    after.update(source_type=current.source_type, minor_published=current.minor_published)
    court = current.source_type == SourceType.DEBTOR_LIST
    if court != (after["court_ground"] is not None) or (after["extension_years"] and not court):
        raise DomainError("只有失信被执行人填写失信情形和延长年限", errors=[("court_ground", "")])
    if "fine" in after["penalties"] and parsed.get("amount", current.amount) is None:
        raise DomainError("处罚种类含罚款时须填写罚款金额（万元）", errors=[("amount", "必填")])
    problem = simple_procedure_problem(after["procedure"], after["penalties"])
    decision = Decision.of(SimpleNamespace(**after))
    problem = problem or severity_problem(decision, after["severity"])
    if problem:
        raise DomainError(problem, errors=[("severity", problem)])
    try:
        evaluate(rule_in_force(decision.source_type, decision.decided), decision)
    except RuleError as exc:
        raise DomainError(str(exc)) from exc


def _parse(field: str, value: Any) -> Any:
    label, length = CORRECTABLE[field]
    if field == "penalties" and isinstance(value, list):
        value = ",".join(str(v) for v in value)
    text = str(value if value is not None else "").strip()
    if field == "court_ground" and not text:
        return None
    if field in PERIOD_FIELDS and field != "decision_date":
        return _coded(field, text)
    if field == "decision_date":
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError as exc:
            raise DomainError(
                f"{label}应为日期，如 2025-03-05", errors=[(field, "日期格式")]
            ) from exc
        if day > timezone.localdate():
            raise DomainError(f"{label}不能晚于今天", errors=[(field, "不能晚于今天")])
        return day
    if field == "amount":
        if not text:
            return None
        try:
            amount = decimal.Decimal(text.replace(",", ""))
        except decimal.InvalidOperation as exc:
            raise DomainError(f"{label}应为数字（元）", errors=[(field, "数字")]) from exc
        if amount < 0 or amount >= 10**12:
            raise DomainError(f"{label}超出范围", errors=[(field, "超出范围")])
        return amount.quantize(decimal.Decimal("0.01"))
    if not text or len(text) > length:
        raise DomainError(f"{label}不能为空且不超过{length}字", errors=[(field, "长度")])
    return text


@transaction.atomic
def record_correct(
    *, record: Record, changes: dict[str, Any], actor: User, reason: str
) -> list[dict[str, Any]]:
    """Apply `changes` ({field: new value}); returns [{field, label, old, new}] of what changed."""
    unknown = sorted(set(changes) - set(CORRECTABLE))
    if unknown:
        raise DomainError(f"不能更正的字段：{'、'.join(unknown)}")
    current = Record.objects.select_for_update().get(pk=record.pk)
    parsed = {field: _parse(field, value) for field, value in changes.items()}
    changed = [
        {
            "field": field,
            "label": CORRECTABLE[field][0],
            "old": _display(field, getattr(current, field)),
            "new": _display(field, value),
        }
        for field, value in parsed.items()
        if getattr(current, field) != value
    ]
    if not changed:
        raise DomainError("更正后的内容与原记录相同")
    if PERIOD_FIELDS & set(parsed):
        _check_decision(current, parsed)
    updates = {item["field"]: parsed[item["field"]] for item in changed}
    if "decision_number" in updates:
        updates["decision_key"] = decision_key(updates["decision_number"])
    Record.objects.filter(pk=current.pk).update(
        version=F("version") + 1, updated_at=timezone.now(), **updates
    )
    if "subject_name" in updates:
        generation.bump(generation.RESTRICTIONS)  # screening's cached Index matches names
    RecordEvent.objects.create(
        record=current,
        actor=actor,
        action="correct",
        from_status=current.status,
        to_status=current.status,
        note=reason[:500],
    )
    audit_append(
        actor=actor.username,
        action="record.correct",
        object_type="record",
        object_id=current.number,
        before={item["field"]: item["old"] for item in changed},
        after={"reason": reason, **{item["field"]: item["new"] for item in changed}},
    )
    record.refresh_from_db()
    return changed
