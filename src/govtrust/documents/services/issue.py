"""Issued PDF documents: screening certificates, credit reports and criticism notices.

Each carries a verification code and the public address where anyone can check it; the file is
kept under var/documents with its SHA-256, so a verifier compares the copy they hold with the
one issued. The PDF is rendered before the transaction that records it: a rendering failure
writes nothing, and a file without its row (a transaction rolled back) is never served.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.errors import NotFound
from govtrust.core.lifecycle import transition_apply
from govtrust.core.pdf import qr_svg, render_pdf
from govtrust.core.throttle import limit
from govtrust.directory.models import User
from govtrust.documents.models import Document, DocumentKind, DocumentStatus
from govtrust.documents.selectors import documents_visible
from govtrust.documents.workflow import TRANSITIONS

TEMPLATES = {
    DocumentKind.SCREENING: "documents/pdf/screening.html",
    DocumentKind.REPORT: "documents/pdf/report.html",
    DocumentKind.PUBLIC_REPORT: "documents/pdf/report.html",
    DocumentKind.CRITICISM: "documents/pdf/criticism.html",
}


def new_code() -> str:
    """Sixteen base32 characters (80 random bits) in groups of four: unguessable, and easy to
    read out or type from paper (no 0/1/8/9, which base32 leaves out)."""
    raw = base64.b32encode(secrets.token_bytes(10)).decode()
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def verify_url(code: str) -> str:
    return f"{settings.GOVTRUST_PUBLIC_URL}/gs/verify/{code}/"


def document_path(document: Document) -> Path:
    return Path(settings.VAR_DIR) / "documents" / f"{document.code}.pdf"


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    os.replace(partial, path)  # never a half-written file under the served name


def render(document: Document, *, issued_at: Any, issuer: str, sample: bool = False) -> bytes:
    """The PDF of a document; a `sample` (a draft's preview) is marked 样稿 and carries no
    verification code or address."""
    url = verify_url(document.code)
    context = {
        **document.content,
        "document": document,
        "kind_label": document.get_kind_display(),
        "verify_url": url,
        "qr": "" if sample else qr_svg(url),
        "issued_at": issued_at,
        "issuer": issuer,
        "sample": sample,
    }
    return render_pdf(TEMPLATES[DocumentKind(document.kind)], context)


def issue_finish(document: Document, pdf: bytes, actor: User) -> None:
    """Store the rendered file and record the document as issued (inside the caller's
    transaction)."""
    document.sha256 = hashlib.sha256(pdf).hexdigest()
    document.size = len(pdf)
    document.issued_by = actor
    document.status = DocumentStatus.ISSUED
    _write(document_path(document), pdf)
    document.save()
    audit_append(
        actor=actor.username,
        action="document.issue",
        object_type="document",
        object_id=document.code,
        after={"kind": document.kind, "title": document.title, "sha256": document.sha256},
    )


def document_issue(
    *,
    kind: str,
    title: str,
    content: dict[str, Any],
    division_code: str,
    actor: User,
    replaces: Document | None = None,
    **links: Any,
) -> Document:
    """Render, store and record a document; `links` are its record / measure / screening.
    A document issued to replace an earlier one says so (the earlier one's code and date) and
    supersedes it in the same transaction: of two re-issues at once, one wins."""
    if replaces is not None:
        content = {
            **content,
            "replaces": {
                "code": replaces.code,
                "issued_at": (
                    f"{timezone.localtime(replaces.issued_at):%Y年%m月%d日 %H:%M}"
                    if replaces.issued_at
                    else ""
                ),
            },
        }
    document = Document(
        code=new_code(),
        kind=kind,
        title=title[:160],
        content=content,
        division_code=division_code,
        issued_at=timezone.now(),
        replaces=replaces,
        **links,
    )
    pdf = render(document, issued_at=document.issued_at, issuer=actor.unit_label)
    with transaction.atomic():
        if replaces is not None:
            transition_apply(
                Document,
                pk=replaces.pk,
                transition=TRANSITIONS["supersede"],
                state=replaces.status,
                version=replaces.version,
                conflict="该文件已被替代或撤销，请刷新后重试",
            )
            audit_append(
                actor=actor.username,
                action="document.supersede",
                object_type="document",
                object_id=replaces.code,
                after={"replaced_by": document.code},
            )
        issue_finish(document, pdf, actor)
    return document


_CODE = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$")
CHECKS_PER_WINDOW, CHECK_WINDOW = 60, 600


def code_clean(code: str) -> str:
    """A code as typed or scanned: any case, with or without dashes and spaces; anything but
    letters and digits dropped (it goes into a URL)."""
    raw = re.sub(r"[^A-Z0-9]", "", (code or "").upper())[:16]
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def document_check(code: str, *, address: str) -> Document:
    """The issued document a verification code names, for anyone holding a copy. Codes carry
    80 random bits; the limit per address keeps anyone from trying them in bulk."""
    limit(
        "verify",
        address,
        allowed=CHECKS_PER_WINDOW,
        window=CHECK_WINDOW,
        message="查询过于频繁，请10分钟后再试",
    )
    code = code_clean(code)
    found = None
    if _CODE.match(code):
        found = (
            Document.objects.exclude(status=DocumentStatus.DRAFT)
            .select_related("replaces")
            .filter(code=code)
            .first()
        )
    if found is None:
        raise NotFound("未找到该验证码对应的文件，请核对验证码（16位字母和数字）")
    return found


def replacement(document: Document) -> Document | None:
    """The document issued to replace this one, if any (what the verify page and API name)."""
    if document.status != DocumentStatus.SUPERSEDED:
        return None
    return Document.objects.filter(replaces=document).exclude(status=DocumentStatus.DRAFT).first()


def document_download(*, code: str, actor: User) -> tuple[Document, bytes]:
    """A document within the actor's reach, exactly as issued; every download is audited
    (a credit report is personal data of its subject: 等保 8.1.4.3, PIPL art. 51)."""
    found = documents_visible(actor).filter(code=code[:24]).first()
    data = document_bytes(found)
    assert found is not None  # noqa: S101 (document_bytes refuses None)
    audit_append(
        actor=actor.username,
        action="document.download",
        object_type="document",
        object_id=found.code,
        after={"kind": found.kind, "title": found.title},
    )
    return found, data


def document_bytes(document: Document | None) -> bytes:
    """The stored file, checked against the digest recorded when it was issued."""
    if document is None or document.status == DocumentStatus.DRAFT:
        raise NotFound()
    path = document_path(document)
    data = path.read_bytes() if path.is_file() else b""
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise NotFound("文件缺失或已被改动，请联系出具单位")
    return data
