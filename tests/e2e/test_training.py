"""Integrity training in Chromium: 兰州市 registers a course and a session, sends an attendance
list (a bad one first: nothing written, the reasons shown), reads the coverage of 城关区审计局
and exports it, and opens the civil servants' integrity handbook."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from govtrust.core.identifiers import compose_ric, compose_uscc
from govtrust.core.sheets import workbook, write_cells
from tests.e2e.conftest import REVIEWER, Server, log_in

pytestmark = pytest.mark.browser

PEOPLE = [
    ("周文博", compose_ric("62010219850301015")),
    ("吴雪梅", compose_ric("62010219900712026")),
    ("郭国栋", compose_ric("62010219781125037")),
]
SEED = """
import sys
from govtrust.directory.models import CivilServant, Department, Government
from govtrust.directory.services import civil_servant_create, department_create
government = Government.objects.get(division_id="620102")
bureau = Department.objects.filter(government=government, name="城关区审计局").first()
if bureau is None:
    bureau = department_create(government=government, name="城关区审计局", uscc=sys.argv[1])
for name, ric in zip(sys.argv[2::2], sys.argv[3::2]):
    if not CivilServant.objects.filter(department=bureau, name=name).exists():
        civil_servant_create(department=bureau, name=name, ric=ric)
"""


def _seed(server: Server) -> None:
    """Three civil servants of 城关区审计局 on the roll (idempotent: the server is shared)."""
    args = [compose_uscc("11", "620102", "MB000015")]
    for name, ric in PEOPLE:
        args += [name, ric]
    server.python(SEED, *args)


def _attendance(path: Path, session: str, rows: list[list[object]]) -> Path:
    book = workbook(str(path))
    sheet = book.add_worksheet("参训名单")
    write_cells(sheet, 0, 0, ["场次编号", "姓名", "身份证号码", "出勤情况", "考试成绩"])
    for number, row in enumerate(rows, start=1):
        write_cells(sheet, number, 0, [session, *row])
    book.close()
    return path


def test_course_session_attendance_coverage_and_handbook(
    page: Page, server: Server, tmp_path: Path
) -> None:
    server.ensure_user(REVIEWER)
    _seed(server)
    log_in(page, server, REVIEWER)
    page.locator("header nav").get_by_role("link", name="诚信教育", exact=True).click()

    course = page.locator("#course-form")
    course.locator("input[name=code]").fill("E2E-ZWCX")
    course.locator("input[name=title]").fill("政务诚信与守信践诺（E2E）")
    course.get_by_role("button", name="登记课程").click()
    expect(page.locator(".messages")).to_contain_text("已登记课程")

    held = datetime.date.today() - datetime.timedelta(days=3)
    form = page.locator("#session-form")
    form.locator("select[name=course_id]").select_option(
        label="E2E-ZWCX 政务诚信与守信践诺（E2E）（兰州市人民政府）"
    )
    form.locator("input[name=code]").fill("E2E-LZ-01")
    form.locator("select[name=mode]").select_option("in_person")
    form.locator("input[name=held_on]").fill(held.isoformat())
    form.locator("input[name=hours]").fill("3")
    form.locator("input[name=place]").fill("兰州市委党校")
    form.get_by_role("button", name="登记场次").click()
    expect(page.locator("#facts")).to_contain_text("兰州市人民政府")

    (zhou, zhou_ric), (wu, wu_ric), (guo, guo_ric) = PEOPLE
    page.get_by_role("link", name="← 返回诚信教育").click()
    bad = _attendance(
        tmp_path / "有误名单.xlsx",
        "E2E-LZ-01",
        [[zhou, zhou_ric, "参加", 95], [wu, wu_ric, "参加", 120], [zhou, zhou_ric, "参加", 95]],
    )
    page.locator("#upload input[name=file]").set_input_files(bad)
    page.locator("#upload").get_by_role("button", name="导入").click()
    expect(page.locator("#state")).to_have_text("未导入（有错误）")
    expect(page.locator("#errors")).to_contain_text("超出范围")
    expect(page.locator("#errors")).to_contain_text("与第2行重复")
    with page.expect_download() as report:
        page.locator("#report").click()
    assert report.value.suggested_filename == "错误报告-有误名单.xlsx"

    page.get_by_role("link", name="← 返回诚信教育").click()
    good = _attendance(
        tmp_path / "参训名单.xlsx",
        "E2E-LZ-01",
        [[zhou, zhou_ric, "参加", 95], [wu, wu_ric, "参加", 58.5], [guo, guo_ric, "缺席", ""]],
    )
    page.locator("#upload input[name=file]").set_input_files(good)
    page.locator("#upload").get_by_role("button", name="导入").click()
    expect(page.locator("#state")).to_have_text("已导入")
    expect(page.locator("#created")).to_have_text("3")

    page.get_by_role("link", name="← 返回诚信教育").click()
    page.get_by_role("link", name="E2E-LZ-01").click()
    expect(page.locator("#attendance")).to_contain_text("620102********")
    expect(page.locator("#attendance")).not_to_contain_text(zhou_ric)

    page.get_by_role("link", name="← 返回诚信教育").click()
    page.locator("#to-coverage").click()
    page.locator("#year-form select[name=year]").select_option(str(held.year))
    page.locator("#year-form").get_by_role("button", name="查看").click()
    row = page.locator("#coverage tr", has_text="城关区审计局")
    expect(row).to_contain_text("67%")  # two of the three on the roll attended
    with page.expect_download() as exported:
        page.locator("#export").click()
    assert exported.value.suggested_filename == f"诚信教育覆盖率-{held.year}.xlsx"

    page.get_by_role("link", name="← 返回诚信教育").click()
    page.locator("#to-handbook").click()
    expect(page.locator("h1")).to_have_text("公务员诚信手册")
    expect(page.locator("main")).to_contain_text("第十二条")
    expect(page.locator("main")).to_contain_text("待核实")
