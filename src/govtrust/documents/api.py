"""Issued documents over HTTP: credit reports for staff, and verification of any document's code
for anyone (no sign-in, rate-limited per address)."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from govtrust.core.http import client_address
from govtrust.directory.auth import api_user
from govtrust.documents.downloads import pdf_bytes_response
from govtrust.documents.models import Document
from govtrust.documents.services.issue import (
    document_check,
    document_download,
    replacement,
    verify_url,
)
from govtrust.documents.services.reports import report_issue

staff = Router(tags=["信用报告与文件"])
public = Router(tags=["文件核验（公众）"], auth=None)


class DocumentOut(Schema):
    code: str
    kind: str
    kind_label: str
    status: str = Field(description="issued 有效；superseded 已被替代；revoked 已撤销")
    status_label: str
    title: str
    sha256: str
    size: int
    issued_at: datetime.datetime | None
    verify_url: str
    replaces: str | None = Field(None, description="本文件替代的此前文件的验证码")
    replaced_by: str | None = Field(None, description="替代本文件的新文件的验证码")
    replaced_at: datetime.datetime | None = Field(None, description="新文件的出具时间")


def _out(document: Document) -> DocumentOut:
    newer = replacement(document)
    return DocumentOut(
        code=document.code,
        kind=document.kind,
        kind_label=document.get_kind_display(),
        status=document.status,
        status_label=document.get_status_display(),
        title=document.title,
        sha256=document.sha256,
        size=document.size,
        issued_at=document.issued_at,
        verify_url=verify_url(document.code),
        replaces=document.replaces.code if document.replaces else None,
        replaced_by=newer.code if newer else None,
        replaced_at=newer.issued_at if newer else None,
    )


class ReportIn(Schema):
    subject_kind: Literal["government", "department", "civil_servant"]
    subject_id: int
    public: bool = False


class IssuedOut(DocumentOut):
    download_url: str


@staff.post("/credit-reports", response={201: IssuedOut}, summary="出具信用报告（PDF）")
def credit_report(request: HttpRequest, body: ReportIn) -> Status[IssuedOut]:
    document = report_issue(
        kind=body.subject_kind, pk=body.subject_id, public=body.public, actor=api_user(request)
    )
    url = reverse("api:document_pdf", args=[document.code])
    return Status(201, IssuedOut(**_out(document).model_dump(), download_url=url))


@staff.get(
    "/documents/{code}.pdf", summary="下载本单位数据范围内出具的文件", url_name="document_pdf"
)
def document_pdf(request: HttpRequest, code: str) -> HttpResponse:
    document, data = document_download(code=code, actor=api_user(request))
    return pdf_bytes_response(document, data)


@public.get("/public/documents/{code}", response=DocumentOut, summary="凭验证码核验文件")
def document_verify(request: HttpRequest, code: str) -> DocumentOut:
    return _out(document_check(code, address=client_address(request)))
