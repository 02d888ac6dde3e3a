"""Back-office page of a record's measures: rectification reports handed in and verified, and
self-corrections recorded. Reads through scope; writes through the services."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from govtrust.core.workdays.engine import Calendar
from govtrust.directory import lists, policy
from govtrust.directory.access import attempt, capability_required, posted_int, staff_user
from govtrust.measures.models import Measure, MeasureKind, MeasureStatus
from govtrust.measures.selectors import (
    STATES,
    ledger_lines,
    measures_in_scope,
    rectification_figures,
    rectification_ledger,
    rule_names,
)
from govtrust.measures.services.rectification import (
    REPORTED,
    rectification_submit,
    rectification_verify,
)
from govtrust.records.models import Record
from govtrust.records.selectors import records_visible
from govtrust.remedies.models import CorrectionKind, SelfCorrection
from govtrust.remedies.services.followup import self_correction_record


def _record(request: HttpRequest, number: str) -> Record:
    record = records_visible(staff_user(request)).filter(number=number[:24]).first()
    if record is None:
        raise Http404("对象不存在或不在您的数据范围内")
    return record


@require_GET
@capability_required("business.read")
def record_measures(request: HttpRequest, number: str) -> HttpResponse:
    record = _record(request, number)
    user = staff_user(request)
    measures = list(Measure.objects.filter(record=record).select_related("notice"))
    names = rule_names((m.rule_code, m.rule_version) for m in measures)
    for m in measures:
        m.rule_name = names[(m.rule_code, m.rule_version)]  # type: ignore[attr-defined]
    return render(
        request,
        "measures/record.html",
        {
            "record": record,
            "measures": measures,
            "reported": REPORTED,
            "is_unit": policy.permits(user, "unit.respond")
            and policy.is_reporting_unit(
                user, record.reporting_government_id, record.reporting_department_id
            ),
            "corrections": SelfCorrection.objects.filter(record=record),
            "correction_kinds": CorrectionKind.choices,
        },
    )


class LedgerFilter(lists.ListFilter):
    unit = True
    date_field = "due_date"
    date_label = "期限"
    defaults: ClassVar[dict[str, str]] = {"state": "open"}
    state = forms.ChoiceField(
        label="状态", choices=[(key, label) for key, (label, _q) in STATES.items()]
    )
    kind = forms.ChoiceField(
        label="措施", required=False, choices=[("", "全部"), *[(k, k.label) for k in REPORTED]]
    )
    # The state picks the selector's rows (rectification_ledger); the kind narrows them.
    lookups: ClassVar[dict[str, lists.Lookup]] = {"kind": "kind"}


class MeasureFilter(lists.ListFilter):
    unit = True
    date_field = "starts_on"
    date_label = "起始日期"
    kind = forms.ChoiceField(
        label="措施", required=False, choices=[("", "全部"), *MeasureKind.choices]
    )
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *MeasureStatus.choices]
    )
    lookups: ClassVar[dict[str, lists.Lookup]] = {"kind": "kind", "status": "status"}


MEASURES_SHEET = lists.Sheet(
    "measures",
    "惩戒措施",
    [
        lists.Column("记录编号", lambda m: m.record.number),
        lists.Column("主体名称", lambda m: m.record.subject_name),
        lists.Column("措施", lambda m: m.get_kind_display()),
        lists.Column("依据", lambda m: m.legal_source),
        lists.Column("报送单位", lambda m: m.record.reporting_unit),
        lists.Column("起始日期", lambda m: lists.day(m.starts_on)),
        lists.Column("截止日期", lambda m: lists.day(m.ends_on)),
        lists.Column("完成期限", lambda m: lists.day(m.due_date)),
        lists.Column("状态", lambda m: m.get_status_display()),
    ],
)


@require_GET
@capability_required("business.read")
def measure_list(request: HttpRequest) -> HttpResponseBase:
    """惩戒措施: every measure in scope, whatever its kind and state."""
    user = staff_user(request)
    filters = MeasureFilter(request.GET, user=user)
    rows = filters.apply(measures_in_scope(user))
    return lists.list_response(
        request, user, rows, sheet=MEASURES_SHEET, filters=filters, template="measures/list.html"
    )


def _ledger_sheet(today: datetime.date) -> lists.Sheet:
    calendar = Calendar.whole()  # one read of the override table for the whole export

    def left(measure: Measure) -> object:
        days = ledger_lines([measure], today, calendar)[0].days_left
        return "" if days is None else days

    return lists.Sheet(
        "ledger",
        "整改台账",
        [
            lists.Column("记录编号", lambda m: m.record.number),
            lists.Column("主体名称", lambda m: m.record.subject_name),
            lists.Column("措施", lambda m: m.get_kind_display()),
            lists.Column("报送单位", lambda m: m.record.reporting_unit),
            lists.Column("期限", lambda m: lists.day(m.due_date)),
            lists.Column("剩余工作日（负数为逾期）", left),
            lists.Column("状态", lambda m: m.get_status_display()),
            lists.Column("逾期提交", lambda m: "是" if m.submitted_late else ""),
            lists.Column(
                "督办",
                lambda m: "、".join(
                    "已提醒单位" if e.level == 1 else "已通报上级政府" for e in m.escalations.all()
                ),
            ),
        ],
    )


@require_GET
@capability_required("business.read")
def ledger(request: HttpRequest) -> HttpResponseBase:
    """整改台账: every explanation and rectification in scope by state, with countdowns, and the
    figures per reporting unit (overdue ones count against it, plan 三(二)5)."""
    user = staff_user(request)
    filters = LedgerFilter(request.GET, user=user)
    today = timezone.localdate()
    state = filters.chosen().get("state", "open")
    rows = filters.apply(rectification_ledger(user, state, today))
    return lists.list_response(
        request,
        user,
        rows,
        sheet=lambda: _ledger_sheet(today),
        filters=filters,
        template="measures/ledger.html",
        extra=lambda page: {
            "lines": ledger_lines(page.object_list, today),
            "figures": rectification_figures(user, today),
        },
    )


def _back(number: str) -> HttpResponse:
    return redirect("sanctions:record", number=number)


@require_POST
@capability_required("unit.respond")
def report(request: HttpRequest, number: str, measure_id: int) -> HttpResponse:
    done = attempt(
        request,
        lambda: rectification_submit(
            measure_id=measure_id,
            report=request.POST.get("report", ""),
            version=posted_int(request, "version"),
            actor=staff_user(request),
        ),
    )
    if done is not None:
        messages.success(request, "已提交，等待信用主管部门核验")
    return _back(number)


@require_POST
@capability_required("measures.verify")
def verify(request: HttpRequest, number: str, measure_id: int) -> HttpResponse:
    done = attempt(
        request,
        lambda: rectification_verify(
            measure_id=measure_id,
            accept=request.POST.get("accept") == "1",
            reason=request.POST.get("reason", ""),
            version=posted_int(request, "version"),
            actor=staff_user(request),
        ),
    )
    if done is not None:
        messages.success(request, "已核验")
    return _back(number)


@require_POST
@capability_required("corrections.record")
def correction(request: HttpRequest, number: str) -> HttpResponse:
    try:
        day = datetime.date.fromisoformat(request.POST.get("corrected_on", ""))
    except ValueError:
        messages.error(request, "请填写纠错日期，如 2026-03-05")
        return _back(number)
    done = attempt(
        request,
        lambda: self_correction_record(
            record_number=number,
            kind=request.POST.get("kind", ""),
            description=request.POST.get("description", ""),
            corrected_on=day,
            files=[(f.name or "附件", f) for f in request.FILES.getlist("files")],
            actor=staff_user(request),
        ),
    )
    if done is not None:
        messages.success(request, "已登记主动纠错，相关措施已按规则从轻或免除")
    return _back(number)
