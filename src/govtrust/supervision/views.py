"""Back-office pages of plan-task supervision (督办): the matrix, one task with its reports and
the forms to report, verify and assign. Reads through the selectors, writes through services."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from govtrust.core.clock import today_beijing
from govtrust.directory import policy
from govtrust.directory.access import attempt, capability_required, posted_int, staff_user
from govtrust.directory.models import Department
from govtrust.remedies.downloads import evidence_response
from govtrust.supervision import rules, selectors
from govtrust.supervision.models import PlanTask, ProgressReport, ReportAttachment
from govtrust.supervision.services.plan_tasks import (
    plan_data,
    plan_task_assign,
    progress_report_decide,
    progress_report_submit,
)

WAITING = (selectors.SUBMITTED, selectors.DONE)


def _year(request: HttpRequest, default: int) -> int:
    value = request.GET.get("year", "")
    year = int(value) if value.isdecimal() and len(value) == 4 else default
    return min(max(year, rules.FIRST_YEAR), today_beijing().year)


@require_GET
@capability_required("business.read")
def overview(request: HttpRequest) -> HttpResponse:
    """督办任务: the units' own tasks to report on; for readers of figures, the matrix."""
    user = staff_user(request)
    today = today_beijing()
    year = _year(request, selectors.default_year(today))
    yearly = rules.yearly_due(year)
    mine = [
        (
            unit,
            selectors.cell_state(
                unit.task, list(unit.reports.all()), year, today, unit.starts_on, yearly
            ),
        )
        for unit in selectors.units_answerable(user)
    ]
    grid = selectors.matrix(user, year, today) if policy.permits(user, "figures.read") else None
    return render(
        request,
        "supervision/overview.html",
        {
            "year": year,
            "years": range(today.year, rules.FIRST_YEAR - 1, -1),
            "mine": mine,
            "matrix": grid,
            "source": plan_data()["source"],
            "due_rule": yearly,
        },
    )


@require_GET
@capability_required("business.read")
def task(request: HttpRequest, task_id: int) -> HttpResponse:
    user = staff_user(request)
    found = PlanTask.objects.filter(pk=task_id).first()
    if found is None:
        raise Http404("任务不存在")
    today = today_beijing()
    year = _year(request, selectors.default_year(today))
    answerable = {u.pk for u in selectors.units_answerable(user).filter(task=found)}
    yearly = rules.yearly_due(year)
    units = []
    for unit in selectors.task_units(user, found):
        cell = selectors.cell_state(
            found, list(unit.reports.all()), year, today, unit.starts_on, yearly
        )
        # The unit's form: open when a report is wanted, folded when one waits or the task is done.
        form = "" if unit.pk not in answerable else "folded" if cell in WAITING else "open"
        units.append((unit, cell, form))
    assignable = (
        policy.provincial_departments(user)
        if policy.permits(user, "plan_tasks.verify")
        else Department.objects.none()
    )
    return render(
        request,
        "supervision/task.html",
        {
            "task": found,
            "year": year,
            "this_year": today.year,
            "units": units,
            "assignable": assignable,
            "note": plan_data()["note"],
        },
    )


@require_POST
@capability_required("plan_tasks.report")
def report(request: HttpRequest, task_id: int, unit_id: int) -> HttpResponse:
    done = attempt(
        request,
        lambda: progress_report_submit(
            actor=staff_user(request),
            unit_id=unit_id,
            year=posted_int(request, "year"),
            text=request.POST.get("text", ""),
            percent=posted_int(request, "percent") if request.POST.get("percent") else -1,
            milestone=request.POST.get("milestone", ""),
            files=[(f.name or "附件", f) for f in request.FILES.getlist("files")],
        ),
    )
    if done is not None:
        messages.success(request, f"已提交{done.year}年度进展报告，等待省信用办核实")
    return redirect("supervision:task", task_id)


@require_POST
@capability_required("plan_tasks.verify")
def decide(request: HttpRequest, task_id: int, report_id: int) -> HttpResponse:
    name = "verify" if request.POST.get("decision") == "verify" else "return"
    done = attempt(
        request,
        lambda: progress_report_decide(
            actor=staff_user(request),
            report_id=report_id,
            name=name,
            version=posted_int(request, "version"),
            reason=request.POST.get("reason", ""),
        ),
    )
    if done is not None:
        messages.success(request, f"报告已{done.get_state_display()}")
    return redirect("supervision:task", task_id)


@require_POST
@capability_required("plan_tasks.verify")
def assign(request: HttpRequest, task_id: int) -> HttpResponse:
    done = attempt(
        request,
        lambda: plan_task_assign(
            actor=staff_user(request),
            group_id=posted_int(request, "group"),
            department_id=posted_int(request, "department"),
        ),
    )
    if done is not None:
        messages.success(request, f"已指定{done.name}为负责单位")
    return redirect("supervision:task", task_id)


@require_GET
@capability_required("business.read")
def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    user = staff_user(request)
    found = (
        ReportAttachment.objects.filter(pk=attachment_id)
        .filter(report__in=policy.within(ProgressReport.objects.all(), user))
        .first()
    )
    return evidence_response(found)
