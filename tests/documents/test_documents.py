"""Credit reports (internal and public versions) and criticism notices published on the portal."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client

from govtrust.core.models import AuditEvent
from govtrust.directory.models import Department, User
from govtrust.directory.services import civil_servant_create
from govtrust.disclosure.models import Publication
from govtrust.disclosure.services import publication_withdraw
from govtrust.documents.models import Document, DocumentStatus
from govtrust.measures.models import Measure
from govtrust.records.models import Record
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_submit
from govtrust.remedies.services.filing import Filed
from govtrust.remedies.services.handling import case_act
from tests.conftest import new_ric, record_payload
from tests.documents.conftest import first_page, pages_text

pytestmark = pytest.mark.django_db
SECRET_FACTS = (
    "内部核查中发现的未公示事实：合同编号 HT-2026-0815，经办人身份证号 620102198001010018。"
)


def _department(make_department: Callable[..., Department]) -> Department:
    return make_department("620102", "城关区财政局")


def test_internal_report_lists_everything_the_public_one_only_what_is_published(
    clerk: User,
    reviewer: User,
    office: User,
    sibling_reviewer: User,
    make_department: Callable[..., Department],
    published: Callable[..., Publication],
    objection: Callable[..., Filed],
) -> None:
    department = _department(make_department)
    assert department.uscc
    shown = published(
        subject_kind="department",
        subject_name=department.name,
        subject_identifier=department.uscc,
        severity="serious",
    )
    filed = objection(publication=shown)
    case_act(number=filed.case.number, action="accept", actor=office, version=1)
    data = RecordIn.model_validate(
        record_payload(
            subject_kind="department",
            subject_name=department.name,
            subject_identifier=department.uscc,
            facts=SECRET_FACTS,
            severity="minor",
        )
    )
    hidden = record_submit(record=record_create(data=data, actor=clerk), actor=clerk)
    hidden = record_accept(record=hidden, actor=reviewer)  # in the database, not on the portal

    client = Client()
    client.force_login(reviewer)
    found = client.post("/backoffice/documents/reports/", {"q": department.uscc}).content.decode()
    url = f"/backoffice/documents/reports/department/{department.pk}/"
    assert url in found

    internal = client.post(url, {"public": "0"}, follow=True)
    assert internal["Content-Type"] == "application/pdf"
    document = Document.objects.get(kind="report")
    assert document.title == f"{department.name}政务信用报告"
    text = "".join(pages_text(internal.content))
    expected = (shown.number, hidden.number, "取消荣誉评选资格", filed.case.number, "内部版本")
    assert [item for item in expected if item not in text] == []
    # Rules are named in Chinese with their version, never by their internal code.
    assert "依据规则“轻微失信：取消荣誉评选资格6个月（第1版）”" in text, text
    assert "GOV-" not in text and " v1" not in text
    assert "合同编号 HT-2026-0815" in text
    assert (
        "620102198001010018" not in text and "620102********0018" in text
    )  # masked as on the portal

    public = client.post(url, {"public": "1"}, follow=True)
    page = first_page(public.content)
    text = page.text.replace("\r", "").replace("\n", "")
    assert "政务信用报告（公开版）" in text and shown.number in text
    assert hidden.number not in text and "HT-2026-0815" not in text
    assert "异议处理中" in text  # the portal's status line, nothing of the case itself
    assert filed.case.number not in text
    assert page.inked > 0.01 and any(embedded for _name, embedded in page.fonts)

    client.force_login(sibling_reviewer)
    assert client.post(url, {"public": "1"}).status_code == 404
    assert Document.objects.filter(kind__in=["report", "public_report"]).count() == 2


def test_criticism_notice_is_drafted_published_after_the_record_and_leaves_with_it(
    clerk: User,
    office: User,
    make_department: Callable[..., Department],
    published: Callable[..., Publication],
) -> None:
    department = _department(make_department)
    publication = published(
        subject_kind="department",
        subject_name=department.name,
        subject_identifier=department.uscc,
        severity="general",
    )
    measure = Measure.objects.get(record=publication.record, kind="criticism")
    notice = Document.objects.get(measure=measure)
    assert notice.status == DocumentStatus.DRAFT and not notice.sha256
    drafted = AuditEvent.objects.get(action="notice.draft", object_id=publication.number)
    assert drafted.actor == "reviewer_lz"  # who accepted the record, in the same transaction

    client = Client()
    client.force_login(clerk)
    assert client.post(f"/backoffice/documents/notices/{notice.code}/publish/").status_code == 403
    assert Client().get("/gs/notices/").content.decode().count(notice.code) == 0

    client.force_login(office)
    listed = client.get("/backoffice/documents/notices/").content.decode()
    assert notice.code in listed and "预览、修改并发布" in listed
    client.post(f"/backoffice/documents/notices/{notice.code}/publish/", follow=True)
    notice.refresh_from_db()
    assert notice.status == DocumentStatus.ISSUED and notice.sha256
    year = datetime.date.today().year
    assert notice.content["doc_number"] == f"甘政信通〔{year}〕1号"
    again = client.post(f"/backoffice/documents/notices/{notice.code}/publish/", follow=True)
    assert "该通报已发布" in again.content.decode()
    measures = client.get(f"/backoffice/measures/{publication.number}/").content.decode()
    assert f'href="/gs/notices/{notice.code}/" id="notice-link"' in measures

    portal = Client()
    assert notice.code in portal.get("/gs/notices/").content.decode()
    page = portal.get(f"/gs/notices/{notice.code}/").content.decode()
    assert "予以公开通报批评" in page and publication.view["facts"] in page
    pdf = portal.get(f"/gs/notices/{notice.code}.pdf")
    shown = first_page(pdf.content)
    assert "通报批评" in shown.text and shown.inked > 0.01

    # The period's end takes the notice off the portal at once, before the daily job runs; the
    # last day still belongs to the period (民法典 第二百零二条), so it ended yesterday.
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    Publication.objects.filter(pk=publication.pk).update(maximum_end=yesterday)
    assert notice.code not in portal.get("/gs/notices/").content.decode()
    Publication.objects.filter(pk=publication.pk).update(maximum_end=publication.maximum_end)
    assert notice.code in portal.get("/gs/notices/").content.decode()
    publication_withdraw(publication=publication, reason="revoked", actor_name=office.username)
    assert notice.code not in portal.get("/gs/notices/").content.decode()
    assert portal.get(f"/gs/notices/{notice.code}/").status_code == 404


def test_a_notice_waits_for_the_record_to_be_published(
    clerk: User, reviewer: User, office: User, make_department: Callable[..., Department]
) -> None:
    department = _department(make_department)
    data = RecordIn.model_validate(
        record_payload(
            subject_kind="department",
            subject_name=department.name,
            subject_identifier=department.uscc,
            severity="serious",
        )
    )
    record: Record = record_submit(record=record_create(data=data, actor=clerk), actor=clerk)
    record = record_accept(record=record, actor=reviewer)
    notice = Document.objects.get(record=record, kind="criticism")
    client = Client()
    client.force_login(office)
    listed = client.get("/backoffice/documents/notices/").content.decode()
    assert f"/notices/{notice.code}/publish/" not in listed  # no button to press
    assert "待记录公示后发布" in listed
    draft = client.get(f"/backoffice/documents/notices/{notice.code}/").content.decode()
    assert "通报批评须在记录公示期内发布" in draft and 'id="notice-publish"' not in draft
    page = client.post(f"/backoffice/documents/notices/{notice.code}/publish/", follow=True)
    assert "通报批评须在记录公示期内发布" in page.content.decode()
    notice.refresh_from_db()
    assert notice.status == DocumentStatus.DRAFT


def test_verification_is_rate_limited(office: User) -> None:
    portal = Client()
    for _ in range(60):
        assert portal.get("/gs/verify/AAAA-BBBB-CCCC-DDDD/").status_code == 404
    assert portal.get("/gs/verify/AAAA-BBBB-CCCC-DDDD/").status_code == 429


def test_civil_servant_report_over_the_api_and_verification_for_anyone(
    clerk: User,
    reviewer: User,
    sibling_reviewer: User,
    make_department: Callable[..., Department],
    published: Callable[..., Publication],
) -> None:
    ric = new_ric()
    person = civil_servant_create(department=_department(make_department), name="王芳", ric=ric)
    shown = published(subject_name="王芳", subject_identifier=ric, severity="general")
    client = Client()
    found = client.post("/backoffice/documents/reports/", {"q": ric})
    assert found.status_code == 302  # sign-in first
    client.force_login(reviewer)
    page = client.post("/backoffice/documents/reports/", {"q": ric}).content.decode()
    assert f"/backoffice/documents/reports/civil_servant/{person.pk}/" in page
    assert ric not in page and person.ric_masked in page

    body = {"subject_kind": "civil_servant", "subject_id": person.pk, "public": False}
    issued = client.post("/api/v1/credit-reports", body, content_type="application/json")
    assert issued.status_code == 201, issued.content
    answer = issued.json()
    assert answer["title"] == "王芳政务信用报告" and answer["kind"] == "report"
    pdf = client.get(answer["download_url"])
    assert pdf["Content-Type"] == "application/pdf"
    text = first_page(pdf.content).text
    assert shown.number in text and person.ric_masked in text and ric not in text
    assert "限制评优评先" in text

    client.force_login(sibling_reviewer)
    refused = client.post("/api/v1/credit-reports", body, content_type="application/json")
    assert refused.status_code == 404
    assert client.get(answer["download_url"]).status_code == 404

    portal = Client()
    checked = portal.get(f"/api/v1/public/documents/{answer['code'].lower()}")
    assert checked.status_code == 200
    assert checked.json()["sha256"] == answer["sha256"] and checked.json()["status"] == "issued"
    assert portal.get("/api/v1/public/documents/nonsense").status_code == 404
