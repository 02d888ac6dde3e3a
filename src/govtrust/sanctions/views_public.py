"""Portal pages of issued documents: anyone verifies a document by its code, and reads the
published criticism notices (通报批评)."""

from __future__ import annotations

import re

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from govtrust.core.errors import Throttled
from govtrust.core.http import client_address
from govtrust.core.throttle import limit
from govtrust.sanctions.downloads import pdf_response
from govtrust.sanctions.models import Document, DocumentStatus
from govtrust.sanctions.notices import notices_published

_CODE = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$")


def _clean(code: str) -> str:
    """A code as typed: any case, with or without dashes and spaces."""
    raw = re.sub(r"[\s-]+", "", code or "").upper()[:40]
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@require_GET
def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    typed = request.GET.get("code", "")
    if typed and not code:
        return redirect("documents:verify", code=_clean(typed)[:24] or "-")
    context: dict[str, object] = {"code": code}
    if code:
        try:
            # Codes carry 80 random bits; the limit keeps anyone from trying them in bulk.
            limit(
                "verify",
                client_address(request),
                allowed=60,
                window=600,
                message="查询过于频繁，请10分钟后再试",
            )
        except Throttled as exc:
            return render(request, "sanctions/verify.html", {"error": exc.detail}, status=429)
        found = None
        if _CODE.match(code):
            found = Document.objects.exclude(status=DocumentStatus.DRAFT).filter(code=code).first()
        if found is None:
            context["error"] = "未找到该验证码对应的文件，请核对验证码（16位字母和数字）"
            return render(request, "sanctions/verify.html", context, status=404)
        context["found"] = found
    return render(request, "sanctions/verify.html", context)


@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    page = Paginator(notices_published(), 20).get_page(request.GET.get("page"))
    return render(request, "sanctions/notices.html", {"page": page})


def _notice(code: str) -> Document:
    found = notices_published().filter(code=code[:24]).first()
    if found is None:
        raise Http404("通报不存在或已撤销")
    return found


@require_GET
def notice(request: HttpRequest, code: str) -> HttpResponse:
    found = _notice(code)
    return render(request, "sanctions/notice.html", {"d": found, **found.content})


@require_GET
def notice_pdf(request: HttpRequest, code: str) -> HttpResponse:
    return pdf_response(_notice(code), inline=True)
