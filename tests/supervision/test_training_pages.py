"""The integrity-training pages: a unit registers a course and a session, imports an attendance
list (a bad one leaves nothing and offers its error report), reads coverage and exports it, and
every business user reads the handbook with its sources."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from govtrust.core.clock import today_beijing
from govtrust.core.models import AuditEvent
from govtrust.core.sheets import workbook, write_cells
from govtrust.directory.models import Department, User
from govtrust.directory.services import civil_servant_create
from govtrust.supervision.models import TrainingAttendance, TrainingCourse, TrainingSession
from tests.conftest import new_ric

pytestmark = pytest.mark.django_db


def _list(rows: list[list[object]]) -> io.BytesIO:
    buffer = io.BytesIO()
    book = workbook(buffer, in_memory=True)
    sheet = book.add_worksheet()
    write_cells(sheet, 0, 0, ["场次编号", "姓名", "身份证号码", "出勤情况", "考试成绩"])
    for number, row in enumerate(rows, start=1):
        write_cells(sheet, number, 0, row)
    book.close()
    buffer.seek(0)
    buffer.name = "参训名单.xlsx"
    return buffer


def test_register_import_coverage_and_handbook(
    make_user: Callable[..., User], make_department: Callable[..., Department], client: Client
) -> None:
    city = make_user("reviewer_lz", "reviewer", "6201")
    ric = new_ric()
    person = civil_servant_create(
        department=make_department("620102", "城关区财政局"), name="王芳", ric=ric
    )
    client.force_login(city)
    page = client.get("/backoffice/training/").content.decode()
    assert 'id="course-form"' in page and 'id="upload"' in page
    client.post("/backoffice/training/courses/new", {"code": "ZWCX-01", "title": "政务诚信"})
    course = TrainingCourse.objects.get()
    held = (today_beijing() - datetime.timedelta(days=5)).isoformat()
    posted = client.post(
        "/backoffice/training/sessions/new",
        {
            "course_id": course.pk,
            "code": "LZ-01",
            "mode": "in_person",
            "held_on": held,
            "hours": "3",
        },
    )
    session = TrainingSession.objects.get()
    assert posted.status_code == 302 and posted["Location"].endswith(f"/sessions/{session.pk}/")
    refused = client.post(
        "/backoffice/training/sessions/new",
        {"course_id": course.pk, "code": "LZ-02", "mode": "x", "held_on": "bad", "hours": "1"},
        follow=True,
    )
    assert "培训方式" in refused.content.decode() and TrainingSession.objects.count() == 1

    bad = client.post(
        "/backoffice/training/import",
        {"file": _list([["LZ-01", "王芳", ric, "参加", "一百"]])},
        follow=True,
    )
    text = bad.content.decode()
    assert (
        "未导入任何记录" in text and "不是数字" in text and not TrainingAttendance.objects.exists()
    )
    report_url = f"/backoffice/training/imports/{bad.context['batch'].pk}/report"
    report = client.get(report_url)
    table = CalamineWorkbook.from_filelike(io.BytesIO(report.getvalue())).get_sheet_by_index(0)
    assert table.to_python()[1][0] == 2 and "不是数字" in str(table.to_python()[1][-1])

    good = client.post(
        "/backoffice/training/import",
        {"file": _list([["LZ-01", "王芳", ric, "参加", 95]])},
        follow=True,
    )
    assert "新增1条" in good.content.decode()
    detail = client.get(f"/backoffice/training/sessions/{session.pk}/").content.decode()
    assert person.ric_masked in detail and ric not in detail

    year = today_beijing().year
    coverage = client.get(f"/backoffice/training/coverage?year={year}").content.decode()
    assert "城关区财政局" in coverage and "100%" in coverage and "名录" in coverage
    exported = client.get(f"/backoffice/training/coverage?year={year}&export=xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(exported.getvalue()))
    assert ["部门", "城关区财政局", "城关区人民政府", 1.0, 1.0, "100%"] == (
        rows.get_sheet_by_index(0).to_python()[2][:6]
    )
    assert AuditEvent.objects.filter(action="training.coverage_export").exists()
    # A year before the plan or after this one shows the nearest one.
    assert client.get("/backoffice/training/coverage?year=1999").context["year"] == 2017

    handbook = client.get("/backoffice/training/handbook").content.decode()
    assert "公务员诚信手册" in handbook and "第十二条" in handbook
    assert "三（二）1" in handbook and "待核实" in handbook and "已核对" in handbook


def test_pages_follow_the_reach(make_user: Callable[..., User], client: Client) -> None:
    city = make_user("reviewer_lz", "reviewer", "6201")
    inspector = make_user("inspector_gs", "inspector", "62")
    client.force_login(city)
    client.post("/backoffice/training/courses/new", {"code": "K1", "title": "政务诚信"})
    client.post(
        "/backoffice/training/sessions/new",
        {
            "course_id": TrainingCourse.objects.get().pk,
            "code": "LZ-01",
            "mode": "online",
            "held_on": "2025-03-01",
            "hours": "2",
        },
    )
    session = TrainingSession.objects.get()
    client.force_login(make_user("reviewer_ts", "reviewer", "6205"))
    assert client.get(f"/backoffice/training/sessions/{session.pk}/").status_code == 404
    client.force_login(inspector)  # reads everything in reach, registers nothing
    page = client.get("/backoffice/training/").content.decode()
    assert "LZ-01" in page and 'id="upload"' not in page
    assert client.post("/backoffice/training/courses/new", {"code": "K2"}).status_code == 403
    client.force_login(make_user("auditor_gs", "auditor", "62"))
    assert client.get("/backoffice/training/handbook").status_code == 403
