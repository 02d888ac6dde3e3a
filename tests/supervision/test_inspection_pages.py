"""The inspection pages: the office plans on the list page, the team records and confirms on the
inspection's and the finding's pages, the unit answers, the team closes, the PDF downloads;
an inspector of another inspection or another 市州 is refused on every page."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govtrust.directory.models import User
from govtrust.supervision.models import Finding, FindingState, Inspection
from govtrust.supervision.services import inspections as svc

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_plan_record_answer_close_and_report_through_the_pages(
    make_user: Callable[..., User], client: Client
) -> None:
    office = make_user("office_gs", "credit_office", "62")
    a = make_user("insp_a", "inspector", "62")
    b = make_user("insp_b", "inspector", "62")
    unit = make_user("reviewer_lz", "reviewer", "6201")
    client.force_login(office)
    page = client.get("/backoffice/inspections/").content.decode()
    assert 'id="plan"' in page and "兰州新区" in page and "insp_a" in page
    refused = client.post(
        "/backoffice/inspections/plan",
        {"title": "x", "period_start": "bad", "target_codes": ["6201"]},
        follow=True,
    )
    assert "督导期间" in refused.content.decode() and not Inspection.objects.exists()
    posted = client.post(
        "/backoffice/inspections/plan",
        {
            "title": "2026年度政务诚信建设专项督导",
            "period_start": "2026-10-01",
            "period_end": "2026-12-31",
            "target_codes": ["6201", "620171"],
            "inspector_ids": [str(a.pk), str(b.pk)],
            "leader_id": str(a.pk),
            "item_codes": ["records_on_time", "commitments_kept"],
        },
    )
    inspection = Inspection.objects.get()
    assert posted.status_code == 302 and inspection.items.count() == 2

    client.force_login(a)
    page = client.get(f"/backoffice/inspections/{inspection.pk}/").content.decode()
    assert 'id="record"' in page and "方案三（二）2" in page
    client.post(
        f"/backoffice/inspections/{inspection.pk}/findings",
        {
            "target_code": "6201",
            "item_code": "records_on_time",
            "facts": "3条政务失信记录逾期报送。",
            "severity": "general",
            "requirement": "说明原因并补报。",
            "files": SimpleUploadedFile("台账.pdf", PDF, content_type="application/pdf"),
        },
    )
    finding = Finding.objects.get()
    page = client.get(f"/backoffice/inspections/findings/{finding.pk}/").content.decode()
    assert 'id="confirm"' not in page and "另一名成员确认" in page and "台账.pdf" in page
    attachment = finding.attachments.get()
    assert client.get(f"/backoffice/inspections/attachments/{attachment.pk}").status_code == 200

    client.force_login(b)
    client.post(f"/backoffice/inspections/findings/{finding.pk}/confirm", {"version": "1"})
    finding.refresh_from_db()
    assert finding.state == FindingState.RECTIFYING

    client.force_login(unit)
    listed = client.get("/backoffice/inspections/").content.decode()
    assert 'id="answering-link"' in listed and 'id="plan"' not in listed
    answering = client.get("/backoffice/inspections/findings/").content.decode()
    assert 'id="answering"' in answering and "3条政务失信记录" in answering
    page = client.get(f"/backoffice/inspections/findings/{finding.pk}/").content.decode()
    assert 'id="answer"' in page and 'id="close"' not in page
    client.post(
        f"/backoffice/inspections/findings/{finding.pk}/answer",
        {"version": "2", "answer": "已补报并建立台账。"},
    )
    assert client.get(f"/backoffice/inspections/{inspection.pk}/report.pdf").status_code == 404

    client.force_login(b)
    client.post(f"/backoffice/inspections/findings/{finding.pk}/close", {"version": "3"})
    finding.refresh_from_db()
    assert finding.state == FindingState.CLOSED
    pdf = client.get(f"/backoffice/inspections/{inspection.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    client.force_login(office)
    client.post(f"/backoffice/inspections/{inspection.pk}/conclude", {"version": "1"})
    inspection.refresh_from_db()
    assert inspection.state == "concluded"


def test_inspectors_of_other_inspections_and_prefectures_are_refused(
    make_user: Callable[..., User], client: Client
) -> None:
    office = make_user("office_gs", "credit_office", "62")
    a, b = make_user("insp_a", "inspector", "62"), make_user("insp_b", "inspector", "62")
    inspection = svc.inspection_plan(
        actor=office,
        data=svc.InspectionIn(
            title="天水兰州联合督导",
            period_start=datetime.date(2026, 10, 1),
            period_end=datetime.date(2026, 12, 31),
            target_codes=["6201"],
            inspector_ids=[a.pk, b.pk],
        ),
    )
    finding = svc.finding_record(
        actor=a,
        inspection_id=inspection.pk,
        data=svc.FindingIn(
            target_code="6201", facts="问题", severity="general", requirement="整改"
        ),
    )
    for outsider in (
        make_user("insp_c", "inspector", "62"),  # the province's, on another team or none
        make_user("insp_ts", "inspector", "6205"),  # another 市州's
    ):
        client.force_login(outsider)
        assert inspection.title not in client.get("/backoffice/inspections/").content.decode()
        for url in (
            f"/backoffice/inspections/{inspection.pk}/",
            f"/backoffice/inspections/findings/{finding.pk}/",
            f"/backoffice/inspections/{inspection.pk}/report.pdf",
        ):
            assert client.get(url).status_code == 404, url
        posted = client.post(
            f"/backoffice/inspections/{inspection.pk}/findings",
            {"target_code": "6201", "facts": "x", "severity": "general", "requirement": "y"},
        )
        assert posted.status_code == 404
        confirm = client.post(
            f"/backoffice/inspections/findings/{finding.pk}/confirm", {"version": "1"}
        )
        assert confirm.status_code == 404
        assert client.post("/backoffice/inspections/plan", {}).status_code == 403
    assert Finding.objects.count() == 1
    finding.refresh_from_db()
    assert finding.state == FindingState.RECORDED
