"""Every write of plan-task supervision (督办): loading the plan's tasks, units' progress reports,
the provincial credit office's verification, assigning the departments of a group the plan names
without listing them, and escalating overdue reports. Who may do what: directory/policy.py."""

from __future__ import annotations

import dataclasses
import datetime
import json
from dataclasses import dataclass
from importlib import resources
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.clock import today_beijing
from govtrust.core.errors import Conflict, DomainError, Forbidden, NotFound
from govtrust.core.lifecycle import transition_apply
from govtrust.core.text import plain
from govtrust.core.workdays.engine import add_working_days
from govtrust.directory import policy
from govtrust.directory.models import Department, Government, Level, User
from govtrust.directory.services import department_create
from govtrust.remedies.services.evidence import check_uploads, file_store
from govtrust.supervision import rules
from govtrust.supervision.models import (
    PlanEscalation,
    PlanReportDue,
    PlanTask,
    PlanTaskUnit,
    ProgressReport,
    ReportAttachment,
    ReportState,
)
from govtrust.supervision.selectors import unit_deadline
from govtrust.supervision.workflow import REPORT_TRANSITIONS

TEXT_MAX = 4000
STALE = "该报告已被他人处理，请刷新后重试"


def plan_data() -> dict[str, Any]:
    """The shipped tasks (data/plan_tasks.json) with their source."""
    source = resources.files("govtrust.supervision").joinpath("data/plan_tasks.json")
    data: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class LoadReport:
    tasks_created: int
    units_created: int


def _unit(task: PlanTask, role: str, in_plan: str, government: Government, **dept: Any) -> bool:
    department: Department | None = dept.get("department")
    _row, created = PlanTaskUnit.objects.get_or_create(
        task=task,
        government=government,
        department=department,
        defaults={"role": role, "in_plan": in_plan, "division_code": government.division_id},
    )
    return created


def _units(task: PlanTask, spec: dict[str, Any], actor_name: str) -> int:
    """The rows of one of the plan's unit entries; groups stay named until assigned."""
    province = Government.objects.filter(division_id=policy.PROVINCE).first()
    if province is None:  # divisions not loaded yet: the tasks wait for their units
        return 0
    role, in_plan, kind = spec["role"], spec["in_plan"], spec["kind"]
    if kind == "department":
        department = Department.objects.filter(government=province, name=spec["name"]).first()
        if department is None:
            department = department_create(
                government=province, name=spec["name"], actor_name=actor_name
            )
        return int(_unit(task, role, in_plan, province, department=department))
    if kind in ("prefectures", "new_area"):
        wanted = Government.objects.filter(division__level=Level.PREFECTURE)
        if kind == "prefectures":
            wanted = wanted.exclude(division_id__in=policy.ANSWERS_TO)
        else:
            wanted = wanted.filter(division_id__in=policy.ANSWERS_TO)
        return sum(_unit(task, role, in_plan, g) for g in wanted)
    if PlanTaskUnit.objects.filter(task=task, in_plan=in_plan, government=None).exists():
        return 0
    PlanTaskUnit.objects.create(
        task=task, role=role, in_plan=in_plan, division_code=policy.PROVINCE
    )
    return 1


@transaction.atomic
def plan_tasks_load(*, actor_name: str = "system") -> LoadReport:
    """Load the plan's 13 tasks and their units; running it again changes nothing (texts are
    the plan's, so they are set again as shipped; assigned departments stay)."""
    tasks = units = 0
    for position, spec in enumerate(plan_data()["tasks"], start=1):
        deadline = spec["deadline"]
        task, created = PlanTask.objects.update_or_create(
            code=spec["code"],
            defaults={
                "position": position,
                "title": spec["title"],
                "text": spec["text"],
                "responsibility": spec["responsibility"],
                "deadline": datetime.date.fromisoformat(deadline) if deadline else None,
                "deadline_text": spec["deadline_text"],
            },
        )
        tasks += created
        units += sum(_units(task, unit, actor_name) for unit in spec["units"])
    if tasks or units:
        audit_append(
            actor=actor_name,
            action="plan_task.load",
            object_type="plan_task",
            object_id="plan",
            after={"tasks_created": tasks, "units_created": units},
        )
    return LoadReport(tasks, units)


def _answerable(actor: User, unit_id: int) -> PlanTaskUnit:
    policy.require(actor, "plan_tasks.report")
    unit = (
        PlanTaskUnit.objects.filter(
            policy.answerable_q(actor, division="division_code", department="department_id"),
            government__isnull=False,  # a group answers through its assigned departments
            pk=unit_id,
        )
        .select_related("task")
        .first()
    )
    if unit is None:
        raise NotFound()
    return unit


def _checked(year: int, text: str, percent: int, milestone: str) -> tuple[str, str]:
    errors = []
    this_year = today_beijing().year
    if not rules.FIRST_YEAR <= year <= this_year:
        errors.append(("year", f"年度应在{rules.FIRST_YEAR}年至{this_year}年之间"))
    text = plain(text).strip()
    if not text:
        errors.append(("text", "请填写进展情况"))
    elif len(text) > TEXT_MAX:
        errors.append(("text", f"进展情况不能超过{TEXT_MAX}字"))
    if not 0 <= percent <= rules.DONE_PERCENT:
        errors.append(("percent", "完成进度应为0至100之间的整数"))
    milestone = plain(milestone).strip()
    if len(milestone) > 120:
        errors.append(("milestone", "阶段性成果不能超过120字"))
    if errors:
        raise DomainError(errors[0][1], errors=errors)
    return text, milestone


@transaction.atomic
def progress_report_submit(
    *,
    actor: User,
    unit_id: int,
    year: int,
    text: str,
    percent: int,
    milestone: str = "",
    files: list[tuple[str, IO[bytes]]] | None = None,
) -> ProgressReport:
    """A unit reports its progress on a task for a year, with attachments (PDF, JPG, PNG)."""
    unit = _answerable(actor, unit_id)
    text, milestone = _checked(year, text, percent, milestone)
    files = files or []
    check_uploads(files)
    reports = ProgressReport.objects.filter(task_unit=unit)
    if (
        unit.task.deadline is not None
        and reports.filter(state=ReportState.VERIFIED, percent=rules.DONE_PERCENT).exists()
    ):
        raise Conflict("该任务已核实完成，无需再报告")
    if reports.filter(year=year, state=ReportState.SUBMITTED).exists():
        raise Conflict(f"{year}年度已有待核实的报告，请等待核实或退回后再报告")
    try:
        with transaction.atomic():
            report = ProgressReport.objects.create(
                task_unit=unit,
                year=year,
                text=text,
                percent=percent,
                milestone=milestone,
                reported_by=actor,
                reported_at=timezone.now(),
            )
    except IntegrityError as exc:  # a second report racing the first
        raise Conflict(f"{year}年度已有待核实的报告，请等待核实或退回后再报告") from exc
    stored = [
        ReportAttachment.objects.create(
            report=report, **dataclasses.asdict(file_store(name, handle))
        )
        for name, handle in files
    ]
    audit_append(
        actor=actor.username,
        action="plan_report.submit",
        object_type="plan_task",
        object_id=unit.task.code,
        after={
            "report": report.pk,
            "unit": unit.name,
            "year": year,
            "percent": percent,
            "milestone": milestone,
            "attachments": [{"label": a.label, "sha256": a.sha256} for a in stored],
        },
    )
    return report


@transaction.atomic
def progress_report_decide(
    *, actor: User, report_id: int, name: str, version: int, reason: str = ""
) -> ProgressReport:
    """The provincial credit office verifies or returns a report, never one it filed itself."""
    policy.require(actor, "plan_tasks.verify")
    transition = REPORT_TRANSITIONS.get(name)
    if transition is None:
        raise DomainError("不支持的操作")
    report = (
        policy.within(ProgressReport.objects.all(), actor)
        .filter(pk=report_id)
        .select_related("task_unit__task")
        .first()
    )
    if report is None:
        raise NotFound()
    if report.reported_by_id == actor.pk:
        raise Forbidden("不能核实自己提交的报告，须由另一名工作人员核实")
    if report.state not in transition.sources:
        raise Conflict(f"该报告当前状态为“{report.get_state_display()}”，不能{transition.label}")
    reason = plain(reason).strip()[:200]
    if transition.needs_reason and not reason:
        raise DomainError(f"请填写{transition.label}理由", errors=[("reason", "必填")])
    before = {"state": report.state, "version": report.version}
    transition_apply(
        ProgressReport,
        pk=report.pk,
        transition=transition,
        state=report.state,
        version=version,
        conflict=STALE,
        state_field="state",
        decided_by=actor,
        decided_at=timezone.now(),
        reason=reason,
    )
    report.refresh_from_db()
    audit_append(
        actor=actor.username,
        action=f"plan_report.{name}",
        object_type="plan_task",
        object_id=report.task_unit.task.code,
        before=before,
        after={
            "report": report.pk,
            "unit": report.task_unit.name,
            "year": report.year,
            "state": report.state,
            "reason": reason,
        },
    )
    return report


@transaction.atomic
def plan_task_assign(*, actor: User, group_id: int, department_id: int) -> PlanTaskUnit:
    """Name a department for a group the plan lists only as a group (省直各部门, 有关部门...):
    it then answers for the task in the group's role."""
    policy.require(actor, "plan_tasks.verify")
    group = (
        policy.within(PlanTaskUnit.objects.filter(government=None), actor)
        .select_related("task")
        .filter(pk=group_id)
        .first()
    )
    department = (
        policy.provincial_departments(actor)
        .filter(pk=department_id)
        .select_related("government")
        .first()
    )
    if group is None or department is None:
        raise NotFound()
    already = Conflict(f"{department.name}已是该任务的负责单位")
    if PlanTaskUnit.objects.filter(task=group.task, department=department).exists():
        raise already
    try:
        with transaction.atomic():  # a second assignment racing the first (PostgreSQL)
            unit = PlanTaskUnit.objects.create(
                task=group.task,
                role=group.role,
                in_plan=group.in_plan,
                government=department.government,
                department=department,
                division_code=department.division_code,
                starts_on=today_beijing(),  # not overdue for the periods before it answered
            )
    except IntegrityError as exc:
        raise already from exc
    audit_append(
        actor=actor.username,
        action="plan_task.assign",
        object_type="plan_task",
        object_id=group.task.code,
        after={"group": group.in_plan, "department": department.name, "role": unit.role},
    )
    return unit


def _overdue(
    unit: PlanTaskUnit, done: set[tuple[int, str]], today: datetime.date
) -> tuple[str, datetime.date] | None:
    """The period a unit is overdue for, with its due date, or None."""
    task = unit.task
    if task.deadline is not None:
        due = unit_deadline(task, unit.starts_on) or task.deadline
        return None if (unit.pk, "done") in done or today <= due else ("done", due)
    year = rules.latest_due_year(today)
    if year < max(rules.FIRST_YEAR, unit.starts_on.year) or (unit.pk, str(year)) in done:
        return None  # a unit assigned after the year is not answerable for it
    return str(year), rules.yearly_due(year)


def plan_tasks_escalate(*, today: datetime.date | None = None) -> int:
    """The worker's daily job: an overdue report is a reminder to the unit, then (after the
    configured working days) a notice to the government above it, once per level and period.
    A report waiting for verification counts as handed in."""
    today = today or today_beijing()
    plan_report_dues_store(today)
    handed_in = (ReportState.SUBMITTED, ReportState.VERIFIED)
    done: set[tuple[int, str]] = set()
    for unit_id, year, percent in ProgressReport.objects.filter(state__in=handed_in).values_list(
        "task_unit_id", "year", "percent"
    ):
        done.add((unit_id, str(year)))
        if percent == rules.DONE_PERCENT:
            done.add((unit_id, "done"))
    created = 0
    units = PlanTaskUnit.objects.exclude(government=None).select_related("task")
    for unit in units.iterator(chunk_size=500):
        overdue = _overdue(unit, done, today)
        if overdue is None:
            continue
        period, due = overdue
        second = add_working_days(due, rules.escalate_after()).due_date
        for level in [1] + ([2] if today > second else []):
            told = unit.division_code if level == 1 else policy.supervisor(unit.division_code)
            try:
                with transaction.atomic():
                    PlanEscalation.objects.create(
                        task_unit=unit, period=period, level=level, division_code=told
                    )
            except IntegrityError:
                continue
            created += 1
            audit_append(
                actor="system",
                action=f"plan_task.escalate{level}",
                object_type="plan_task",
                object_id=unit.task.code,
                after={"unit": unit.name, "period": period, "due": due.isoformat(), "told": told},
            )
    return created


def plan_report_dues_store(today: datetime.date | None = None) -> int:
    """Store the yearly due dates up to this year's report (the daily job does it first): each
    computed once from the calendar, then kept and recomputed when the calendar changes."""
    today = today or today_beijing()
    created = 0
    for year in range(rules.FIRST_YEAR, today.year + 1):
        due, provisional = rules.computed_due(year)
        _row, made = PlanReportDue.objects.get_or_create(
            year=year, defaults={"due_date": due, "provisional": provisional}
        )
        created += made
    return created


@transaction.atomic
def plan_report_dues_recompute() -> int:
    """Registered with the working-day engine (apps.py): a year's schedule entered or a day
    corrected moves the yearly due dates that fall on it; each change audited."""
    changed = 0
    for row in PlanReportDue.objects.select_for_update():
        due, provisional = rules.computed_due(row.year)
        if (due, provisional) == (row.due_date, row.provisional):
            continue
        before = row.due_date.isoformat()
        PlanReportDue.objects.filter(pk=row.pk).update(due_date=due, provisional=provisional)
        audit_append(
            actor="system",
            action="plan_task.due_recompute",
            object_type="plan_task",
            object_id=f"{row.year}年度报告",
            before={"due_date": before},
            after={"due_date": due.isoformat(), "provisional": provisional},
        )
        changed += 1
    return changed
