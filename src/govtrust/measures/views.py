"""Back-office page of a record's measures: rectification reports handed in and verified, and
self-corrections recorded. Reads through scope; writes through the services."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from govtrust.directory import policy
from govtrust.directory.access import attempt, capability_required, posted_int, staff_user
from govtrust.measures.models import Measure
from govtrust.measures.selectors import (
    STATES,
    ledger_lines,
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


@require_GET
@capability_required("business.read")
def ledger(request: HttpRequest) -> HttpResponse:
    """整改台账: every explanation and rectification in scope by state, with countdowns, and the
    figures per reporting unit (overdue ones count against it, plan 三(二)5)."""
    user = staff_user(request)
    state = request.GET.get("state", "open")
    state = state if state in STATES else "open"
    today = timezone.localdate()
    page = Paginator(rectification_ledger(user, state, today), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "measures/ledger.html",
        {
            "state": state,
            "states": {key: label for key, (label, _q) in STATES.items()},
            "page": page,
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
