"""Back-office pages of inspections (专项督导): the list in reach with the organiser's planning
form and the unit's findings to rectify; one inspection with its scope, team, checklist, figures
and findings (the team records findings there); one finding with each party's steps; the report
as PDF. Reads through the selectors, writes through the services; who may act is the policy's."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from govtrust.core.clock import today_beijing
from govtrust.core.errors import DomainError, NotFound
from govtrust.directory import policy
from govtrust.directory.access import attempt, capability_required, posted_int, staff_user
from govtrust.remedies.downloads import evidence_response
from govtrust.supervision import rules_inspections as rules
from govtrust.supervision import selectors_inspections as selectors
from govtrust.supervision.models import (
    Finding,
    FindingSeverity,
    FindingState,
    Inspection,
)
from govtrust.supervision.services import inspections as svc


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return datetime.date.min  # refused in words by the service


def _files(request: HttpRequest) -> list[tuple[str, object]]:
    return [(f.name or "附件", f) for f in request.FILES.getlist("files")]


@require_GET
@capability_required("business.read")
def inspections(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    plans = policy.permits(user, "inspections.plan")
    return render(
        request,
        "supervision/inspections/list.html",
        {
            "inspections": selectors.inspections_visible(user)[:200],
            "answering": selectors.findings_answerable(user).filter(
                state__in=(FindingState.RECTIFYING, FindingState.ANSWERED)
            ),
            "reminders": selectors.reminders_for(user)[:50],
            "plans": plans,
            "targets": policy.inspection_targets(user) if plans else [],
            "inspectors": policy.inspectors_for(user) if plans else [],
            "template": svc.checklist_template(),
            "today": today_beijing(),
        },
    )


@require_POST
@capability_required("inspections.plan")
def plan(request: HttpRequest) -> HttpResponse:
    post = request.POST
    done = attempt(
        request,
        lambda: svc.inspection_plan(
            actor=staff_user(request),
            data=svc.InspectionIn(
                title=post.get("title", ""),
                period_start=_date(post.get("period_start", "")),
                period_end=_date(post.get("period_end", "")),
                target_codes=post.getlist("target_codes"),
                inspector_ids=[int(v) for v in post.getlist("inspector_ids") if v.isdecimal()],
                leader_id=posted_int(request, "leader_id") or None,
                item_codes=post.getlist("item_codes"),
            ),
        ),
    )
    if done is None:
        return redirect("inspections:list")
    messages.success(request, f"已制定专项督导计划 {done.number}")
    return redirect("inspections:detail", done.pk)


def _inspection(request: HttpRequest, pk: int) -> Inspection:
    found = selectors.inspections_visible(staff_user(request)).filter(pk=pk).first()
    if found is None:
        raise Http404("对象不存在或不在您的数据范围内")
    return found


@require_GET
@capability_required("business.read")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    inspection = _inspection(request, pk)
    findings = list(selectors.findings_visible(user).filter(inspection=inspection))
    acting = policy.inspection_acting(user, inspection)
    organising = policy.inspection_organising(user, inspection)
    return render(
        request,
        "supervision/inspections/detail.html",
        {
            "inspection": inspection,
            "targets": inspection.targets.select_related("government"),
            "team": inspection.members.select_related("user"),
            "items": inspection.items.all(),
            "findings": findings,
            "figures": selectors.inspection_figures(inspection, findings)
            if acting or organising
            else [],
            "acting": acting,
            "organising": organising,
            "severities": FindingSeverity.choices,
            "days": {k: rules.rectify_days(k) for k in FindingSeverity.values},
            "source": rules.SOURCE,
        },
    )


@require_POST
@capability_required("inspections.inspect")
def record(request: HttpRequest, pk: int) -> HttpResponse:
    post = request.POST
    done = attempt(
        request,
        lambda: svc.finding_record(
            actor=staff_user(request),
            inspection_id=pk,
            data=svc.FindingIn(
                target_code=post.get("target_code", ""),
                item_code=post.get("item_code", ""),
                facts=post.get("facts", ""),
                severity=post.get("severity", ""),
                requirement=post.get("requirement", ""),
                department_id=posted_int(request, "department_id") or None,
                rectify_working_days=posted_int(request, "rectify_working_days") or None,
            ),
            files=_files(request),  # type: ignore[arg-type]
        ),
    )
    if done is None:
        return redirect("inspections:detail", pk)
    messages.success(request, f"已记录问题{done.number}，待督导组另一名成员确认")
    return redirect("inspections:finding", done.pk)


@require_POST
@capability_required("inspections.plan")
def conclude(request: HttpRequest, pk: int) -> HttpResponse:
    done = attempt(
        request,
        lambda: svc.inspection_conclude(
            actor=staff_user(request), pk=pk, version=posted_int(request, "version")
        ),
    )
    if done is not None:
        messages.success(request, "专项督导已结束")
    return redirect("inspections:detail", pk)


@require_GET
@capability_required("business.read")
def report(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        inspection, pdf = svc.inspection_report_pdf(actor=staff_user(request), pk=pk)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("inspections:detail", pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="inspection-{inspection.number}.pdf"'
    return response


def _finding(request: HttpRequest, pk: int) -> Finding:
    user = staff_user(request)
    found = selectors.findings_visible(user).filter(pk=pk).first()
    if found is None:
        found = selectors.findings_answerable(user).filter(pk=pk).first()
    if found is None:
        raise Http404("对象不存在或不在您的数据范围内")
    return found


@require_GET
@capability_required("business.read")
def finding(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    item = _finding(request, pk)
    return render(
        request,
        "supervision/inspections/finding.html",
        {
            "f": item,
            "attachments": item.attachments.all(),
            "acting": policy.inspection_acting(user, item.inspection),
            "organising": policy.inspection_organising(user, item.inspection),
            "answering": selectors.findings_answerable(user).filter(pk=pk).exists(),
            "recorder": item.recorded_by_id == user.pk,
            "confirmed": item.state in svc.CONFIRMED,
        },
    )


# Each step and the capability it needs (the service asks the policy again, with the reach).
STEPS = {
    "confirm": "inspections.inspect",
    "withdraw": "inspections.inspect",
    "close": "inspections.inspect",
    "return": "inspections.inspect",
    "answer": "inspections.answer",
    "draft": "inspections.plan",
}


@require_POST
@capability_required("business.read")
def step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in STEPS:
        raise Http404("不支持的办理步骤")
    actor, version, post = staff_user(request), posted_int(request, "version"), request.POST
    if not policy.permits(actor, STEPS[name]):
        raise PermissionDenied(policy.CAPABILITIES[STEPS[name]].refusal)
    if name == "draft":
        made = attempt(request, lambda: svc.finding_to_draft(actor=actor, pk=pk))
        if made is not None:
            messages.success(request, f"已生成失信记录草稿 {made.number}，请补充后提交审核")
        return redirect("inspections:finding", pk)
    calls: dict[str, Callable[[], Finding]] = {
        "confirm": lambda: svc.finding_confirm(actor=actor, pk=pk, version=version),
        "withdraw": lambda: svc.finding_withdraw(
            actor=actor, pk=pk, version=version, reason=post.get("reason", "")
        ),
        "close": lambda: svc.finding_close(actor=actor, pk=pk, version=version),
        "return": lambda: svc.finding_return(
            actor=actor, pk=pk, version=version, reason=post.get("reason", "")
        ),
        "answer": lambda: svc.finding_answer(
            actor=actor,
            pk=pk,
            version=version,
            answer=post.get("answer", ""),
            files=_files(request),  # type: ignore[arg-type]
        ),
    }
    done = attempt(request, calls[name])
    if done is not None:
        messages.success(request, f"已办理：{done.get_state_display()}")
    return redirect("inspections:finding", pk)


@require_GET
@capability_required("business.read")
def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    return evidence_response(selectors.attachment_read(staff_user(request), attachment_id))
