"""Field-by-field correction of an accepted record (after an upheld objection).

A correction keeps history: the record's version goes up, its history gets a line, and the audit
event holds each field's old and new value. The public view is re-rendered by the disclosure
service, which logs the change in the transparency log.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.errors import DomainError
from govtrust.directory.models import User
from govtrust.records.models import Record, RecordEvent
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
}


def _parse(field: str, value: Any) -> Any:
    label, length = CORRECTABLE[field]
    text = str(value if value is not None else "").strip()
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
            "old": str(getattr(current, field) if getattr(current, field) is not None else ""),
            "new": str(value if value is not None else ""),
        }
        for field, value in parsed.items()
        if getattr(current, field) != value
    ]
    if not changed:
        raise DomainError("更正后的内容与原记录相同")
    updates = {item["field"]: parsed[item["field"]] for item in changed}
    if "decision_number" in updates:
        updates["decision_key"] = decision_key(updates["decision_number"])
    Record.objects.filter(pk=current.pk).update(
        version=F("version") + 1, updated_at=timezone.now(), **updates
    )
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
