"""Back-office pages of screening for awards: upload a candidate list, read the results, confirm
or dismiss name matches, download the Excel and the certificate."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govtrust.core.errors import DomainError
from govtrust.core.prefix import prefix_range
from govtrust.directory import policy
from govtrust.directory.access import attempt, capability_required, posted_int, staff_user
from govtrust.directory.models import User
from govtrust.directory.widgets import UnitField
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


def _get(request: HttpRequest, number: str) -> Screening:
    return screening_read(number, staff_user(request))


@require_http_methods(["GET", "POST"])
@capability_required("screening.run")
def screenings(request: HttpRequest) -> HttpResponse:
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
    listed = screenings_visible(user).defer("results").select_related("created_by")
    chosen = UnitFilter(user, request.GET if "unit" in request.GET else None)
    if chosen.is_bound and chosen.is_valid() and chosen.cleaned_data["unit"] is not None:
        low, high = prefix_range(chosen.cleaned_data["unit"].node)
        listed = listed.filter(division_code__gte=low, division_code__lt=high)
    page = Paginator(listed, 20).get_page(request.GET.get("page"))
    return render(request, "screening/screenings.html", {"page": page, "chosen": chosen})


class UnitFilter(forms.Form):
    """The list narrowed to screenings kept by a unit and the units below it, chosen with the
    unit picker among the governments the user reaches."""

    def __init__(self, user: User, data: Any = None) -> None:
        super().__init__(data)
        self.fields["unit"] = UnitField(
            label="发起单位",
            departments=False,
            within=user.scope_code,
            allowed=lambda code: policy.covers(user, code),
            empty_label="全部",
            required=False,
        )


@require_GET
@capability_required("screening.run")
def detail(request: HttpRequest, number: str) -> HttpResponse:
    screening = _get(request, number)
    verdict = request.GET.get("verdict", "")
    shown = [r for r in screening.results if not verdict or r["verdict"] == verdict]
    page = Paginator(shown, PAGE).get_page(request.GET.get("page"))
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
