"""Serving an issued document, for the back office and the portal alike (each checks scope or
publicity first): the stored PDF, its digest checked, as an attachment named by its code."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse

from govtrust.core.errors import NotFound
from govtrust.documents.models import Document
from govtrust.documents.services.issue import document_bytes


def pdf_response(document: Document | None, *, inline: bool = False) -> HttpResponse:
    try:
        data = document_bytes(document)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    assert document is not None  # noqa: S101 (document_bytes refuses None)
    return pdf_bytes_response(document, data, inline=inline)


def pdf_bytes_response(document: Document, data: bytes, *, inline: bool = False) -> HttpResponse:
    """`data` has been checked against the document's digest. With GOVTRUST_ACCEL_REDIRECT set,
    nginx sends the same file (the name is the code, which new_code keeps to [A-Z2-7-])."""
    prefix = settings.GOVTRUST_ACCEL_REDIRECT
    response = HttpResponse(b"" if prefix else data, content_type="application/pdf")
    if prefix:
        response["X-Accel-Redirect"] = f"{prefix}{document.code}.pdf"
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{document.code}.pdf"'
    return response
