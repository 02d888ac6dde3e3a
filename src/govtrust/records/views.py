"""Back-office pages for records. Each view parses, calls a selector or service, renders."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from govtrust.core.clock import today_beijing
from govtrust.core.errors import DomainError, Forbidden, NotFound
from govtrust.directory import policy
from govtrust.directory.access import capability_required, posted_int, staff_user
from govtrust.directory.lists import list_response
from govtrust.disclosure.models import Publication
from govtrust.disclosure.rules.periods import RuleError, describe, period_for
from govtrust.disclosure.services import record_decision
from govtrust.exchange.models import ExchangeItem
from govtrust.records import selectors, services
from govtrust.records.forms import RecordForm
from govtrust.records.listing import RECORDS_SHEET, RecordListFilter
from govtrust.records.models import Record
from govtrust.records.services import privacy
from govtrust.records.workflow import TRANSITIONS, Status, available


def _get(request: HttpRequest, pk: int) -> Record:
    try:
        return selectors.record_get(user=staff_user(request), pk=pk)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


@capability_required("business.read")
def record_list(request: HttpRequest) -> HttpResponseBase:
    user = staff_user(request)
    filters = RecordListFilter(request.GET, user=user)
    rows = filters.apply(selectors.record_list(user=user))
    return list_response(
        request, user, rows, sheet=RECORDS_SHEET, filters=filters, template="records/list.html"
    )


def _save_form(request: HttpRequest, record: Record | None) -> tuple[RecordForm, Record | None]:
    form = RecordForm(request.POST)
    data = form.to_schema()
    if data is None:
        return form, None
    user = staff_user(request)
    try:
        if record is None:
            return form, services.record_create(data=data, actor=user)
        version = posted_int(request, "version")
        return form, services.record_update(record=record, data=data, actor=user, version=version)
    except Forbidden as exc:
        raise PermissionDenied(exc.detail) from exc
    except DomainError as exc:
        for field, message in exc.errors:
            form.add_error(field if field in form.fields else None, message)
        if not exc.errors:
            form.add_error(None, exc.detail)
        return form, None


@capability_required("records.file")
def record_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form, saved = _save_form(request, None)
        if saved is not None:
            messages.success(request, f"已保存草稿 {saved.number}，报送期限为 {saved.due_date}。")
            return redirect("records:detail", pk=saved.pk)
    else:
        form = RecordForm()
    return render(request, "records/form.html", {"form": form, "record": None})


@capability_required("records.file")
def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get(request, pk)
    if request.method == "POST":
        form, saved = _save_form(request, record)
        if saved is not None:
            messages.success(request, f"已保存 {saved.number}。")
            return redirect("records:detail", pk=saved.pk)
    else:
        form = RecordForm(initial=RecordForm.initial_from(record))
    return render(request, "records/form.html", {"form": form, "record": record})


@capability_required("business.read")
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get(request, pk)
    user = staff_user(request)
    return render(
        request,
        "records/detail.html",
        {
            "record": record,
            "history": selectors.record_history(record=record),
            "actions": available(record.status, user.role),
            "editable": policy.permits(user, "records.file")
            and record.status in (Status.DRAFT, Status.RETURNED),
            "can_reveal": privacy.can_reveal(record=record, actor=user),
            "can_publish": policy.permits(user, "records.publish")
            and record.status == Status.ACCEPTED
            and not Publication.objects.filter(record=record).exists(),
            "publication": Publication.objects.filter(record=record).first(),
            "period": _period_text(record),
            "exchange_items": ExchangeItem.objects.filter(record=record)
            .select_related("batch")
            .order_by("-id"),
        },
    )


def _period_text(record: Record) -> str:
    """Whether and how long the record is public if published today (the tool's engine)."""
    today = today_beijing()
    try:
        period = period_for(record_decision(record), on=today)
    except RuleError as exc:
        return str(exc)
    return describe(period, today)


@require_POST
@capability_required("business.read")
def record_identifier(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full citizen ID once, on a page of its own that is not cached."""
    record = _get(request, pk)
    try:
        number = privacy.record_reveal_identifier(record=record, actor=staff_user(request))
    except Forbidden as exc:
        raise PermissionDenied(exc.detail) from exc
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("records:detail", pk=pk)
    response = render(request, "records/identifier.html", {"record": record, "number": number})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@capability_required("business.read")
def record_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in TRANSITIONS:
        raise Http404("未知操作")
    record = _get(request, pk)
    user = staff_user(request)
    version = posted_int(request, "version") or None
    try:
        if action == "submit":
            record = services.record_submit(record=record, actor=user, version=version)
        elif action == "accept":
            record = services.record_accept(record=record, actor=user, version=version)
        else:
            reason = request.POST.get("reason", "")
            record = services.record_return(
                record=record, actor=user, reason=reason, version=version
            )
    except Forbidden as exc:
        raise PermissionDenied(exc.detail) from exc
    except DomainError as exc:
        messages.error(request, exc.errors[0][1] if exc.errors else exc.detail)
    else:
        messages.success(request, f"{record.number} 已{TRANSITIONS[action].label}。")
    return redirect("records:detail", pk=pk)
