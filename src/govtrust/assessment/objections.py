"""Objections to a published assessment result: the unit files within the objection period
(rules.py, 本地政策), the provincial credit office decides. Upheld, the office corrects one
indicator's points and the result gets a NEW version (the objected one stays, no longer current
or public) carrying the objection's reason and decision in its explanation."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from govtrust.assessment import engine, rules, services
from govtrust.assessment.models import (
    OBJECTION_TRANSITIONS,
    Objection,
    ObjectionState,
    Result,
)
from govtrust.core.audit import audit_append
from govtrust.core.clock import BEIJING, today_beijing
from govtrust.core.errors import Conflict, DomainError, Forbidden, NotFound
from govtrust.core.lifecycle import transition_apply
from govtrust.core.text import plain
from govtrust.directory import policy
from govtrust.directory.models import User

REASON_MAX = 2000
DECISION_MAX = 500


def objection_due(result: Result) -> Any:
    """The last day of the period for objecting to a published result (None: not published)."""
    published = result.run.published_at if result.public else None
    if published is None:
        return None
    return rules.objection_due(published.astimezone(BEIJING).date())


def objection_file(*, actor: User, year: int, unit_key: str, reason: str) -> Objection:
    """The assessed unit objects to its published result, within the period."""
    policy.require(actor, "assessment.object")
    result = (
        Result.objects.filter(year=year, unit_key=unit_key[:24], public=True)
        .select_related("run")
        .first()
    )
    if result is None:
        raise NotFound()
    policy.require_reach(actor, result)
    if not policy.assessed_unit(actor, result.division_code, result.department_id):
        raise Forbidden("只有被考评单位本身可以对其考评结果提出异议")
    due = objection_due(result)
    if due is None or today_beijing() > due:
        raise DomainError(
            f"异议期已过：考评结果公布后{rules.objection_days()}个工作日内可以提出异议（本地政策）"
        )
    text = plain(reason).strip()[:REASON_MAX]
    if not text:
        raise DomainError("请填写异议理由", errors=[("reason", "请写明对哪项指标、因何有异议")])
    if Objection.objects.filter(
        year=year, unit_key=result.unit_key, state=ObjectionState.PENDING
    ).exists():
        raise Conflict("本单位已有待处理的异议，请等待省信用办处理")
    with transaction.atomic():
        objection = Objection.objects.create(
            year=year,
            unit_key=result.unit_key,
            result=result,
            division_code=result.division_code,
            department_id=result.department_id,
            reason=text,
            due_date=due,
            filed_by=actor,
        )
        audit_append(
            actor=actor.username,
            action="assessment.objection_file",
            object_type="assessment_objection",
            object_id=objection.pk,
            after={"year": year, "unit": result.unit_key, "result_version": result.version},
        )
    return objection


def objection_decide(
    *,
    actor: User,
    pk: int,
    name: str,
    version: int,
    decision: str,
    indicator: str = "",
    points: str = "",
) -> Objection:
    """The provincial credit office decides. Upheld: `indicator`'s points become `points`, in a
    new version of the result; dismissed: the result stays as it is."""
    policy.require(actor, "assessment.approve")
    if name not in OBJECTION_TRANSITIONS:
        raise DomainError("操作无效")
    transition = OBJECTION_TRANSITIONS[name]
    text = plain(decision).strip()[:DECISION_MAX]
    if not text:
        raise DomainError(f"请填写{transition.label}的理由", errors=[("decision", "必填")])
    with transaction.atomic():
        objection = (
            Objection.objects.select_for_update().select_related("result").filter(pk=pk).first()
        )
        if objection is None:
            raise NotFound()
        stale = "该异议已被他人处理，请刷新后重试"
        if objection.state not in transition.sources:
            raise Conflict(
                f"该异议当前状态为“{objection.get_state_display()}”，不能{transition.label}"
            )
        if version != objection.version:
            raise Conflict(stale)
        changes: dict[str, Any] = {
            "decided_by": actor,
            "decided_at": timezone.now(),
            "decision": text,
        }
        old = objection.result
        before = {"state": objection.state, "version": objection.version}
        after: dict[str, Any] = {"unit": objection.unit_key, "year": objection.year}
        if name == "uphold":
            fresh = _corrected(objection, indicator, points, text)
            changes.update(indicator=indicator, points=Decimal(points), new_result=fresh)
            after.update(
                result_version=[old.version, fresh.version],
                total=[str(old.total), str(fresh.total)],
                grade=[old.grade, fresh.grade],
                indicator=indicator,
            )
        transition_apply(
            Objection,
            pk=objection.pk,
            transition=transition,
            state=objection.state,
            version=objection.version,
            conflict=stale,
            state_field="state",
            **changes,
        )
        objection.refresh_from_db()
        after.update(state=objection.state, decision=text)
        audit_append(
            actor=actor.username,
            action="assessment.objection_uphold"
            if name == "uphold"
            else "assessment.objection_dismiss",
            object_type="assessment_objection",
            object_id=objection.pk,
            before=before,
            after=after,
        )
    return objection


def _corrected(objection: Objection, indicator: str, points: str, decision: str) -> Result:
    """The new version of the objected result with one indicator's points corrected."""
    old = Result.objects.select_for_update().get(pk=objection.result_id)
    if not old.current:
        raise Conflict("该结果已有新版本（重新运行或其他更正），请按新版本重新核定")
    system = old.run.system.data
    leaf = next((x for x in engine.leaves(system) if x["code"] == indicator), None)
    errors: list[tuple[str, str]] = []
    if leaf is None:
        errors.append(("indicator", "请选择要更正的指标"))
    try:
        value = Decimal(points)
        weight = Decimal(str(leaf["weight"])) if leaf else Decimal(100)
        if not value.is_finite() or not 0 <= value <= weight:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.append(("points", "更正后得分须在0到该指标权重之间"))
    if errors:
        raise DomainError("更正内容有误，未保存", errors=errors)
    value = value.quantize(Decimal("0.0001"))
    detail = [dict(row) for row in old.detail]
    for row in detail:
        if row["code"] == indicator:
            row["correction"] = {
                "objection": objection.pk,
                "reason": objection.reason,
                "decision": decision,
                "before": row.get("points"),
                "after": format(value, "f"),
                "from_version": old.version,
            }
            row["points"] = format(value, "f")
    total = sum((Decimal(str(r.get("points", 0))) for r in detail), Decimal(0))
    total = total.quantize(Decimal("0.01"))
    grade = engine.grade_of(system, total)
    # Its rank among the peers' current results; the peers' own ranks follow at the next run.
    rank = (
        Result.objects.filter(year=old.year, level=old.level, current=True, total__gt=total)
        .exclude(unit_key=old.unit_key)
        .count()
        + 1
    )
    number = (
        Result.objects.filter(year=old.year, unit_key=old.unit_key).aggregate(n=Max("version"))["n"]
        or 0
    ) + 1
    public = old.public
    Result.objects.filter(pk=old.pk).update(current=False, public=False)
    result = {
        "total": format(total, "f"),
        "grade": grade,
        "rank": rank,
        "peers": old.peers,
        "indicators": detail,
    }
    return Result.objects.create(
        year=old.year,
        unit_key=old.unit_key,
        version=number,
        current=True,
        public=public,
        run=old.run,
        level=old.level,
        name=old.name,
        division_code=old.division_code,
        department_id=old.department_id,
        total=total,
        grade=grade,
        rank=rank,
        peers=old.peers,
        detail=detail,
        digest=services.result_digest(result),
    )


def objections_visible(user: User) -> Any:
    """The objections the user reaches (the office: all in its reach; a unit: its own)."""
    return policy.within(Objection.objects.select_related("result", "filed_by"), user)
