"""Back-office pages of screening for awards: upload a candidate list, read the results, confirm
or dismiss name matches, download the Excel and the certificate."""

from __future__ import annotations

import hashlib
from typing import ClassVar

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govtrust.core.errors import DomainError
from govtrust.directory import lists, policy
from govtrust.directory.access import attempt, capability_required, posted_int, staff_user
from govtrust.measures.selectors import rule_names
from govtrust.remedies.services.evidence import clean_label
from govtrust.screening.candidates import candidates_read, results_xlsx
from govtrust.screening.engine import VERDICTS
from govtrust.screening.models import Screening
from govtrust.screening.selectors import checkpoint_label, counts, pending, screenings_visible
from govtrust.screening.services import (
    screening_certify,
    screening_judge,
    screening_read,
    screening_run,
)

PAGE = 100


class ScreeningFilter(lists.ListFilter):
    unit = True
    date_field = "screened_on"
    date_label = "审查日期"
    q = forms.CharField(label="评选活动", required=False, max_length=100)
    lookups: ClassVar[dict[str, lists.Lookup]] = {"q": "title__icontains"}


SCREENINGS_SHEET = lists.Sheet(
    "screenings",
    "评优评先信用审查",
    [
        lists.Column("审查编号", lambda s: s.number),
        lists.Column("评选活动", lambda s: s.title),
        lists.Column("名单文件", lambda s: s.source_name),
        lists.Column("审查日期", lambda s: lists.day(s.screened_on)),
        lists.Column("发起人", lambda s: s.created_by.first_name or s.created_by.username),
    ],
)


def _get(request: HttpRequest, number: str) -> Screening:
    return screening_read(number, staff_user(request))


@require_http_methods(["GET", "POST"])
@capability_required("screening.run")
def screenings(request: HttpRequest) -> HttpResponseBase:
    user = staff_user(request)
    if request.method == "POST":
        upload = request.FILES.get("file")
        title = request.POST.get("title", "")
        try:
            if upload is None:
                raise DomainError("请选择候选名单文件（Excel 或 CSV）")
            name = clean_label(upload.name or "名单.xlsx")
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            done = screening_run(
                title=title,
                candidates=candidates_read(upload, name),
                source_name=name,
                source_sha256=digest.hexdigest(),
                actor=user,
            )
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            return redirect("screenings:detail", number=done.number)
    # The list shows no results: a screening's JSON can run to megabytes.
    filters = ScreeningFilter(request.GET, user=user)
    listed = screenings_visible(user).defer("results").select_related("created_by")
    rows = filters.apply(listed.order_by("-created_at", "-id"))
    return lists.list_response(
        request,
        user,
        rows,
        sheet=SCREENINGS_SHEET,
        filters=filters,
        template="screening/screenings.html",
    )


@require_GET
@capability_required("screening.run")
def detail(request: HttpRequest, number: str) -> HttpResponse:
    screening = _get(request, number)
    verdict = request.GET.get("verdict", "")
    shown = [r for r in screening.results if not verdict or r["verdict"] == verdict]
    page = Paginator(shown, PAGE).get_page(request.GET.get("page"))
    # The rules behind the measures shown, by name (the results keep their codes).
    measures = [x for r in page for m in r.get("matches", ()) for x in m.get("measures", ())]
    names = rule_names((str(x.get("rule", "")), None) for x in measures)
    for x in measures:  # this page's copy only; the stored results are not saved here
        x["rule_name"] = names[(str(x.get("rule", "")), None)]
    return render(
        request,
        "screening/screening.html",
        {
            "screening": screening,
            "page": page,
            "verdict": verdict,
            "verdicts": VERDICTS,
            "counts": counts(screening),
            "pending": pending(screening),
            "checkpoint": checkpoint_label(screening),
            "documents": screening.documents.all(),
            "may_judge": policy.permits(staff_user(request), "screening.judge"),
        },
    )


@require_POST
@capability_required("screening.judge")
def judge(request: HttpRequest, number: str) -> HttpResponse:
    row = posted_int(request, "row")
    done = attempt(
        request,
        lambda: screening_judge(
            number=number,
            row=row,
            record_number=request.POST.get("record", ""),
            confirmed=request.POST.get("decision") == "confirm",
            note=request.POST.get("note", ""),
            version=posted_int(request, "version"),
            actor=staff_user(request),
        ),
    )
    if done is not None:
        messages.success(request, f"已记录第 {row} 行的复核结论，今后审查同一候选对象时沿用")
    # Back to the same filter and page: only a query string, appended to this screening's path.
    back = request.POST.get("back", "")
    query = back if back.startswith("?") and len(back) < 200 else ""
    return redirect(reverse("screenings:detail", args=[number]) + query)


@require_GET
@capability_required("screening.run")
def excel(request: HttpRequest, number: str) -> HttpResponse:
    screening = _get(request, number)
    response = HttpResponse(
        results_xlsx(screening.results, checkpoint=checkpoint_label(screening)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{screening.number}.xlsx"'
    return response


@require_POST
@capability_required("screening.run")
def certify(request: HttpRequest, number: str) -> HttpResponse:
    done = attempt(request, lambda: screening_certify(number=number, actor=staff_user(request)))
    if done is not None:
        messages.success(request, f"已出具审查证明，验证码 {done.code}")
    return redirect("screenings:detail", number=number)
