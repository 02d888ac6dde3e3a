"""The 督办任务 pages as each role sees them: the unit's own tasks, the province's matrix, a
task's page with the report form, verification and the attachment download in reach."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govtrust.directory.models import User
from govtrust.supervision.models import PlanTask, PlanTaskUnit, ProgressReport, ReportState
from govtrust.supervision.services.plan_tasks import plan_tasks_load

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TEXT = "已按期推送本年度政务失信记录，并在信用甘肃网站公示。"


@pytest.fixture
def plan(directory: None) -> None:
    plan_tasks_load()


def test_a_unit_reports_through_the_page_and_the_province_verifies(
    plan: None, make_user: Callable[..., User], client: Client
) -> None:
    lanzhou = make_user("office_lz", "credit_office", "6201")
    province = make_user("office_gs", "credit_office", "62")
    task = PlanTask.objects.get(code="三（二）3")
    unit = PlanTaskUnit.objects.get(task=task, division_code="6201")
    client.force_login(lanzhou)
    overview = client.get("/backoffice/plan-tasks/").content.decode()
    assert "归集政务失信记录并依法依规公示" in overview and 'id="mine"' in overview
    assert 'id="matrix"' in overview  # a credit office reads figures: its own row only
    page = client.get(f"/backoffice/plan-tasks/{task.pk}/").content.decode()
    assert f'id="report-{unit.pk}"' in page
    posted = client.post(
        f"/backoffice/plan-tasks/{task.pk}/units/{unit.pk}/report",
        {
            "year": "2025",
            "percent": "100",
            "text": TEXT,
            "files": SimpleUploadedFile("进展.pdf", PDF),
        },
    )
    assert posted.status_code == 302
    report = ProgressReport.objects.get(task_unit=unit)
    attachment = report.attachments.get()
    assert client.get(f"/backoffice/plan-tasks/attachments/{attachment.pk}").status_code == 200

    client.force_login(province)
    page = client.get(f"/backoffice/plan-tasks/{task.pk}/").content.decode()
    assert f'id="decide-{report.pk}"' in page and "兰州新区管理委员会" in page
    client.post(
        f"/backoffice/plan-tasks/{task.pk}/reports/{report.pk}/decide",
        {"version": "1", "decision": "verify"},
    )
    report.refresh_from_db()
    assert report.state == ReportState.VERIFIED
    matrix = client.get("/backoffice/plan-tasks/?year=2025").content.decode()
    assert "甘肃省财政厅" in matrix and 'data-state="verified"' in matrix


def test_outsiders_get_nothing(plan: None, make_user: Callable[..., User], client: Client) -> None:
    lanzhou = make_user("office_lz", "credit_office", "6201")
    task = PlanTask.objects.get(code="三（二）3")
    unit = PlanTaskUnit.objects.get(task=task, division_code="6201")
    client.force_login(lanzhou)
    client.post(
        f"/backoffice/plan-tasks/{task.pk}/units/{unit.pk}/report",
        {
            "year": "2025",
            "percent": "40",
            "text": TEXT,
            "files": SimpleUploadedFile("进展.pdf", PDF),
        },
    )
    report = ProgressReport.objects.get()
    attachment = report.attachments.get()
    tianshui = make_user("office_ts", "credit_office", "6205")
    client.force_login(tianshui)
    assert client.get(f"/backoffice/plan-tasks/attachments/{attachment.pk}").status_code == 404
    posted = client.post(
        f"/backoffice/plan-tasks/{task.pk}/units/{unit.pk}/report",
        {"year": "2025", "percent": "40", "text": TEXT},
    )
    assert posted.status_code == 404
    page = client.get(f"/backoffice/plan-tasks/{task.pk}/").content.decode()
    assert "兰州市人民政府" not in page and f'id="report-{unit.pk}"' not in page
    # 天水市 may not verify 兰州市's report (the province does).
    denied = client.post(
        f"/backoffice/plan-tasks/{task.pk}/reports/{report.pk}/decide",
        {"version": "1", "decision": "verify"},
    )
    assert denied.status_code == 403
    admin = make_user("sys_a", "sysadmin", "62")
    client.force_login(admin)
    assert client.get("/backoffice/plan-tasks/").status_code == 403
    assert client.get("/api/v1/plan-tasks").status_code == 403
