"""Back-office pages of deputies' suggestions and CPPCC proposals: the list in reach with the
figures per unit and the office's registration form, one item's page with the unit's and the
office's steps. Reads through the selectors, writes through the services."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from govtrust.core.clock import today_beijing
from govtrust.core.errors import DomainError
from govtrust.core.sheets import SheetRefused, workbook, write_cells
from govtrust.directory import policy
from govtrust.directory.access import attempt, capability_required, posted_int, staff_user
from govtrust.directory.lists import xlsx_response
from govtrust.supervision import rules, selectors
from govtrust.supervision.models import ResultCode, Satisfaction, Suggestion, SuggestionKind
from govtrust.supervision.services import suggestion_import as importer
from govtrust.supervision.services import suggestions as svc
from govtrust.supervision.services.refusals import refusal_path, refusal_store


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return datetime.date.min  # refused in words by the service


@require_GET
@capability_required("business.read")
def suggestions(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = today_beijing()
    items = selectors.suggestions_visible(user)
    return render(
        request,
        "supervision/suggestions.html",
        {
            "page": Paginator(items, 50).get_page(request.GET.get("page")),
            "mine": {s.pk for s in selectors.suggestions_answerable(user)},
            "figures": selectors.suggestion_figures(user, today),
            "kinds": SuggestionKind.choices,
            "today": today,
            "source": rules.REPLY_SOURCE,
            "months": (rules.reply_months(False), rules.reply_months(True)),
            "refusal": _shown_once(request),
            "import_header": (*importer.HEADER, *importer.OPTIONAL),
        },
    )


@require_POST
@capability_required("suggestions.manage")
def register(request: HttpRequest) -> HttpResponse:
    post = request.POST
    department = posted_int(request, "department_id")
    done = attempt(
        request,
        lambda: svc.suggestion_register(
            actor=staff_user(request),
            data=svc.SuggestionIn(
                kind=post.get("kind", ""),
                session=post.get("session", ""),
                number=post.get("number", ""),
                title=post.get("title", ""),
                proposer=post.get("proposer", ""),
                government_code=post.get("government_code", ""),
                department_id=department or None,
                co_units=post.get("co_units", ""),
                assigned_on=_date(post.get("assigned_on", "")),
                complex=post.get("complex") == "1",
            ),
        ),
    )
    if done is None:
        return redirect("suggestions:list")
    messages.success(request, f"已登记，答复期限为{done.due_date:%Y年%m月%d日}")
    return redirect("suggestions:detail", done.pk)


@require_GET
@capability_required("business.read")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    item = selectors.suggestions_visible(user).filter(pk=pk).first()
    if item is None:
        raise Http404("对象不存在或不在您的数据范围内")
    answering = selectors.suggestions_answerable(user).filter(pk=pk).exists()
    return render(
        request,
        "supervision/suggestion.html",
        {
            "item": item,
            "answering": answering,
            "manages": policy.permits(user, "suggestions.manage"),
            "results": ResultCode.choices,
            "views": Satisfaction.choices,
            "handback_days": rules.handback_days(),
        },
    )


def _step(request: HttpRequest, pk: int, call: Callable[[], Suggestion]) -> HttpResponse:
    done = attempt(request, call)
    if done is not None:
        messages.success(request, f"已办理：{done.get_state_display()}")
    return redirect("suggestions:detail", pk)


# Each step and the capability it needs (the service asks the policy again, with the reach).
STEPS = {
    "hand_back": "suggestions.answer",
    "reply": "suggestions.answer",
    "feedback": "suggestions.manage",
    "reassign": "suggestions.manage",
}


@require_POST
@capability_required("business.read")
def step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in STEPS:
        raise Http404("不支持的办理步骤")
    actor, version, post = staff_user(request), posted_int(request, "version"), request.POST
    if not policy.permits(actor, STEPS[name]):
        raise PermissionDenied(policy.CAPABILITIES[STEPS[name]].refusal)
    calls: dict[str, Callable[[], Suggestion]] = {
        "hand_back": lambda: svc.suggestion_hand_back(
            actor=actor, pk=pk, version=version, reason=post.get("reason", "")
        ),
        "reply": lambda: svc.suggestion_reply(
            actor=actor,
            pk=pk,
            version=version,
            result=post.get("result", ""),
            reply=post.get("reply", ""),
        ),
        "feedback": lambda: svc.suggestion_feedback(
            actor=actor, pk=pk, version=version, satisfaction=post.get("satisfaction", "")
        ),
        "reassign": lambda: svc.suggestion_reassign(
            actor=actor,
            pk=pk,
            version=version,
            government_code=post.get("government_code", ""),
            department_id=posted_int(request, "department_id") or None,
        ),
    }
    return _step(request, pk, calls[name])


IMPORT_REFUSAL = "suggestion_import_refusal"  # the session key of the last refused list
REPORT_KEY = "suggestion_import_report"  # its report, downloadable after it is shown


def _shown_once(request: HttpRequest) -> dict[str, object] | None:
    """A refused list's errors are shown once; its report stays downloadable."""
    refusal: dict[str, object] | None = request.session.pop(IMPORT_REFUSAL, None)
    if refusal:
        request.session[REPORT_KEY] = refusal["token"]
    return refusal


@require_POST
@capability_required("suggestions.manage")
def import_list(request: HttpRequest) -> HttpResponse:
    """A session's assignment list (交办清单) as Excel or CSV: all rows registered, or none."""
    request.session.pop(IMPORT_REFUSAL, None)
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, "请选择交办清单文件（xlsx、xls、ods 或 csv）")
        return redirect("suggestions:list")
    try:
        done = importer.suggestions_import(
            actor=staff_user(request),
            kind=request.POST.get("kind", ""),
            session=request.POST.get("session", ""),
            filename=file.name or "",
            source=file,
        )
    except SheetRefused as exc:
        request.session[IMPORT_REFUSAL] = {
            "detail": exc.detail,
            "token": refusal_store(exc.report),
            "problems": exc.problems[:50],
            "more": max(len(exc.problems) - 50, 0),
        }
        messages.error(request, exc.detail)
        return redirect("suggestions:list")
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("suggestions:list")
    messages.success(request, f"已导入交办清单：登记建议提案{len(done)}件")
    return redirect("suggestions:list")


@require_GET
@capability_required("suggestions.manage")
def import_refusal(request: HttpRequest) -> FileResponse:
    path = refusal_path(str(request.session.get(REPORT_KEY, "")))
    if path is None:
        raise Http404("错误报告已失效，请重新导入")
    return xlsx_response(path.open("rb"), "交办清单错误报告.xlsx")


@require_GET
@capability_required("suggestions.manage")
def import_template(request: HttpRequest) -> FileResponse:
    buffer = io.BytesIO()
    book = workbook(buffer, in_memory=True)
    sheet = book.add_worksheet("交办清单")
    bold = book.add_format({"bold": True})
    write_cells(sheet, 0, 0, [*importer.HEADER, *importer.OPTIONAL], bold)
    write_cells(
        sheet,
        1,
        0,
        ["0001", "关于……的建议", "王芳", "6201", "2025-11-30", "", "", "否"],
    )
    sheet.set_column(0, 7, 18)
    book.close()
    buffer.seek(0)
    return xlsx_response(buffer, "建议提案交办清单模板.xlsx")
