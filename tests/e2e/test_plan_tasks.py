"""督办 in Chromium: 兰州市 reports its progress on one of the plan's tasks with an attachment,
the provincial credit office sees it in the matrix and verifies it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import CREDIT_OFFICE, REVIEWER, Server, confirm, log_in

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_unit_reports_and_the_province_verifies_in_the_matrix(
    page: Page, server: Server, tmp_path: Path
) -> None:
    """GIVEN the plan's tasks loaded at set-up WHEN 兰州市's reviewer reports on 三（二）3 with a
    PDF THEN the provincial credit office finds it waiting in the matrix, verifies it, and the
    matrix shows it verified."""
    server.ensure_user(REVIEWER)
    server.ensure_user(CREDIT_OFFICE)
    log_in(page, server, REVIEWER)
    page.locator("header nav").get_by_role("link", name="督办任务", exact=True).click()
    mine = page.locator("#mine")
    row = mine.locator("tr", has_text="归集政务失信记录并依法依规公示")
    expect(row).to_contain_text("逾期")
    row.get_by_role("link", name="归集政务失信记录并依法依规公示").click()
    form = page.locator("form[id^=report-]")
    form.locator("input[name=percent]").fill("100")
    form.locator("textarea[name=text]").fill(
        "已按期推送2025年度政务失信记录，并在信用甘肃网站公示。"
    )
    attachment = tmp_path / "归集情况.pdf"
    attachment.write_bytes(PDF)
    form.locator("input[name=files]").set_input_files(str(attachment))
    form.get_by_role("button", name="提交进展报告").click()
    expect(page.locator(".messages")).to_contain_text("等待省信用办核实")
    expect(page.locator("table.reports").first).to_contain_text("归集情况.pdf")

    page.context.clear_cookies()
    log_in(page, server, CREDIT_OFFICE)
    page.goto(server.url("/backoffice/plan-tasks/?year=2025"))
    lanzhou = page.locator("#matrix tr", has_text="兰州市人民政府")
    expect(lanzhou.locator("[data-state=submitted]")).to_have_count(1)
    page.get_by_role("link", name="三（二）3").click()
    unit = page.locator("section.unit", has_text="兰州市人民政府")
    unit.get_by_role("button", name="核实").click()
    confirm(page)
    expect(page.locator("section.unit", has_text="兰州市人民政府")).to_contain_text("已核实")
    page.goto(server.url("/backoffice/plan-tasks/?year=2025"))
    expect(lanzhou.locator("[data-state=verified]")).to_have_count(1)
