"""The screening certificate as a reader sees it: a long list with many findings keeps its table
headers on every page and leaves no page near empty, rules are named in Chinese, and a certificate
issued again replaces the earlier one, which then verifies as superseded."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pypdfium2 as pdfium
import pytest
from django.test import Client

from govtrust.core.errors import Conflict
from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.documents.models import Document, DocumentStatus
from govtrust.documents.services.issue import document_bytes, document_issue
from govtrust.records.models import Record
from govtrust.screening.engine import Candidate
from govtrust.screening.services import screening_certify, screening_run
from tests.conftest import new_ric
from tests.documents.conftest import FirstPage, first_page, pages_text

pytestmark = pytest.mark.django_db

RESULTS_HEADER = "行号名称所在单位证件号码结论限制截止匹配记录"
DETAILS_HEADER = "行号候选对象记录编号记录主体匹配依据限制措施及依据规则"


def _screening(accept: Callable[..., Record], reviewer: User, rows: int, repeat: int) -> str:
    """`rows` candidates; every fifth one has a record; the first has `repeat` of them."""
    candidates = []
    for i in range(rows):
        ric = new_ric()
        if i % 5 == 0:
            for _ in range(repeat if i == 0 else 1):
                accept(subject_name=f"失信人{i}", subject_identifier=ric, severity="general")
        candidates.append(
            Candidate(row=i + 2, name=f"候选甲{i}", identifier=ric, unit="城关区某某局")
        )
    return screening_run(
        title="2026年度先进个人评选", candidates=candidates, source_name="名单.csv", actor=reviewer
    ).number


def test_a_long_certificate_repeats_its_headers_and_leaves_no_page_empty(
    accept: Callable[..., Record], reviewer: User
) -> None:
    number = _screening(accept, reviewer, rows=120, repeat=25)
    document = screening_certify(number=number, actor=reviewer)
    data = document_bytes(document)
    pages = pages_text(data)
    assert len(pages) >= 3, "the case needs several pages"
    for at, text in enumerate(pages, start=1):
        body = re.sub(
            r"信用甘肃 · 政务诚信平台|评优评先信用审查证明|验证码 [A-Z2-7-]+|第 \d+ 页 / 共 \d+ 页",
            "",
            text,
        )
        # No near-empty page: every page but the last is mostly filled, the last holds more
        # than a heading (the old certificate left page 1 three-quarters blank, page 2 a heading).
        assert len(body) > (600 if at < len(pages) else 150), (at, body)
        squeezed = re.sub(r"\s+", "", body)
        if "候选甲" in body:  # the page lists candidates: its table's header is on it
            assert RESULTS_HEADER in squeezed or DETAILS_HEADER in squeezed, (at, body[:200])
        shown = first_page_of(data, at)
        assert shown.inked > 0.02, (at, shown.inked)
    squeezed_pages = [re.sub(r"\s+", "", page) for page in pages]
    assert RESULTS_HEADER in squeezed_pages[0]
    text = "".join(pages)
    assert sum(DETAILS_HEADER in page for page in squeezed_pages) >= 2  # details span pages
    assert text.count("候选甲0") >= 26  # one results row, 25 detail rows: nothing cut
    assert "限制评优评先" in text and "依据规则“公务员限制评优评先（第1版）”" in text
    assert "CS-AWARDS" not in text and " v1" not in text


def first_page_of(data: bytes, at: int) -> FirstPage:
    """Page `at` (from 1) alone, rendered as a reader sees it."""
    single = pdfium.PdfDocument.new()
    single.import_pages(pdfium.PdfDocument(data), [at - 1])
    out = io.BytesIO()
    single.save(out)
    return first_page(out.getvalue())


def test_a_certificate_issued_again_replaces_the_earlier_one(
    accept: Callable[..., Record], reviewer: User
) -> None:
    number = _screening(accept, reviewer, rows=3, repeat=1)
    first = screening_certify(number=number, actor=reviewer)
    assert "替代" not in "".join(pages_text(document_bytes(first)))
    second = screening_certify(number=number, actor=reviewer)
    first.refresh_from_db()
    assert first.status == DocumentStatus.SUPERSEDED and second.replaces == first
    text = "".join(pages_text(document_bytes(second)))
    issued = first.issued_at
    assert issued is not None
    assert f"本证明替代此前就同一审查出具的证明（验证码 {first.code}" in text, text
    assert f"{issued.astimezone().strftime('%Y年%m月%d日')}"[:5] in text
    assert AuditEvent.objects.filter(
        action="document.supersede", object_id=first.code, after__replaced_by=second.code
    ).exists()

    portal = Client()
    old = portal.get(f"/gs/verify/{first.code}/").content.decode()
    assert "该文件已被替代" in old and f'id="replaced-by">{second.code}<' in old
    assert "有效文件" not in old
    new = portal.get(f"/gs/verify/{second.code}/").content.decode()
    assert "有效文件" in new and first.code in new
    api = portal.get(f"/api/v1/public/documents/{first.code}").json()
    assert api["status"] == "superseded" and api["status_label"] == "已被替代"
    assert api["replaced_by"] == second.code and api["replaced_at"]
    current = portal.get(f"/api/v1/public/documents/{second.code}").json()
    assert current["status"] == "issued" and current["replaces"] == first.code
    assert current["replaced_by"] is None

    staff = Client()
    staff.force_login(reviewer)
    page = staff.get(f"/backoffice/screenings/{number}/").content.decode()
    assert "重新出具审查证明（替代原证明）" in page and 'data-confirm="重新出具审查证明' in page
    assert page.count('">已被替代</span>') == 1

    # A third issue replaces the second, never the first again.
    third = screening_certify(number=number, actor=reviewer)
    assert third.replaces == second
    assert Document.objects.filter(screening__number=number, status="issued").get() == third


def test_two_reissues_at_once_replace_the_earlier_certificate_once(
    accept: Callable[..., Record], reviewer: User
) -> None:
    number = _screening(accept, reviewer, rows=2, repeat=1)
    first = screening_certify(number=number, actor=reviewer)
    stale = Document.objects.get(pk=first.pk)  # read by a second request before the first wins
    screening_certify(number=number, actor=reviewer)
    before = Document.objects.count()
    with pytest.raises(Conflict):
        document_issue(
            kind=stale.kind,
            title=stale.title,
            content=stale.content,
            division_code=stale.division_code,
            actor=reviewer,
            replaces=stale,
            screening=stale.screening,
        )
    assert Document.objects.count() == before
