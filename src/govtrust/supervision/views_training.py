"""Back-office pages of integrity training (诚信教育): the sessions in reach with the forms to
register a course, a session and an attendance list; a session's attendance (identifiers
masked); an import's result and error report; coverage per unit and year with its Excel
export; the civil servants' integrity handbook. Reads through the selectors, writes through
services/training.py."""

from __future__ import annotations

import datetime
import io
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from govtrust.core.audit import audit_append
from govtrust.core.clock import today_beijing
from govtrust.core.errors import Forbidden, NotFound
from govtrust.core.sheets import workbook, write_cells
from govtrust.directory import lists
from govtrust.directory.access import attempt, capability_required, posted_int, staff_user
from govtrust.supervision import selectors_training as selectors
from govtrust.supervision import training_sheets
from govtrust.supervision.models import TrainingImportState, TrainingMode
from govtrust.supervision.services import training as svc

HANDBOOK = Path(__file__).parent / "data" / "handbook.json"
FIRST_YEAR = 2017  # the plan was issued on 2017-06-28


@cache
def handbook() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(HANDBOOK.read_text(encoding="utf-8"))
    return data


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return datetime.date.min  # refused in words by the service


def _year(request: HttpRequest) -> int:
    today = today_beijing()
    value = request.GET.get("year", "")
    year = int(value) if value.isdecimal() and len(value) == 4 else today.year
    return min(max(year, FIRST_YEAR), today.year)


def _years() -> list[int]:
    return list(range(today_beijing().year, FIRST_YEAR - 1, -1))


@require_GET
@capability_required("business.read")
def sessions(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return render(
        request,
        "supervision/training/sessions.html",
        {
            "page": lists.list_page(request, selectors.sessions_visible(user)),
            "courses": selectors.courses(user),
            "imports": selectors.imports_visible(user)[:10],
            "departments": selectors.own_departments(user),
            "modes": TrainingMode.choices,
            "max_rows": training_sheets.max_rows(),
            "today": today_beijing(),
        },
    )


@require_POST
@capability_required("training.manage")
def course_new(request: HttpRequest) -> HttpResponse:
    post = request.POST
    done = attempt(
        request,
        lambda: svc.course_create(
            actor=staff_user(request),
            code=post.get("code", ""),
            title=post.get("title", ""),
            summary=post.get("summary", ""),
            government_code=post.get("government_code", ""),
            department_id=posted_int(request, "department_id") or None,
        ),
    )
    if done is not None:
        messages.success(request, f"已登记课程“{done.title}”（{done.code}）")
    return redirect("training:sessions")


@require_POST
@capability_required("training.manage")
def session_new(request: HttpRequest) -> HttpResponse:
    post = request.POST
    done = attempt(
        request,
        lambda: svc.session_create(
            actor=staff_user(request),
            data=svc.SessionIn(
                course_id=posted_int(request, "course_id"),
                code=post.get("code", ""),
                mode=post.get("mode", ""),
                held_on=_date(post.get("held_on", "")),
                hours=post.get("hours", ""),
                place=post.get("place", ""),
                government_code=post.get("government_code", ""),
                department_id=posted_int(request, "department_id") or None,
            ),
        ),
    )
    if done is None:
        return redirect("training:sessions")
    messages.success(request, f"已登记培训场次{done.code}")
    return redirect("training:session", done.pk)


@require_GET
@capability_required("business.read")
def session(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    item = selectors.sessions_visible(user).filter(pk=pk).first()
    if item is None:
        raise Http404("对象不存在或不在您的数据范围内")
    return render(
        request,
        "supervision/training/session.html",
        {
            "item": item,
            "page": lists.list_page(request, selectors.attendance_of(user, item)),
            "pass_score": selectors.pass_score(),
        },
    )


@require_POST
@capability_required("training.manage")
def upload(request: HttpRequest) -> HttpResponse:
    source = request.FILES.get("file")
    if source is None:
        messages.error(request, "请选择要导入的参训名单文件")
        return redirect("training:sessions")
    batch = attempt(
        request,
        lambda: svc.attendance_import(
            actor=staff_user(request), source=source, filename=source.name or "upload"
        ),
    )
    if batch is None:
        return redirect("training:sessions")
    if batch.state == TrainingImportState.DONE:
        messages.success(
            request, f"已导入：新增{batch.created}条，已登记且相同的{batch.unchanged}条"
        )
    else:
        messages.error(
            request, f"名单有{len(batch.errors)}处错误，未导入任何记录，请按错误报告修改后重新导入"
        )
    return redirect("training:import", batch.pk)


def _batch(request: HttpRequest, pk: int) -> Any:
    batch = selectors.imports_visible(staff_user(request)).filter(pk=pk).first()
    if batch is None:
        raise Http404("对象不存在或不在您的数据范围内")
    return batch


@require_GET
@capability_required("business.read")
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    may_download = selectors.may_read_report(staff_user(request), batch)
    return render(
        request, "supervision/training/import.html", {"batch": batch, "download": may_download}
    )


@require_GET
@capability_required("business.read")
def import_report(request: HttpRequest, pk: int) -> FileResponse:
    try:
        batch = selectors.import_report_read(staff_user(request), pk)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    except Forbidden as exc:
        raise PermissionDenied(exc.detail) from exc
    stem = Path(batch.filename).stem or "参训名单"
    return lists.xlsx_response(io.BytesIO(bytes(batch.report or b"")), f"错误报告-{stem}.xlsx")


@require_GET
@capability_required("training.manage")
def template(request: HttpRequest) -> FileResponse:
    """A blank attendance list with its headers and one example line."""
    buffer = io.BytesIO()
    book = workbook(buffer, in_memory=True)
    sheet = book.add_worksheet("参训名单")
    bold = book.add_format({"bold": True})
    write_cells(sheet, 0, 0, ["场次编号", "姓名", "身份证号码", "出勤情况", "考试成绩"], bold)
    hint = book.add_format({"font_color": "#64748B"})
    write_cells(
        sheet,
        1,
        0,
        ["（示例，请删除本行）", "张三", "18位身份证号码", "参加或缺席", "0至100，可留空"],
        hint,
    )
    sheet.set_column(0, 4, 20)
    book.close()
    return lists.xlsx_response(io.BytesIO(buffer.getvalue()), "诚信教育参训名单模板.xlsx")


@require_GET
@capability_required("business.read")
def coverage(request: HttpRequest) -> HttpResponse | FileResponse:
    user = staff_user(request)
    year = _year(request)
    rows = selectors.coverage_rows(year, user)
    if lists.wants_export(request):
        audit_append(
            actor=user.username,
            action="training.coverage_export",
            object_type="training_coverage",
            object_id=year,
            after={"year": year, "rows": len(rows)},
        )
        header = ["层级", "单位", "所属政府", "名录在册人数", "参训人数", "覆盖率"]
        header += ["考试合格人数", "合格率"]
        file = lists.xlsx_file(
            f"{year}年诚信教育覆盖率",
            header,
            (
                [r.kind, r.unit, r.government, r.on_roll, r.trained, r.rate, r.passed, r.pass_rate]
                for r in rows
            ),
        )
        return lists.xlsx_response(file, f"诚信教育覆盖率-{year}.xlsx")
    return render(
        request,
        "supervision/training/coverage.html",
        {
            "year": year,
            "years": _years(),
            "rows": rows,
            "denominator": selectors.DENOMINATOR,
            "pass_score": selectors.pass_score(),
        },
    )


@require_GET
@capability_required("business.read")
def handbook_page(request: HttpRequest) -> HttpResponse:
    return render(request, "supervision/training/handbook.html", {"book": handbook()})
