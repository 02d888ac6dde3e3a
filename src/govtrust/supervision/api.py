"""The plan's tasks over HTTP (staff): the tasks with their responsible units and deadlines,
progress reports, and their verification."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from govtrust.core.errors import DomainError, NotFound
from govtrust.directory import policy
from govtrust.directory.auth import api_user
from govtrust.supervision.models import PlanTask, PlanTaskUnit, ProgressReport, Suggestion
from govtrust.supervision.selectors import suggestions_visible
from govtrust.supervision.services.plan_tasks import (
    progress_report_decide,
    progress_report_submit,
)
from govtrust.supervision.services.suggestions import (
    SuggestionIn,
    suggestion_feedback,
    suggestion_hand_back,
    suggestion_reassign,
    suggestion_register,
    suggestion_reply,
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


# ---- deputies' suggestions and CPPCC proposals -------------------------------------------


class SuggestionCreate(Schema):
    kind: str = Field(description="deputy 人大代表建议 / cppcc 政协委员提案")
    session: str
    number: str
    title: str
    proposer: str
    government_code: str = Field(description="承办政府的行政区划代码")
    department_id: int | None = None
    co_units: str = ""
    assigned_on: datetime.date
    complex: bool = False


class SuggestionOut(Schema):
    id: int
    version: int
    kind: str
    kind_label: str
    session: str
    number: str
    title: str
    proposer: str
    government_code: str
    department_id: int | None
    handler: str
    assigned_on: datetime.date
    complex: bool
    due_date: datetime.date
    state: str
    state_label: str
    result: str
    reply: str
    replied_on: datetime.date | None
    replied_late: bool
    satisfaction: str
    rehandle_due: datetime.date | None


class StepIn(Schema):
    version: int
    reason: str = ""
    result: str = ""
    reply: str = ""
    satisfaction: str = ""
    government_code: str = ""
    department_id: int | None = None


def _suggestion(item: Suggestion) -> SuggestionOut:
    return SuggestionOut(
        id=item.pk,
        version=item.version,
        kind=item.kind,
        kind_label=item.get_kind_display(),
        session=item.session,
        number=item.number,
        title=item.title,
        proposer=item.proposer,
        government_code=item.government.division_id,
        department_id=item.department_id,
        handler=item.handler,
        assigned_on=item.assigned_on,
        complex=item.complex,
        due_date=item.due_date,
        state=item.state,
        state_label=item.get_state_display(),
        result=item.result,
        reply=item.reply,
        replied_on=item.replied_on,
        replied_late=item.replied_late,
        satisfaction=item.satisfaction,
        rehandle_due=item.rehandle_due,
    )


@router.post(
    "/suggestions", response={201: SuggestionOut}, summary="登记人大代表建议或政协委员提案"
)
def suggestion_create(request: HttpRequest, body: SuggestionCreate) -> Status[SuggestionOut]:
    item = suggestion_register(actor=api_user(request), data=SuggestionIn(**body.dict()))
    return Status(201, _suggestion(item))


@router.get("/suggestions", response=list[SuggestionOut], summary="建议提案（数据范围内）")
def suggestion_list(request: HttpRequest) -> list[SuggestionOut]:
    return [_suggestion(s) for s in suggestions_visible(api_user(request))]


@router.post(
    "/suggestions/{suggestion_id}/{step}",
    response=SuggestionOut,
    summary="办理建议提案",
    description="step：hand_back 退回交办 / reassign 重新交办 / reply 答复 / feedback 代表委员意见",
)
def suggestion_step(
    request: HttpRequest, suggestion_id: int, step: str, body: StepIn
) -> SuggestionOut:
    actor = api_user(request)
    if step == "hand_back":
        item = suggestion_hand_back(
            actor=actor, pk=suggestion_id, version=body.version, reason=body.reason
        )
    elif step == "reassign":
        item = suggestion_reassign(
            actor=actor,
            pk=suggestion_id,
            version=body.version,
            government_code=body.government_code,
            department_id=body.department_id,
        )
    elif step == "reply":
        item = suggestion_reply(
            actor=actor,
            pk=suggestion_id,
            version=body.version,
            result=body.result,
            reply=body.reply,
        )
    elif step == "feedback":
        item = suggestion_feedback(
            actor=actor, pk=suggestion_id, version=body.version, satisfaction=body.satisfaction
        )
    else:
        raise DomainError("不支持的办理步骤")
    return _suggestion(item)
