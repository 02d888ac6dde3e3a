"""Every write on deputies' suggestions and CPPCC proposals (plan 三(一)2): the credit office
registers an item assigned to a government or department and reassigns one handed back; the
unit hands a mis-assigned item back or replies with a result code; the office records the
proposer's view, and an unsatisfied item is handled again. Clocks: supervision/rules.py."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from govtrust.core.audit import audit_append
from govtrust.core.clock import add_months, plausible, today_beijing
from govtrust.core.errors import Conflict, DomainError, Forbidden, NotFound
from govtrust.core.lifecycle import transition_apply
from govtrust.core.text import plain
from govtrust.core.workdays.engine import add_working_days, is_workday
from govtrust.directory import policy
from govtrust.directory.models import Department, Government, User
from govtrust.supervision import rules
from govtrust.supervision.models import (
    ResultCode,
    Satisfaction,
    Suggestion,
    SuggestionKind,
)
from govtrust.supervision.workflow import SUGGESTION_TRANSITIONS

STALE = "该建议提案已被他人处理，请刷新后重试"
REPLY_MAX = 10_000


@dataclass(frozen=True)
class SuggestionIn:
    kind: str
    session: str
    number: str
    title: str
    proposer: str
    government_code: str
    assigned_on: datetime.date
    complex: bool = False
    department_id: int | None = None
    co_units: str = ""


def _text(value: str, field: str, label: str, limit: int, errors: list[tuple[str, str]]) -> str:
    value = plain(value).strip()
    if not value:
        errors.append((field, f"请填写{label}"))
    elif len(value) > limit:
        errors.append((field, f"{label}不能超过{limit}字"))
    return value


def _handler(
    actor: User, code: str, department_id: int | None
) -> tuple[Government, Department | None]:
    """The assigned unit, within the actor's reach; refused in words otherwise."""
    government = (
        policy.within(Government.objects.all(), actor).filter(division_id=code[:12]).first()
    )
    if government is None:
        raise DomainError(
            "承办单位不存在或不在您的数据范围内", errors=[("government_code", "无此政府")]
        )
    if department_id is None:
        return government, None
    department = (
        policy.within(Department.objects.all(), actor)
        .filter(pk=department_id, government=government)
        .first()
    )
    if department is None:
        raise DomainError("承办部门不属于该政府", errors=[("department_id", "无此部门")])
    return government, department


def period_end(start: datetime.date, months: int) -> datetime.date:
    """The last day of `months` calendar months from `start` (民法典 第二百零一、二百零二条),
    moved to the day after a statutory rest day it falls on (第二百零三条)."""
    last = add_months(start, months)
    return last if is_workday(last)[0] else add_working_days(last, 1).due_date


def due_date(assigned_on: datetime.date, complex_item: bool) -> datetime.date:
    return period_end(assigned_on, rules.reply_months(complex_item))


@transaction.atomic
def suggestion_register(*, actor: User, data: SuggestionIn) -> Suggestion:
    policy.require(actor, "suggestions.manage")
    errors: list[tuple[str, str]] = []
    if data.kind not in SuggestionKind.values:
        errors.append(("kind", "类别应为人大代表建议（deputy）或政协委员提案（cppcc）"))
    session = _text(data.session, "session", "届次", 40, errors)
    number = _text(data.number, "number", "编号", 20, errors)
    title = _text(data.title, "title", "标题", 200, errors)
    proposer = _text(data.proposer, "proposer", "提出人", 100, errors)
    co_units = plain(data.co_units).strip()[:200]
    if not plausible(data.assigned_on):
        errors.append(("assigned_on", "交办日期不在合理范围内，请核对"))
    elif data.assigned_on > today_beijing():
        errors.append(("assigned_on", "交办日期不能晚于今天"))
    if errors:
        raise DomainError(errors[0][1], errors=errors)
    government, department = _handler(actor, data.government_code, data.department_id)
    duplicate = Conflict(f"{session}第{number}号已登记", errors=[("number", "已登记")])
    if Suggestion.objects.filter(kind=data.kind, session=session, number=number).exists():
        raise duplicate
    try:
        with transaction.atomic():  # a second registration racing the first (PostgreSQL)
            item = Suggestion.objects.create(
                kind=data.kind,
                session=session,
                number=number,
                title=title,
                proposer=proposer,
                government=government,
                department=department,
                division_code=government.division_id,
                co_units=co_units,
                assigned_on=data.assigned_on,
                complex=data.complex,
                due_date=due_date(data.assigned_on, data.complex),
                created_by=actor,
            )
    except IntegrityError as exc:
        raise duplicate from exc
    _audit(actor, "register", item, after={"due_date": item.due_date.isoformat()})
    return item


def _audit(actor: User, step: str, item: Suggestion, **changes: Any) -> None:
    audit_append(
        actor=actor.username,
        action=f"suggestion.{step}",
        object_type="suggestion",
        object_id=item.pk,
        after={
            "kind": item.kind,
            "number": item.number,
            "unit": item.handler,
            "state": item.state,
            **changes.get("after", {}),
        },
    )


def _take(actor: User, pk: int, name: str, version: int, **changes: Any) -> Suggestion:
    """One declared step on an item in reach, exactly once."""
    transition = SUGGESTION_TRANSITIONS[name]
    item = policy.within(Suggestion.objects.all(), actor).filter(pk=pk).first()
    if item is None:
        raise NotFound()
    if item.state not in transition.sources:
        raise Conflict(f"该建议提案当前状态为“{item.get_state_display()}”，不能{transition.label}")
    transition_apply(
        Suggestion,
        pk=item.pk,
        transition=transition,
        state=item.state,
        version=version,
        conflict=STALE,
        state_field="state",
        **changes,
    )
    item.refresh_from_db()
    return item


def _answering(actor: User, pk: int) -> Suggestion:
    """An item the actor answers for in person: its handling unit's own staff."""
    policy.require(actor, "suggestions.answer")
    item = (
        Suggestion.objects.filter(
            policy.answerable_q(actor, division="division_code", department="department_id"),
            pk=pk,
        )
        .select_related("government", "department")
        .first()
    )
    if item is None:
        raise NotFound()
    return item


@transaction.atomic
def suggestion_hand_back(*, actor: User, pk: int, version: int, reason: str) -> Suggestion:
    item = _answering(actor, pk)
    reason = plain(reason).strip()[:200]
    if not reason:
        raise DomainError("请填写退回理由", errors=[("reason", "必填")])
    last = add_working_days(item.assigned_on, rules.handback_days()).due_date
    if today_beijing() > last:
        raise DomainError(
            f"已超过退回期限：应在交办后{rules.handback_days()}个工作日内"
            f"（{last:%Y年%m月%d日}前）提出，请按期办理"
        )
    done = _take(actor, item.pk, "hand_back", version, handback_reason=reason)
    _audit(actor, "hand_back", done, after={"reason": reason})
    return done


@transaction.atomic
def suggestion_reassign(
    *, actor: User, pk: int, version: int, government_code: str, department_id: int | None
) -> Suggestion:
    """Give a handed-back item to the right unit: its clock starts again from today."""
    policy.require(actor, "suggestions.manage")
    government, department = _handler(actor, government_code, department_id)
    today = today_beijing()
    current = policy.within(Suggestion.objects.all(), actor).filter(pk=pk).first()
    if current is None:
        raise NotFound()
    done = _take(
        actor,
        pk,
        "reassign",
        version,
        government=government,
        department=department,
        division_code=government.division_id,
        assigned_on=today,
        due_date=due_date(today, current.complex),
    )
    _audit(actor, "reassign", done, after={"due_date": done.due_date.isoformat()})
    return done


@transaction.atomic
def suggestion_reply(*, actor: User, pk: int, version: int, result: str, reply: str) -> Suggestion:
    item = _answering(actor, pk)
    errors: list[tuple[str, str]] = []
    if result not in ResultCode.values:
        errors.append(("result", "办理结果应为A、B、C、D之一"))
    reply = _text(reply, "reply", "答复内容", REPLY_MAX, errors)
    if errors:
        raise DomainError(errors[0][1], errors=errors)
    today = today_beijing()
    late = today > item.current_due
    done = _take(
        actor,
        item.pk,
        "reply",
        version,
        result=result,
        reply=reply,
        replied_on=today,
        replied_late=late,
        replied_by=actor,
    )
    _audit(actor, "reply", done, after={"result": result, "late": late})
    return done


@transaction.atomic
def suggestion_feedback(*, actor: User, pk: int, version: int, satisfaction: str) -> Suggestion:
    """The proposer's view of the reply, as the office records it: 满意 or 基本满意 closes the
    item; 不满意 sends it back to the unit, due again within the configured months."""
    policy.require(actor, "suggestions.manage")
    if satisfaction not in Satisfaction.values:
        raise DomainError("代表委员意见应为满意、基本满意或不满意")
    item = policy.within(Suggestion.objects.all(), actor).filter(pk=pk).first()
    if item is not None and item.replied_by_id == actor.pk:
        raise Forbidden("不能登记对本人答复的意见，须由另一名工作人员登记")
    today = today_beijing()
    if satisfaction == Satisfaction.UNSATISFIED:
        done = _take(
            actor,
            pk,
            "unsatisfied",
            version,
            satisfaction=satisfaction,
            rehandle_due=period_end(today, rules.rehandle_months()),
        )
    else:
        done = _take(actor, pk, "satisfied", version, satisfaction=satisfaction)
    _audit(actor, "feedback", done, after={"satisfaction": satisfaction})
    return done


__all__ = [
    "SuggestionIn",
    "due_date",
    "suggestion_feedback",
    "suggestion_hand_back",
    "suggestion_reassign",
    "suggestion_register",
    "suggestion_reply",
]
