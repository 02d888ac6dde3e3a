"""Rectification (整改): the unit hands in its written explanation and rectification report
before the deadline, the credit office verifies it or sends it back, and overdue ones escalate:
first a reminder to the unit, then, EXPLAIN_ESCALATE_DAYS working days later, a notice to the
government above (plan 三(二)5: 书面说明原因并限期加以整改)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from govtrust.core import generation
from govtrust.core.audit import audit_append
from govtrust.core.errors import Conflict, DomainError, Forbidden, NotFound
from govtrust.core.lifecycle import Transition, transition_apply
from govtrust.core.text import plain
from govtrust.core.workdays import add_working_days
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.measures.models import Escalation, Measure, MeasureKind, MeasureStatus
from govtrust.measures.workflow import TRANSITIONS

REPORTED = (MeasureKind.EXPLANATION, MeasureKind.RECTIFICATION)
ESCALATE_AFTER_WORKING_DAYS = 5
STALE = "该措施已被他人处理，请刷新后重试"


def _measure(pk: int, actor: User) -> Measure:
    measure = Measure.objects.select_related("record").filter(pk=pk, kind__in=REPORTED).first()
    if measure is None:
        raise NotFound()
    policy.require_reach(actor, measure)
    return measure


def _guard(measure: Measure, name: str, version: int) -> Transition:
    """The transition `name`, if the measure is in one of its source states at `version` (the
    one the user saw)."""
    transition = TRANSITIONS[name]
    if measure.status not in transition.sources:
        raise Conflict(f"该措施当前为“{measure.get_status_display()}”，不能{transition.label}")
    if measure.version != version:
        raise Conflict(STALE)
    return transition


def _take(measure: Measure, transition: Transition, **changes: Any) -> None:
    """The UPDATE conditioned on the state and version read: a measure someone else has
    handled meanwhile is refused, never overwritten."""
    transition_apply(
        Measure,
        pk=measure.pk,
        transition=transition,
        state=measure.status,
        version=measure.version,
        conflict=STALE,
        **changes,
    )
    generation.bump(generation.RESTRICTIONS)  # screening's cached Index (core/generation.py)
    measure.refresh_from_db()


@transaction.atomic
def rectification_submit(*, measure_id: int, report: str, version: int, actor: User) -> Measure:
    """The reporting unit hands in its explanation or rectification report."""
    measure = _measure(measure_id, actor)
    record = measure.record
    policy.require(actor, "unit.respond")
    if not policy.is_reporting_unit(
        actor, record.reporting_government_id, record.reporting_department_id
    ):
        raise Forbidden(policy.CAPABILITIES["unit.respond"].refusal)
    transition = _guard(measure, "report", version)
    report = plain(report).strip()
    if not 20 <= len(report) <= 10000:
        raise DomainError("说明或整改报告应为20至10000字", errors=[("report", "20至10000字")])
    now = timezone.now()
    late = measure.due_date is not None and timezone.localdate(now) > measure.due_date
    _take(
        measure,
        transition,
        report=report,
        submitted_at=now,
        submitted_late=late,
        return_reason="",
    )
    audit_append(
        actor=actor.username,
        action="measure.report",
        object_type="record",
        object_id=record.number,
        after={"measure": measure.pk, "kind": measure.kind, "late": late},
    )
    return measure


@transaction.atomic
def rectification_verify(
    *, measure_id: int, accept: bool, reason: str, version: int, actor: User
) -> Measure:
    """The credit office accepts the report (done) or sends it back with a reason (active
    again, the same deadline: a returned report does not earn more time)."""
    policy.require(actor, "measures.verify")
    measure = _measure(measure_id, actor)
    transition = _guard(measure, "verify" if accept else "return", version)
    reason = plain(reason).strip()
    if not accept and len(reason) < 2:
        raise DomainError("请填写退回原因", errors=[("reason", "必填")])
    _take(
        measure,
        transition,
        reviewed_at=timezone.now(),
        return_reason="" if accept else reason,
    )
    audit_append(
        actor=actor.username,
        action="measure.verify" if accept else "measure.return",
        object_type="record",
        object_id=measure.record.number,
        after={"measure": measure.pk, "kind": measure.kind, "reason": reason},
    )
    return measure


def rectifications_escalate(*, today: datetime.date | None = None) -> int:
    """The worker's job: escalate overdue explanations and rectifications, once per level."""
    today = today or timezone.localdate()
    overdue = Measure.objects.filter(
        kind__in=REPORTED, status=MeasureStatus.ACTIVE, due_date__lt=today
    ).select_related("record")
    created = 0
    for measure in overdue.iterator(chunk_size=500):
        if measure.due_date is None:
            continue
        second = add_working_days(measure.due_date, ESCALATE_AFTER_WORKING_DAYS).due_date
        levels = [1] + ([2] if today > second else [])
        for level in levels:
            told = measure.division_code if level == 1 else policy.supervisor(measure.division_code)
            try:
                with transaction.atomic():
                    Escalation.objects.create(measure=measure, level=level, division_code=told)
            except IntegrityError:
                continue
            created += 1
            audit_append(
                actor="system",
                action=f"measure.escalate{level}",
                object_type="record",
                object_id=measure.record.number,
                after={"measure": measure.pk, "kind": measure.kind, "told": told},
            )
    return created
