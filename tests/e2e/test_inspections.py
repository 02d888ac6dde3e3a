"""An inspection in Chromium: the provincial credit office plans one of 兰州市 with two
inspectors; one records a finding with evidence, the other confirms it; 兰州市 answers; the
second inspector verifies and closes it; the report downloads as a PDF."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import CREDIT_OFFICE, REVIEWER, Account, Server, confirm, log_in

pytestmark = pytest.mark.browser

INSPECTOR_A = Account("inspector_gs_a", "inspector", "62")
INSPECTOR_B = Account("inspector_gs_b", "inspector", "62")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _as(page: Page, server: Server, account: Account) -> None:
    page.context.clear_cookies()
    log_in(page, server, account)


def test_plan_finding_answer_close_and_report(page: Page, server: Server, tmp_path: Path) -> None:
    for account in (REVIEWER, CREDIT_OFFICE, INSPECTOR_A, INSPECTOR_B):
        server.ensure_user(account)
    title = f"政务诚信专项督导{int(time.time())}"  # the shared server may hold earlier rounds
    log_in(page, server, CREDIT_OFFICE)
    page.locator("header nav").get_by_role("link", name="专项督导", exact=True).click()
    form = page.locator("#plan")
    form.locator("input[name=title]").fill(title)
    form.locator("input[name=period_start]").fill("2026-10-01")
    form.locator("input[name=period_end]").fill("2026-12-31")
    form.get_by_label("兰州市人民政府").check()
    form.get_by_label(f"（{INSPECTOR_A.username}）").check()
    form.get_by_label(f"（{INSPECTOR_B.username}）").check()
    form.get_by_role("button", name="制定计划").click()
    expect(page.locator(".messages")).to_contain_text("已制定专项督导计划")
    expect(page.locator("#checklist")).to_contain_text("方案三（二）2")

    _as(page, server, INSPECTOR_A)
    page.locator("header nav").get_by_role("link", name="专项督导", exact=True).click()
    page.get_by_role("link", name=title).click()
    record = page.locator("#record")
    record.locator("select[name=target_code]").select_option(label="兰州市人民政府")
    record.locator("select[name=item_code]").select_option("records_on_time")
    record.locator("textarea[name=facts]").fill("抽查的12条政务失信记录中有3条逾期报送。")
    record.locator("select[name=severity]").select_option("major")
    record.locator("textarea[name=requirement]").fill("说明逾期原因，补报并建立报送台账。")
    evidence = tmp_path / "检查记录.pdf"
    evidence.write_bytes(PDF)
    record.locator("input[name=files]").set_input_files(str(evidence))
    record.get_by_role("button", name="记录问题").click()
    expect(page.locator(".messages")).to_contain_text("待督导组另一名成员确认")
    expect(page.locator("#state")).to_have_text("待确认")
    expect(page.locator("#confirm")).to_have_count(0)  # four eyes: not the recorder's
    finding_url = page.url

    _as(page, server, INSPECTOR_B)
    page.goto(finding_url)
    page.locator("#confirm").get_by_role("button", name="确认问题").click()
    confirm(page)
    expect(page.locator("#state")).to_have_text("整改中")
    expect(page.locator("#facts")).to_contain_text("20个工作日")

    _as(page, server, REVIEWER)
    page.locator("header nav").get_by_role("link", name="专项督导", exact=True).click()
    page.locator("#answering-link").get_by_role("link", name="本单位待整改的问题").click()
    page.locator("#answering").get_by_role("link", name="抽查的12条").first.click()
    page.locator("#answer textarea[name=answer]").fill("已补报3条记录并建立报送台账。")
    page.locator("#answer").get_by_role("button", name="提交整改情况").click()
    confirm(page)
    expect(page.locator("#state")).to_have_text("待核验")

    _as(page, server, INSPECTOR_B)
    page.goto(finding_url)
    page.locator("#close").get_by_role("button", name="核验销号").click()
    confirm(page)
    expect(page.locator("#state")).to_have_text("已销号")
    page.get_by_role("link", name=f"← 返回{title}").click()
    expect(page.locator("#figures")).to_contain_text("兰州市人民政府")
    with page.expect_download() as info:
        page.locator("#report-pdf").click()
    saved = tmp_path / "report.pdf"
    info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
