"""Back-office pages of third-party evaluation (第三方评估): evaluators and commissions in reach,
one commission with its indicators, units, score versions and the upload of a score sheet (a
refused sheet's error report offered to its uploader). Reads through the selectors, writes
through the services."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from govtrust.core.clock import today_beijing
from govtrust.core.errors import DomainError, NotFound
from govtrust.core.sheets import SheetRefused, workbook, write_cells
from govtrust.directory import policy
from govtrust.directory.access import attempt, capability_required, posted_int, staff_user
from govtrust.directory.lists import xlsx_response
from govtrust.supervision import selectors_evaluation as selectors
from govtrust.supervision.services import evaluation as svc
from govtrust.supervision.services.refusals import refusal_path, refusal_store

REFUSAL = "evaluation_refusal"  # the session key of the last refused upload's errors
REPORT_KEY = "evaluation_report"  # [commission, token] of its error report
SHOWN_PROBLEMS = 50


@require_GET
@capability_required("business.read")
def evaluations(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return render(
        request,
        "supervision/evaluations.html",
        {
            "evaluators": selectors.evaluators_visible(user),
            "commissions": selectors.commissions_visible(user),
            "year": today_beijing().year - 1,
        },
    )


@require_POST
@capability_required("evaluations.manage")
def evaluator_register(request: HttpRequest) -> HttpResponse:
    done = attempt(
        request,
        lambda: svc.evaluator_register(
            actor=staff_user(request),
            name=request.POST.get("name", ""),
            uscc=request.POST.get("uscc", ""),
        ),
    )
    if done is not None:
        messages.success(request, f"已登记评估机构：{done.name}")
    return redirect("evaluations:list")


@require_POST
@capability_required("evaluations.manage")
def commission_register(request: HttpRequest) -> HttpResponse:
    post = request.POST

    def call() -> Any:
        return svc.commission_register(
            actor=staff_user(request),
            evaluator_id=posted_int(request, "evaluator_id"),
            year=posted_int(request, "year"),
            scope=post.get("scope", ""),
            indicators=svc.parse_indicators(post.get("indicators", "")),
            units=post.get("units", "").splitlines(),
        )

    done = attempt(request, call)
    if done is None:
        return redirect("evaluations:list")
    messages.success(request, "已登记评估委托，可下载评分模板交评估机构填写")
    return redirect("evaluations:detail", done.pk)


@require_GET
@capability_required("business.read")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    commission = selectors.commission_detail(user, pk)
    if commission is None:
        raise Http404("对象不存在或不在您的数据范围内")
    sheets = list(commission.sheets.all())
    current = sheets[0] if sheets else None
    indicators, table = selectors.score_table(current) if current else ([], [])
    refusal = request.session.get(REFUSAL)
    if refusal and refusal.get("commission") == pk:  # shown once; the report stays downloadable
        request.session.pop(REFUSAL)
        request.session[REPORT_KEY] = [pk, refusal["token"]]
    else:
        refusal = None
    return render(
        request,
        "supervision/evaluation.html",
        {
            "commission": commission,
            "sheets": sheets,
            "current": current,
            "indicator_names": indicators,
            "table": table,
            "refusal": refusal,
            "manages": policy.permits(user, "evaluations.manage"),
            "header": svc.HEADER,
        },
    )


@require_POST
@capability_required("evaluations.manage")
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    request.session.pop(REFUSAL, None)
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, "请选择评估结果文件（xlsx、xls、ods 或 csv）")
        return redirect("evaluations:detail", pk)
    try:
        sheet = svc.scores_upload(
            actor=staff_user(request),
            commission_id=pk,
            filename=file.name or "",
            source=file,
        )
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    except SheetRefused as exc:
        request.session[REFUSAL] = {
            "commission": pk,
            "detail": exc.detail,
            "token": refusal_store(exc.report),
            "problems": exc.problems[:SHOWN_PROBLEMS],
            "more": max(len(exc.problems) - SHOWN_PROBLEMS, 0),
        }
        messages.error(request, exc.detail)
        return redirect("evaluations:detail", pk)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("evaluations:detail", pk)
    messages.success(
        request,
        f"已导入第{sheet.version}版评估结果：{sheet.rows}个得分，文件SHA-256 {sheet.sha256[:16]}…",
    )
    return redirect("evaluations:detail", pk)


@require_GET
@capability_required("evaluations.manage")
def refusal_report(request: HttpRequest, pk: int) -> FileResponse:
    commission, token = request.session.get(REPORT_KEY) or [0, ""]
    path = refusal_path(str(token))
    if path is None or commission != pk:
        raise Http404("错误报告已失效，请重新上传")
    return xlsx_response(path.open("rb"), "评估结果错误报告.xlsx")


@require_GET
@capability_required("business.read")
def template(request: HttpRequest, pk: int) -> FileResponse:
    """The sheet the evaluator fills in: one row per unit and indicator, the range beside it."""
    commission = selectors.commission_detail(staff_user(request), pk)
    if commission is None:
        raise Http404("对象不存在或不在您的数据范围内")
    buffer = io.BytesIO()
    book = workbook(buffer, in_memory=True)
    sheet = book.add_worksheet("评估得分")
    bold = book.add_format({"bold": True})
    write_cells(sheet, 0, 0, [*svc.HEADER, svc.NOTE, "分值范围"], bold)
    line = 1
    for unit in commission.units.all():
        for indicator in commission.indicators.all():
            span = f"{indicator.low.normalize():f}～{indicator.high.normalize():f}"
            write_cells(sheet, line, 0, [unit.name, indicator.name, "", "", span])
            line += 1
    sheet.set_column(0, 1, 28)
    sheet.set_column(2, 4, 14)
    book.close()
    buffer.seek(0)
    return xlsx_response(buffer, f"{commission.year}年度第三方评估评分模板.xlsx")


@require_GET
@capability_required("business.read")
def sheet_file(request: HttpRequest, pk: int, sheet_id: int) -> FileResponse:
    try:
        sheet, data = svc.sheet_read(actor=staff_user(request), sheet_id=sheet_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    if sheet.commission_id != pk:
        raise Http404("对象不存在或不在您的数据范围内")
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=sheet.label,
        content_type="application/octet-stream",
    )
