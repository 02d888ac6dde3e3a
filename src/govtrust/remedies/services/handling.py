"""Staff steps on cases: the credit office accepts, refuses and decides; the unit that reported
the record verifies objections. Each step checks scope and role, records whether it was taken in
time, writes the visible history line and the audit event, and has its effects (a corrected or
withdrawn publication, an early end of publication, a notice to the exchange) in one transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.clock import today_beijing
from govtrust.core.errors import Conflict, DomainError, Forbidden, NotFound
from govtrust.core.lifecycle import transition_apply
from govtrust.core.workdays import add_working_days
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.disclosure.models import Publication, PublicationStatus, WithdrawReason
from govtrust.disclosure.services import publication_withdraw
from govtrust.disclosure.services_periods import Outcome, period_now, publication_reperiod
from govtrust.exchange.models import NoticeKind
from govtrust.exchange.services import notice_queue
from govtrust.measures.services import measures_lift
from govtrust.records.models import Record
from govtrust.records.services.corrections import record_correct
from govtrust.remedies.models import Case, CaseEvent, CaseKind
from govtrust.remedies.rules import repair_exchange_days
from govtrust.remedies.services import promises
from govtrust.remedies.services.common import clock_start, status_line_refresh
from govtrust.remedies.workflow import (
    CLOSED,
    STATUS_LABELS,
    CaseTransition,
    available,
    transition,
)

LABELS = {"office": "信用主管部门", "provider": "数据提供单位", **promises.LABELS}


def is_provider(user: User, case: Case) -> bool:
    """The unit that reported the record: its clerks and reviewers verify objections to it."""
    record = case.record
    return (
        record is not None
        and policy.permits(user, "unit.respond")
        and policy.is_reporting_unit(
            user, record.reporting_government_id, record.reporting_department_id
        )
    )


def may_see(user: User, case: Case) -> bool:
    if case.kind == CaseKind.PROMISE:
        return promises.may_see(user, case)
    if policy.permits(user, "cases.office"):
        return policy.reaches(user, case)
    return case.kind == CaseKind.OBJECTION and is_provider(user, case)


def actions_for(user: User, case: Case) -> list[CaseTransition]:
    """The steps to offer `user` on a case: of a broken-promise complaint, only those its side
    takes (the body above or the accused unit), and 逾期未整改 only once the deadline passed."""
    steps = available(case)
    if case.kind != CaseKind.PROMISE:
        return steps
    today = timezone.localdate()
    return [
        t
        for t in steps
        if promises.may_take(user, case, t)
        and (t.name != "default" or (case.due_date is not None and case.due_date < today))
    ]


def _authorise(user: User, case: Case, step: CaseTransition) -> None:
    if not may_see(user, case):
        raise NotFound()
    if step.by in ("verifier", "accused"):
        allowed = promises.may_take(user, case, step)
    elif step.by == "office":
        allowed = policy.permits(user, "cases.office")
    else:
        allowed = is_provider(user, case)
    if not allowed:
        raise Forbidden(f"“{step.label}”由{LABELS[step.by]}办理")


def _record(case: Case) -> Record:
    if case.record is None:  # objections and repairs always have one; a guard for the types
        raise Conflict("该件没有关联的失信记录")
    return case.record


def _publication(case: Case) -> Publication | None:
    return Publication.objects.filter(record_id=case.record_id).first() if case.record_id else None


def _uphold(case: Case, actor: User, reason: str, changes: dict[str, Any], withdraw: bool) -> None:
    publication = _publication(case)
    if publication is None or publication.status != PublicationStatus.PUBLISHED:
        raise Conflict("该记录已不在公示中，无法按异议结果更正")
    record = _record(case)
    if withdraw:
        publication_withdraw(
            publication=publication, reason=WithdrawReason.OBJECTION, actor_name=actor.username
        )
        notice_queue(
            record=record, kind=NoticeKind.WITHDRAWN, case_number=case.number, due_date=None
        )
        # A record withdrawn for an upheld objection is wrong: like an approved repair, it stops
        # being used, so its measures are lifted and screening no longer restricts the subject.
        measures_lift(
            record=record, reason=f"异议成立（{case.number}）", on=today_beijing(), actor=actor
        )
        return
    if not changes:
        raise DomainError("异议成立时须填写更正内容，或选择撤下记录", errors=[("changes", "必填")])
    case.corrections = record_correct(
        record=record, changes=changes, actor=actor, reason=f"异议 {case.number}：{reason}"
    )
    # The corrected decision may move the period (a date, a class, a procedure): recomputed.
    today = today_beijing()
    publication.record = record
    outcome = publication_reperiod(
        publication=publication,
        period=period_now(publication, today),
        today=today,
        actor_name=actor.username,
        reason=f"异议成立（{case.number}）",
        withdraw_reason=WithdrawReason.OBJECTION,
    )
    kind = NoticeKind.WITHDRAWN if outcome == Outcome.ENDED else NoticeKind.CORRECTED
    notice_queue(record=record, kind=kind, case_number=case.number, due_date=None)


def _approve_repair(case: Case, actor: User) -> None:
    """信用修复管理办法: an approved repair ends the publication, stops sharing (the exchange is
    told) and lifts the record's measures, together: this runs in case_act's transaction."""
    publication = _publication(case)
    record = _record(case)
    if publication is not None and publication.status == PublicationStatus.PUBLISHED:
        publication_withdraw(
            publication=publication, reason=WithdrawReason.REPAIRED, actor_name=actor.username
        )
    today = today_beijing()
    due = add_working_days(today, repair_exchange_days()).due_date
    notice_queue(record=record, kind=NoticeKind.REPAIRED, case_number=case.number, due_date=due)
    measures_lift(record=record, reason=f"信用修复（{case.number}）", on=today, actor=actor)


@transaction.atomic
def case_act(
    *,
    number: str,
    action: str,
    actor: User,
    version: int,
    reason: str = "",
    changes: dict[str, Any] | None = None,
    withdraw: bool = False,
    rectify_days: int | None = None,
    ground: str = "",
) -> Case:
    """Take step `action` on case `number`, as loaded at `version` (a concurrent step by someone
    else is refused, not overwritten). A broken-promise complaint's verifier sets the
    rectification period (`rectify_days`) when it finds the complaint founded; its accused unit
    names the `ground` (DeclineGround) when it declines to rectify."""
    policy.require(actor, "cases.handle")  # a role that handles no case: 403, like reading one
    case = Case.objects.select_related("record").filter(number=number[:24]).first()
    if case is None or not may_see(actor, case):
        raise NotFound()
    step = transition(case, action)
    if step is None:
        raise Conflict(f"该件当前为“{STATUS_LABELS[case.status]}”，不能办理此操作")
    _authorise(actor, case, step)
    if case.version != version:
        raise Conflict("该件已被他人办理，请刷新后重试")
    reason = reason.strip()[:2000]
    if step.needs_reason and len(reason) < 2:
        raise DomainError("请填写处理意见或理由", errors=[("reason", "必填")])
    if case.kind == CaseKind.PROMISE:
        promises.step_check(
            case, step, rectify_days=rectify_days, ground=ground, today=timezone.localdate()
        )
    # The step is claimed before its effects: of two people acting at once, the second changes
    # nothing (the UPDATE names the state and version read; the rest is saved below).
    transition_apply(
        Case,
        pk=case.pk,
        transition=step,
        state=case.status,
        version=case.version,
        conflict="该件已被他人办理，请刷新后重试",
    )
    today, at = timezone.localdate(), timezone.now()
    on_time = case.due_date is None or today <= case.due_date
    answered, from_status = case.due_date, case.status
    if step.name == "uphold":
        _uphold(case, actor, reason, changes or {}, withdraw)
    elif step.name == "approve":
        _approve_repair(case, actor)
    promise_audit = (
        promises.step_apply(case, step, rectify_days=rectify_days, ground=ground, at=at)
        if case.kind == CaseKind.PROMISE
        else {}
    )
    case.status, case.version = step.target, case.version + 1
    case.late = case.late or not on_time
    if step.target in CLOSED:
        case.closed_at, case.due_date, case.outcome_reason = at, None, reason
    else:
        clock_start(case, step.target, today)
    case.save()
    CaseEvent.objects.create(
        case=case,
        at=at,
        actor=actor,
        actor_label=LABELS[step.by],
        action=step.name,
        from_status=from_status,
        to_status=step.target,
        note=reason,
        due_date=answered,
        on_time=on_time,
    )
    status_line_refresh(_publication(case))
    audit_append(
        actor=actor.username,
        action=f"case.{case.kind}.{step.name}",
        object_type="case",
        object_id=case.number,
        before={"status": from_status},
        after={
            "status": case.status,
            "reason": reason,
            "on_time": on_time,
            "due": answered,
            "corrections": case.corrections,
            "withdraw": withdraw,
            **promise_audit,
        },
    )
    if case.kind == CaseKind.PROMISE and step.target == "breached":
        promises.breach_draft(case, actor, step)
    return case
