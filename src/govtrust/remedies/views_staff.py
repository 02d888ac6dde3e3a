"""Back-office pages: the case queue with working-day countdowns, a case with its steps, and
the per-unit figures. Every read goes through the scoped selectors; every write through
`case_act` / `report_to_draft`."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from govtrust.core.errors import NotFound
from govtrust.core.workdays.engine import Calendar
from govtrust.directory import lists
from govtrust.directory.access import attempt, capability_required, posted_int, staff_user
from govtrust.records.selectors import records_visible
from govtrust.remedies import selectors
from govtrust.remedies.downloads import evidence_response
from govtrust.remedies.models import Case, CaseKind, DeclineGround
from govtrust.remedies.rules import RECTIFY_DAYS_RANGE
from govtrust.remedies.services.filing import CORRECTION_OPTIONS, OBJECTION_FIELDS
from govtrust.remedies.services.followup import report_to_draft
from govtrust.remedies.services.handling import actions_for, case_act
from govtrust.remedies.services.promises import default_rectify_days, may_take_draft
from govtrust.remedies.workflow import CLOSED, STATUS_LABELS


def _closed(rows: QuerySet[Case], state: str) -> QuerySet[Case]:
    if state == "all":
        return rows
    return rows.filter(status__in=CLOSED) if state == "closed" else rows.exclude(status__in=CLOSED)


class CaseFilter(lists.ListFilter):
    unit = True
    date_field = "received_at"
    date_label = "收到日期"
    defaults: ClassVar[dict[str, str]] = {"state": "open"}
    state = forms.ChoiceField(
        label="办理状态",
        choices=[("open", "在办"), ("closed", "已办结"), ("all", "全部")],
        required=False,
    )
    kind = forms.ChoiceField(
        label="类型", choices=[("", "全部"), *CaseKind.choices], required=False
    )
    lookups: ClassVar[dict[str, lists.Lookup]] = {"state": _closed, "kind": "kind"}


def _case_sheet() -> lists.Sheet:
    calendar = Calendar.whole()  # one read of the override table for the whole export

    def left(case: Case) -> object:
        days = selectors.queue_line(case, calendar).days_left
        return "" if days is None else days

    return lists.Sheet(
        "cases",
        "异议修复举报",
        [
            lists.Column("受理编号", lambda c: c.number),
            lists.Column("类型", lambda c: c.get_kind_display()),
            lists.Column("对象", lambda c: c.target_name),
            lists.Column("状态", lambda c: c.status_label),
            lists.Column("曾逾期", lambda c: "是" if c.late else ""),
            lists.Column("收到时间", lambda c: lists.day(c.received_at)),
            lists.Column("当前期限", lambda c: lists.day(c.due_date)),
            lists.Column("剩余工作日（负数为逾期）", left),
        ],
    )


@require_GET
@capability_required("cases.handle")
def queue(request: HttpRequest) -> HttpResponseBase:
    user = staff_user(request)
    filters = CaseFilter(request.GET, user=user)
    rows = filters.apply(selectors.queue(user, open_only=False))
    today = timezone.localdate()
    return lists.list_response(
        request,
        user,
        rows,
        sheet=_case_sheet,
        filters=filters,
        template="remedies/queue.html",
        extra=lambda page: {
            "lines": selectors.queue_lines(page.object_list),
            "figures": selectors.figures(user, datetime.date(today.year, 1, 1), today),
        },
    )


@require_GET
@capability_required("cases.handle")
def detail(request: HttpRequest, number: str) -> HttpResponse:
    user = staff_user(request)
    try:
        case = selectors.case_get(user, number)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    name, phone = selectors.contact_of(case, user)
    context: dict[str, Any] = {
        "case": case,
        "line": selectors.queue_line(case),
        "view": selectors.public_case(case),
        "label": STATUS_LABELS[case.status],
        "actions": actions_for(user, case),
        "promise": selectors.promise_view(case),
        "grounds": DeclineGround.choices,
        "rectify_default": default_rectify_days(),
        "rectify_range": RECTIFY_DAYS_RANGE,
        "may_draft": may_take_draft(user, case),
        # The draft's link only for those who reach the record (not the accused unit).
        "draft_reached": case.draft_record_id is not None
        and records_visible(user).filter(pk=case.draft_record_id).exists(),
        "closed": CLOSED,  # a step into these closes the case: confirmed first
        "contact_name": name,
        "contact_phone": phone,
        "correctable": {k: OBJECTION_FIELDS[k] for k in case.fields if k in OBJECTION_FIELDS},
        "options": CORRECTION_OPTIONS,
        "evidence": list(case.evidence.all()),
    }
    return render(request, "remedies/case.html", context)


def _days(value: str) -> int | None:
    """The rectification period typed in; anything not a small whole number is passed on as
    out of range, so the service refuses it with its message (never a 500)."""
    value = value.strip()
    if not value:
        return None
    return int(value) if value.isdecimal() and len(value) < 6 else -1


@require_POST
@capability_required("cases.handle")
def act(request: HttpRequest, number: str) -> HttpResponse:
    post = request.POST
    changes = {
        key[len("new_") :]: ",".join(v for v in post.getlist(key) if v.strip())
        for key in post
        if key.startswith("new_") and "".join(post.getlist(key)).strip()
    }
    case = attempt(
        request,
        lambda: case_act(
            number=number,
            action=post.get("action", ""),
            actor=staff_user(request),
            version=posted_int(request, "version"),
            reason=post.get("reason", ""),
            changes=changes,
            withdraw=post.get("withdraw") == "on",
            rectify_days=_days(post.get("rectify_days", "")),
            ground=post.get("ground", "")[:30],
        ),
    )
    if case is not None:
        messages.success(request, f"已办理：{STATUS_LABELS[case.status]}")
    return redirect("remedies-staff:case", number=number)


@require_POST
@capability_required("cases.office")
def draft(request: HttpRequest, number: str) -> HttpResponse:
    record = attempt(request, lambda: report_to_draft(number=number, actor=staff_user(request)))
    if record is not None:
        messages.success(request, f"已生成失信记录草稿 {record.number}，请补全后报送")
    return redirect("remedies-staff:case", number=number)


@require_GET
@capability_required("cases.handle")
def evidence(request: HttpRequest, number: str, evidence_id: int) -> FileResponse:
    return evidence_response(
        selectors.evidence_read(number=number, evidence_id=evidence_id, user=staff_user(request))
    )
