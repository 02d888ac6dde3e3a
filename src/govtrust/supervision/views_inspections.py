"""Back-office pages of inspections (专项督导): the list in reach with the organiser's planning
form and the unit's findings to rectify; one inspection with its scope, team, checklist, figures
and findings (the team records findings there); one finding with each party's steps; the report
as PDF. Reads through the selectors, writes through the services; who may act is the policy's."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from govtrust.core.clock import today_beijing
from govtrust.core.errors import DomainError, NotFound
from govtrust.directory import lists, policy
from govtrust.directory.access import attempt, capability_required, posted_int, staff_user
from govtrust.directory.models import User
from govtrust.remedies.downloads import evidence_response
from govtrust.supervision import rules_inspections as rules
from govtrust.supervision import selectors_inspections as selectors
from govtrust.supervision.models import (
    Finding,
    FindingSeverity,
    FindingState,
    Inspection,
    InspectionState,
)
from govtrust.supervision.services import inspections as svc


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return datetime.date.min  # refused in words by the service


def _files(request: HttpRequest) -> list[tuple[str, object]]:
    return [(f.name or "附件", f) for f in request.FILES.getlist("files")]


class InspectionFilter(lists.ListFilter):
    """督导计划: by state, inspected unit (the picker; the inspected government, not the
    organiser) and the start of the inspection period."""

    unit = True
    date_field = "period_start"
    date_label = "督导开始日期"
    state = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *InspectionState.choices]
    )
    lookups: ClassVar[dict[str, lists.Lookup]] = {"state": "state"}

    def narrow_to_unit(self, rows: QuerySet[Any], code: str) -> QuerySet[Any]:
        return policy.inspections_inspecting(rows, code)


INSPECTIONS_SHEET = lists.Sheet(
    "inspections",
    "专项督导",
    [
        lists.Column("编号", lambda i: i.number),
        lists.Column("名称", lambda i: i.title),
        lists.Column("组织单位", lambda i: str(i.organiser)),
        lists.Column("被督导单位", lambda i: "、".join(str(t.government) for t in i.targets.all())),
        lists.Column("督导开始日期", lambda i: lists.day(i.period_start)),
        lists.Column("督导结束日期", lambda i: lists.day(i.period_end)),
        lists.Column("状态", lambda i: i.get_state_display()),
    ],
)

# The findings a unit still has to act on or that wait for the team after its answer.
ANSWERING = (FindingState.RECTIFYING, FindingState.ANSWERED)


class AnsweringFilter(lists.ListFilter):
    """本单位待整改的问题: by state (整改中 / 待核验), severity, unit (a government above
    several units) and the rectification deadline."""

    unit = True
    date_field = "due_date"
    date_label = "整改期限"
    state = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部"), *[(s.value, s.label) for s in ANSWERING]],
    )
    severity = forms.ChoiceField(
        label="严重程度", required=False, choices=[("", "全部"), *FindingSeverity.choices]
    )
    lookups: ClassVar[dict[str, lists.Lookup]] = {"state": "state", "severity": "severity"}


ANSWERING_SHEET = lists.Sheet(
    "inspection-findings",
    "待整改的督导问题",
    [
        lists.Column("督导编号", lambda f: f.inspection.number),
        lists.Column("督导名称", lambda f: f.inspection.title),
        lists.Column("问题序号", lambda f: f.number),
        lists.Column("被督导单位", lambda f: str(f.department or f.target.government)),
        lists.Column("问题描述", lambda f: f.facts),
        lists.Column("严重程度", lambda f: f.get_severity_display()),
        lists.Column("整改要求", lambda f: f.requirement),
        lists.Column("整改期限", lambda f: lists.day(f.due_date)),
        lists.Column("状态", lambda f: f.get_state_display()),
        lists.Column("逾期整改", lambda f: "是" if f.answered_late else ""),
    ],
)


def _answering(user: User) -> QuerySet[Finding]:
    return (
        selectors.findings_answerable(user)
        .filter(state__in=ANSWERING)
        .order_by("due_date", "inspection_id", "number")
    )


@require_GET
@capability_required("business.read")
def inspections(request: HttpRequest) -> HttpResponseBase:
    user = staff_user(request)
    plans = policy.permits(user, "inspections.plan")
    filters = InspectionFilter(request.GET, user=user)
    rows = filters.apply(selectors.inspections_visible(user)).prefetch_related(
        "targets__government"
    )
    return lists.list_response(
        request,
        user,
        rows,
        sheet=INSPECTIONS_SHEET,
        filters=filters,
        template="supervision/inspections/list.html",
        extra=lambda page: {
            "answering_count": _answering(user).count(),
            "reminders": selectors.reminders_for(user)[:50],
            "plans": plans,
            "targets": policy.inspection_targets(user) if plans else [],
            "inspectors": policy.inspectors_for(user) if plans else [],
            "template": svc.checklist_template(),
        },
    )


@require_GET
@capability_required("business.read")
def answering(request: HttpRequest) -> HttpResponseBase:
    """本单位待整改的问题: the findings the user's unit answers for, nearest deadline first."""
    user = staff_user(request)
    filters = AnsweringFilter(request.GET, user=user)
    rows = filters.apply(_answering(user))
    return lists.list_response(
        request,
        user,
        rows,
        sheet=ANSWERING_SHEET,
        filters=filters,
        template="supervision/inspections/answering.html",
        extra=lambda page: {"today": today_beijing()},
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
