"""Back-office pages of issued documents: credit reports of a subject, criticism notices to
publish, and the download of any document issued within the user's scope."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govtrust.core.errors import DomainError, NotFound
from govtrust.directory import lists
from govtrust.directory.access import attempt, capability_required, posted_int, staff_user
from govtrust.documents.downloads import pdf_bytes_response
from govtrust.documents.models import DocumentKind, DocumentStatus
from govtrust.documents.selectors import documents_visible, notices_visible
from govtrust.documents.services.issue import document_download
from govtrust.documents.services.notices import (
    DEFAULT_REQUIREMENTS,
    notice_edit,
    notice_get,
    notice_preview,
    notice_preview_pdf,
    notice_publish,
)
from govtrust.documents.services.reports import report_issue, subjects_find


@require_http_methods(["GET", "POST"])
@capability_required("business.read")
def reports(request: HttpRequest) -> HttpResponse:
    """The search is a POST, so a citizen ID typed here never lands in a URL, a log or the
    browser history; it is not echoed back either."""
    user = staff_user(request)
    query = request.POST.get("q", "")[:40] if request.method == "POST" else ""
    issued = documents_visible(user).filter(
        kind__in=[DocumentKind.REPORT, DocumentKind.PUBLIC_REPORT]
    )
    return render(
        request,
        "documents/reports.html",
        {
            # Anything that may hold an ID number (a run of 15 digits) is not echoed back.
            "q": "" if re.search(r"\d{15}", query) else query,
            "searched": bool(query),
            "subjects": subjects_find(user, query),
            "issued": issued.filter(issued_by=user)[:20],
        },
    )


@require_POST
@capability_required("business.read")
def report(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    done = attempt(
        request,
        lambda: report_issue(
            kind=kind, pk=pk, public=request.POST.get("public") == "1", actor=staff_user(request)
        ),
    )
    if done is None:
        return redirect("documents-staff:reports")
    return redirect("documents-staff:pdf", code=done.code)


@require_GET
@capability_required("business.read")
def pdf(request: HttpRequest, code: str) -> HttpResponse:
    """A document issued within the user's scope, exactly as issued (its digest checked)."""
    document, data = document_download(code=code, actor=staff_user(request))
    return pdf_bytes_response(document, data)


class NoticeFilter(lists.ListFilter):
    unit = True
    date_field = "created_at"
    date_label = "起草日期"
    defaults: ClassVar[dict[str, str]] = {"status": DocumentStatus.DRAFT}
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *DocumentStatus.choices]
    )
    lookups: ClassVar[dict[str, lists.Lookup]] = {"status": "status"}


NOTICES_SHEET = lists.Sheet(
    "notices",
    "通报批评",
    [
        lists.Column("标题", lambda d: d.title),
        lists.Column("记录编号", lambda d: d.record.number if d.record else ""),
        lists.Column("状态", lambda d: d.get_status_display()),
        lists.Column("文号", lambda d: d.content.get("doc_number", "")),
        lists.Column("起草时间", lambda d: lists.day(d.created_at)),
        lists.Column("发布时间", lambda d: lists.day(d.issued_at)),
        lists.Column("验证码", lambda d: d.code if d.status == DocumentStatus.ISSUED else ""),
    ],
)


@require_GET
@capability_required("business.read")
def notices(request: HttpRequest) -> HttpResponseBase:
    user = staff_user(request)
    filters = NoticeFilter(request.GET, user=user)
    rows = filters.apply(notices_visible(user).order_by("-created_at", "-id"))
    return lists.list_response(
        request,
        user,
        rows,
        sheet=NOTICES_SHEET,
        filters=filters,
        template="documents/notices_staff.html",
    )


@require_GET
@capability_required("notices.publish")
def notice(request: HttpRequest, code: str) -> HttpResponse:
    """A notice's page: a draft previewed as it will read (same template as the portal and the
    PDF), its title and requirements editable, and the publish button behind a confirmation."""
    user = staff_user(request)
    document = notice_get(code=code, actor=user)
    context: dict[str, Any] = {"d": document}
    try:
        context["preview"] = notice_preview(document=document, actor=user)
    except DomainError as exc:
        context["waiting"] = exc.detail
    context["requirements"] = document.content.get("requirements") or DEFAULT_REQUIREMENTS
    return render(request, "documents/notice_staff.html", context)


@require_POST
@capability_required("notices.publish")
def edit(request: HttpRequest, code: str) -> HttpResponse:
    done = attempt(
        request,
        lambda: notice_edit(
            code=code,
            title=request.POST.get("title", ""),
            requirements=request.POST.get("requirements", ""),
            version=posted_int(request, "version"),
            actor=staff_user(request),
        ),
    )
    if done is not None:
        messages.success(request, "已保存草稿，请核对预览后再发布")
    return redirect("documents-staff:notice", code=code)


@require_GET
@capability_required("notices.publish")
def preview_pdf(request: HttpRequest, code: str) -> HttpResponse:
    try:
        data = notice_preview_pdf(code=code, actor=staff_user(request))
    except NotFound as exc:  # out of reach: not found, never a redirect that names it
        raise Http404(exc.detail) from exc
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("documents-staff:notice", code=code)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="preview.pdf"'
    return response


@require_POST
@capability_required("notices.publish")
def publish(request: HttpRequest, code: str) -> HttpResponse:
    version = request.POST.get("version", "")
    done = attempt(
        request,
        lambda: notice_publish(
            code=code,
            actor=staff_user(request),
            version=int(version) if version.isdecimal() and len(version) < 19 else None,
        ),
    )
    if done is None:
        return redirect("documents-staff:notice", code=code)
    messages.success(request, f"已发布通报批评，文号 {done.content['doc_number']}")
    return redirect("documents-staff:notices")
