"""The reviewer's queue with bulk decisions, the credit office's figures, and a unit's reminders."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from govtrust.core.errors import DomainError
from govtrust.directory import policy
from govtrust.directory.access import capability_required, posted_ids, staff_user
from govtrust.directory.lists import list_response
from govtrust.records import selectors
from govtrust.records.listing import REVIEW_SHEET, RecordFilter
from govtrust.records.models import Reminder
from govtrust.records.selectors_stats import unit_figures
from govtrust.records.services import records_review_bulk
from govtrust.records.services.reminders import reminders_mark_read
from govtrust.records.workflow import Status


@capability_required("records.review")
def review_queue(request: HttpRequest) -> HttpResponseBase:
    user = staff_user(request)
    filters = RecordFilter(request.GET, user=user)
    queue = selectors.record_list(user=user, status=Status.SUBMITTED).order_by("due_date", "id")
    rows = filters.apply(queue)
    return list_response(
        request, user, rows, sheet=REVIEW_SHEET, filters=filters, template="records/review.html"
    )


@require_POST
@capability_required("records.review")
def review_bulk(request: HttpRequest) -> HttpResponse:
    ids = posted_ids(request)
    action = request.POST.get("action", "")
    if not ids:
        messages.error(request, "请先勾选要处理的记录")
        return redirect("records:review")
    try:
        outcome = records_review_bulk(
            record_ids=ids,
            actor=staff_user(request),
            action=action,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("records:review")
    verb = "审核通过" if action == "accept" else "退回"
    if outcome.done:
        messages.success(request, f"已{verb}{len(outcome.done)}条：{'、'.join(outcome.done[:10])}")
    for record, reason in outcome.refused:
        messages.error(request, f"记录 {record} 未处理：{reason}")
    return redirect("records:review")


def _date(value: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return default


@capability_required("figures.read")
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    start = _date(request.GET.get("start"), today.replace(month=1, day=1))
    end = _date(request.GET.get("end"), today)
    if end < start:
        start, end = end, start
    rows = unit_figures(user=staff_user(request), start=start, end=end)
    totals = {
        "due_soon": sum(r.due_soon for r in rows),
        "overdue": sum(r.overdue for r in rows),
        "submitted": sum(r.submitted for r in rows),
        "on_time": sum(r.on_time for r in rows),
    }
    rate = totals["on_time"] / totals["submitted"] if totals["submitted"] else None
    return render(
        request,
        "records/dashboard.html",
        {"rows": rows, "totals": totals, "rate": rate, "start": start, "end": end},
    )


@capability_required("records.file")
def reminders(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    qs = policy.addressed_to(Reminder.objects.all(), user)
    qs = qs.select_related("record")
    if request.method == "POST":
        reminders_mark_read(actor=user)
        return redirect("records:reminders")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "records/reminders.html", {"page": page})
