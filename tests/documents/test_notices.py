"""Criticism notices before and at publication: a draft previewed and edited, a sample PDF, the
publish step behind a confirmation, and numbers that run per issuer and year without gaps, also
when publications race (threads) or one is rolled back."""

from __future__ import annotations

import datetime
import re
import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client

from govtrust.core.models import AuditEvent
from govtrust.directory.models import Department, User
from govtrust.disclosure.models import Publication
from govtrust.documents.models import Document, DocumentStatus, NoticeCounter
from govtrust.documents.services import issue, notices
from govtrust.documents.services.notices import notice_number_take, notice_publish
from tests.documents.conftest import first_page, pages_text


def _notice(published: Callable[..., Publication], department: Department) -> Document:
    publication = published(
        subject_kind="department",
        subject_name=department.name,
        subject_identifier=department.uscc,
        severity="general",
    )
    return Document.objects.get(record=publication.record, kind="criticism")


@pytest.fixture
def department(make_department: Callable[..., Department]) -> Department:
    return make_department("620102", "城关区财政局")


def _number(document: Document) -> int:
    found = re.fullmatch(r"甘政信通〔(\d{4})〕(\d+)号", document.content["doc_number"])
    assert found, document.content["doc_number"]
    assert int(found.group(1)) == datetime.date.today().year
    return int(found.group(2))


@pytest.mark.django_db
def test_a_draft_is_previewed_and_edited_before_it_is_published(
    office: User,
    clerk: User,
    department: Department,
    published: Callable[..., Publication],
) -> None:
    notice = _notice(published, department)
    client = Client()
    client.force_login(office)
    url = f"/backoffice/documents/notices/{notice.code}/"
    page = client.get(url).content.decode()
    assert "（文号在发布时按序编号）" in page and "予以公开通报批评" in page
    assert 'data-confirm="确认发布' in page
    assert "<script>" not in page  # no inline script: the CSP allows none

    # Edited: title and requirements; the preview and, later, the notice say what was typed.
    edited = client.post(
        f"{url}edit/",
        {
            "title": "关于对城关区财政局拖欠账款的通报批评",
            "requirements": "限30日内整改到位。",
            "version": str(notice.version),
        },
        follow=True,
    ).content.decode()
    assert "已保存草稿" in edited and "限30日内整改到位。" in edited
    notice.refresh_from_db()
    assert notice.title == "关于对城关区财政局拖欠账款的通报批评"
    assert notice.status == DocumentStatus.DRAFT and notice.version == 2
    assert AuditEvent.objects.filter(action="notice.edit", object_id=notice.code).exists()
    # A form read before that edit is refused, and changes nothing.
    stale = client.post(
        f"{url}edit/", {"title": "旧", "requirements": "", "version": "1"}, follow=True
    )
    assert "已被他人修改" in stale.content.decode()
    empty = client.post(
        f"{url}edit/", {"title": " ", "requirements": "", "version": "2"}, follow=True
    )
    assert "请填写标题" in empty.content.decode()
    notice.refresh_from_db()
    assert notice.title.startswith("关于对城关区财政局拖欠账款") and notice.version == 2

    # The sample PDF: marked, unnumbered, stores nothing.
    sample = client.get(f"{url}preview.pdf")
    assert sample["Content-Type"] == "application/pdf"
    text = "".join(pages_text(sample.content))
    assert "样稿" in text and "限30日内整改到位。" in text and notice.code not in text
    assert first_page(sample.content).inked > 0.01
    notice.refresh_from_db()
    assert notice.status == DocumentStatus.DRAFT and not notice.sha256
    assert not NoticeCounter.objects.exists()

    # Others may not edit, preview or publish.
    client.force_login(clerk)
    assert client.get(url).status_code == 403
    assert client.post(f"{url}edit/", {"title": "x", "version": "2"}).status_code == 403

    client.force_login(office)
    stale_publish = client.post(f"{url}publish/", {"version": "1"}, follow=True)
    assert "草稿已被修改" in stale_publish.content.decode()
    done = client.post(f"{url}publish/", {"version": "2"}, follow=True).content.decode()
    notice.refresh_from_db()
    assert notice.status == DocumentStatus.ISSUED and _number(notice) == 1
    assert f"已发布通报批评，文号 甘政信通〔{datetime.date.today().year}〕1号" in done
    issued = Client().get(f"/gs/notices/{notice.code}.pdf").content
    text = "".join(pages_text(issued))
    assert "限30日内整改到位。" in text and "拖欠账款的通报批评" in text and "样稿" not in text
    after = client.post(
        f"{url}edit/", {"title": "改", "requirements": "", "version": "3"}, follow=True
    )
    assert "已发布" in after.content.decode()


@pytest.mark.django_db
def test_numbers_are_consecutive_and_a_rolled_back_publication_leaves_no_gap(
    office: User,
    department: Department,
    published: Callable[..., Publication],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drafts = [_notice(published, department) for _ in range(4)]
    first = notice_publish(code=drafts[0].code, actor=office)
    # The second fails after its number was taken (writing the file): rolled back whole.
    real = issue.issue_finish

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(notices, "issue_finish", broken)
    with pytest.raises(OSError):
        notice_publish(code=drafts[1].code, actor=office)
    monkeypatch.setattr(notices, "issue_finish", real)
    drafts[1].refresh_from_db()
    assert drafts[1].status == DocumentStatus.DRAFT and not drafts[1].content.get("doc_number")
    later = [notice_publish(code=d.code, actor=office) for d in (drafts[2], drafts[1], drafts[3])]
    assert [_number(d) for d in [first, *later]] == [1, 2, 3, 4]
    year = datetime.date.today().year
    assert NoticeCounter.objects.get(issuer="62", year=year).last == 4
    # Another issuer, or another year, has its own series.
    assert notice_number_take("6201", year) == 1
    assert notice_number_take("62", year + 1) == 1
    assert notice_number_take("62", year) == 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_publications_take_every_number_once(
    office: User,
    department: Department,
    published: Callable[..., Publication],
    audit_triggers_dropped_after: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """GIVEN eight drafts published at the same moment, one of which fails after taking its number
    THEN the seven published carry 1..7: no gap, no duplicate (on PostgreSQL the counter row is
    locked FOR UPDATE; run with DATABASE_URL set)."""
    drafts = [_notice(published, department) for _ in range(8)]
    doomed = drafts[3].code
    real = issue.issue_finish

    def sometimes(document: Document, pdf: bytes, actor: User) -> None:
        if document.code == doomed:
            raise OSError("disk full")
        real(document, pdf, actor)

    monkeypatch.setattr(notices, "issue_finish", sometimes)
    barrier = threading.Barrier(len(drafts))
    failures: list[str] = []

    def publish(code: str) -> None:
        try:
            barrier.wait(timeout=30)
            notice_publish(code=code, actor=office)
        except Exception as exc:  # collected and asserted below
            failures.append(f"{code}: {exc!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(d.code,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(failures) == 1 and failures[0].startswith(doomed), failures
    issued = Document.objects.filter(kind="criticism", status=DocumentStatus.ISSUED)
    numbers = sorted(_number(d) for d in issued)
    assert numbers == list(range(1, 8)), (connection.vendor, numbers)
    assert Document.objects.get(code=doomed).status == DocumentStatus.DRAFT
