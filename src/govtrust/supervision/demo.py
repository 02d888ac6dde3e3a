"""Demo progress on the plan's tasks (`govtrust demo`): every task reported on by several units,
some verified, one returned, some still waiting, the rest overdue and escalated."""

from __future__ import annotations

from collections.abc import Callable

from govtrust.core.clock import today_beijing
from govtrust.core.errors import DomainError
from govtrust.directory.models import User
from govtrust.supervision import selectors
from govtrust.supervision.models import PlanTask, PlanTaskUnit
from govtrust.supervision.services.plan_tasks import (
    plan_task_assign,
    plan_tasks_escalate,
    progress_report_decide,
    progress_report_submit,
)

# The prefectures' reviewers act for their governments; the province's credit office, hosted by
# 甘肃省发展和改革委员会, reports for it and verifies the others' reports.
REPORTERS = ("reviewer", "reviewer_tianshui", "reviewer_jiuquan")
OFFICE = "creditoffice"


def _text(task: PlanTask, unit: PlanTaskUnit) -> str:
    return (
        f"{unit.name}落实“{task.title}”：已明确分管领导和责任科室，制定工作方案，"
        "按季度调度进展，相关制度文件和台账已归档备查。"
    )


def plan_tasks_demo(progress: Callable[[str], None]) -> None:
    office = User.objects.get(username=OFFICE)
    year = selectors.default_year(today_beijing())
    group = PlanTaskUnit.objects.filter(task__code="三（二）4", government=None).first()
    if group is not None and office.department_id is not None:
        plan_task_assign(actor=office, group_id=group.pk, department_id=office.department_id)
    reports = 0
    for turn, username in enumerate((*REPORTERS, OFFICE)):
        actor = User.objects.get(username=username)
        for unit in selectors.units_answerable(actor):
            try:
                report = progress_report_submit(
                    actor=actor,
                    unit_id=unit.pk,
                    year=year,
                    text=_text(unit.task, unit),
                    percent=100 if (unit.task.position + turn) % 3 else 70,
                    milestone="制度文件已印发" if unit.task.deadline else "",
                )
            except DomainError as exc:
                progress(f"未能生成任务进展：{exc.detail}")
                continue
            reports += 1
            if actor == office:
                continue  # four eyes: the office does not verify its own reports
            step = (unit.task.position + turn) % 4
            if step in (0, 1):
                progress_report_decide(actor=office, report_id=report.pk, name="verify", version=1)
            elif step == 2:
                progress_report_decide(
                    actor=office,
                    report_id=report.pk,
                    name="return",
                    version=1,
                    reason="请补充制度文件和工作台账等佐证材料",
                )
    escalated = plan_tasks_escalate()
    progress(f"已生成督办任务进展报告 {reports} 份，逾期督办 {escalated} 条")
