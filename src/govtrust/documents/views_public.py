"""Portal pages of issued documents: anyone verifies a document by its code, and reads the
published criticism notices (通报批评)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from govtrust.core.errors import DomainError
from govtrust.core.http import client_address
from govtrust.documents.downloads import pdf_response
from govtrust.documents.models import Document
from govtrust.documents.selectors import notices_published
from govtrust.documents.services.issue import code_clean, document_check, replacement


@require_GET
def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    typed = request.GET.get("code", "")
    if typed and not code:
        return redirect("documents:verify", code=code_clean(typed) or "-")
    context: dict[str, object] = {"code": code[:24]}
    if code:
        try:
            found = document_check(code, address=client_address(request))
            context["found"] = found
            context["replaced_by"] = replacement(found)
        except DomainError as exc:
            context["error"] = exc.detail
            return render(request, "documents/verify.html", context, status=exc.status)
    return render(request, "documents/verify.html", context)


@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    page = Paginator(notices_published(), 20).get_page(request.GET.get("page"))
    return render(request, "documents/notices.html", {"page": page})


def _notice(code: str) -> Document:
    found = notices_published().filter(code=code[:24]).first()
    if found is None:
        raise Http404("通报不存在或已撤销")
    return found


@require_GET
def notice(request: HttpRequest, code: str) -> HttpResponse:
    found = _notice(code)
    return render(request, "documents/notice.html", {"d": found, **found.content})


@require_GET
def notice_pdf(request: HttpRequest, code: str) -> HttpResponse:
    return pdf_response(_notice(code), inline=True)
