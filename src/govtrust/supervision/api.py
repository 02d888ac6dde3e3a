"""The plan's tasks over HTTP (staff): the tasks with their responsible units and deadlines,
progress reports, and their verification."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from govtrust.core.errors import NotFound
from govtrust.directory import policy
from govtrust.directory.auth import api_user
from govtrust.supervision.models import PlanTask, PlanTaskUnit, ProgressReport
from govtrust.supervision.services.plan_tasks import (
    progress_report_decide,
    progress_report_submit,
)

router = Router(tags=["督办任务"])


class UnitOut(Schema):
    id: int
    name: str
    in_plan: str
    role: str
    role_label: str
    government_code: str | None
    department_id: int | None


class TaskOut(Schema):
    id: int
    code: str
    title: str
    text: str
    responsibility: str
    deadline: datetime.date | None
    deadline_text: str
    responsible_units: list[UnitOut]


class ReportIn(Schema):
    year: int
    text: str
    percent: int
    milestone: str = ""


class ReportOut(Schema):
    id: int
    version: int
    unit_id: int
    unit: str
    year: int
    text: str
    percent: int
    milestone: str
    state: str
    state_label: str
    reason: str
    reported_at: datetime.datetime


class DecisionIn(Schema):
    version: int
    reason: str = ""


def _unit(unit: PlanTaskUnit) -> UnitOut:
    return UnitOut(
        id=unit.pk,
        name=unit.name,
        in_plan=unit.in_plan,
        role=unit.role,
        role_label=unit.get_role_display(),
        government_code=unit.government.division_id if unit.government else None,
        department_id=unit.department_id,
    )


def _report(report: ProgressReport) -> ReportOut:
    return ReportOut(
        id=report.pk,
        version=report.version,
        unit_id=report.task_unit_id,
        unit=report.task_unit.name,
        year=report.year,
        text=report.text,
        percent=report.percent,
        milestone=report.milestone,
        state=report.state,
        state_label=report.get_state_display(),
        reason=report.reason,
        reported_at=report.reported_at,
    )


@router.get("/plan-tasks", response=list[TaskOut], summary="实施方案的任务及负责单位")
def plan_tasks(request: HttpRequest) -> list[TaskOut]:
    """The plan is public: every business user reads all 13 tasks and who answers for them."""
    policy.require(api_user(request), "business.read")
    tasks = PlanTask.objects.prefetch_related("units__government", "units__department")
    return [
        TaskOut(
            id=t.pk,
            code=t.code,
            title=t.title,
            text=t.text,
            responsibility=t.responsibility,
            deadline=t.deadline,
            deadline_text=t.deadline_text,
            responsible_units=[_unit(u) for u in t.units.all()],
        )
        for t in tasks
    ]


@router.get("/plan-tasks/{task_id}/reports", response=list[ReportOut], summary="任务进展报告")
def task_reports(request: HttpRequest, task_id: int) -> list[ReportOut]:
    user = api_user(request)
    task = PlanTask.objects.filter(pk=task_id).first()  # an id out of range finds nothing
    if task is None:
        raise NotFound()
    reports = policy.within(ProgressReport.objects.all(), user).filter(task_unit__task=task)
    return [
        _report(r) for r in reports.select_related("task_unit__government", "task_unit__department")
    ]


@router.post(
    "/plan-task-units/{unit_id}/reports",
    response={201: ReportOut},
    summary="报告任务进展（本单位负责的任务）",
)
def report_submit(request: HttpRequest, unit_id: int, body: ReportIn) -> Status[ReportOut]:
    report = progress_report_submit(
        actor=api_user(request),
        unit_id=unit_id,
        year=body.year,
        text=body.text,
        percent=body.percent,
        milestone=body.milestone,
    )
    return Status(201, _report(report))


@router.post(
    "/plan-reports/{report_id}/{decision}",
    response=ReportOut,
    summary="核实或退回进展报告（decision：verify 核实 / return 退回）",
)
def report_decide(
    request: HttpRequest, report_id: int, decision: str, body: DecisionIn
) -> ReportOut:
    report = progress_report_decide(
        actor=api_user(request),
        report_id=report_id,
        name=decision,
        version=body.version,
        reason=body.reason,
    )
    return _report(report)
