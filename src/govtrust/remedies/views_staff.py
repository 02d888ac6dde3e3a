"""Back-office pages: the case queue with working-day countdowns, a case with its steps, and
the per-unit figures. Every read goes through the scoped selectors; every write through
`case_act` / `report_to_draft`."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from govtrust.core.errors import NotFound
from govtrust.directory.access import attempt, capability_required, posted_int, staff_user
from govtrust.remedies import selectors
from govtrust.remedies.downloads import evidence_response
from govtrust.remedies.models import CaseKind
from govtrust.remedies.services.filing import CORRECTION_OPTIONS, OBJECTION_FIELDS
from govtrust.remedies.services.followup import report_to_draft
from govtrust.remedies.services.handling import case_act
from govtrust.remedies.workflow import STATUS_LABELS, available


@require_GET
@capability_required("cases.handle")
def queue(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in CaseKind.values else ""
    open_only = request.GET.get("all") != "1"
    today = timezone.localdate()
    cases = selectors.queue(user, kind=kind, open_only=open_only)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "remedies/queue.html",
        {
            "page": page,
            "lines": selectors.queue_lines(page.object_list),
            "kind": kind,
            "kinds": CaseKind.choices,
            "open_only": open_only,
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
        "actions": available(case),
        "contact_name": name,
        "contact_phone": phone,
        "correctable": {k: OBJECTION_FIELDS[k] for k in case.fields if k in OBJECTION_FIELDS},
        "options": CORRECTION_OPTIONS,
        "evidence": list(case.evidence.all()),
    }
    return render(request, "remedies/case.html", context)


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
