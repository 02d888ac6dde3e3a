"""Third-party evaluation in Chromium: the provincial credit office registers an evaluator and
its commission, uploads a score sheet with an unknown unit (refused: the rows are listed and the
error report downloads, nothing imported), then the corrected sheet (imported, its SHA-256
shown)."""

from __future__ import annotations

import hashlib
import io
import secrets
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

from govtrust.core.identifiers import compose_uscc
from govtrust.core.sheets import workbook, write_cells
from tests.e2e.conftest import CREDIT_OFFICE, Server, log_in

pytestmark = pytest.mark.browser


def _xlsx(rows: list[list[object]]) -> bytes:
    buffer = io.BytesIO()
    book = workbook(buffer, in_memory=True)
    sheet = book.add_worksheet()
    write_cells(sheet, 0, 0, ["被评估单位", "评估指标", "得分", "备注"])
    for number, row in enumerate(rows, start=1):
        write_cells(sheet, number, 0, row)
    book.close()
    return buffer.getvalue()


def test_register_upload_refused_then_accepted(page: Page, server: Server, tmp_path: Path) -> None:
    server.ensure_user(CREDIT_OFFICE)
    log_in(page, server, CREDIT_OFFICE)
    page.locator("header nav").get_by_role("link", name="第三方评估", exact=True).click()
    # A fresh evaluator and scope on every run: the server is shared and kept across modules.
    tag = secrets.token_hex(3)
    name = f"甘肃公信评估中心{tag}"
    form = page.locator("#evaluator")
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=uscc]").fill(compose_uscc("91", "620100", f"MA{tag.upper()}"[:8]))
    form.get_by_role("button", name="登记评估机构").click()
    expect(page.locator(".messages")).to_contain_text(f"已登记评估机构：{name}")

    form = page.locator("#commission")
    form.locator("select[name=evaluator_id]").select_option(label=name)
    form.locator("input[name=year]").fill("2025")
    form.locator("input[name=scope]").fill(f"各市州政府政务诚信建设情况（{tag}）")
    form.locator("textarea[name=indicators]").fill("信用信息归集,0,20\n失信整改,0,30")
    form.locator("textarea[name=units]").fill("6201\n6205")
    form.get_by_role("button", name="登记评估委托").click()
    expect(page.locator(".messages")).to_contain_text("已登记评估委托")

    good = [
        ["兰州市人民政府", "信用信息归集", 18, ""],
        ["兰州市人民政府", "失信整改", 27.5, ""],
        ["天水市人民政府", "信用信息归集", 15, ""],
        ["天水市人民政府", "失信整改", 30, ""],
    ]
    bad_file = tmp_path / "评估结果（有误）.xlsx"
    bad_file.write_bytes(_xlsx([*good, ["酒泉市人民政府", "失信整改", 31, ""]]))
    page.locator("#upload input[name=file]").set_input_files(str(bad_file))
    page.locator("#upload").get_by_role("button", name="上传").click()
    refusal = page.locator("#refusal")
    expect(refusal).to_contain_text("未导入任何数据")
    expect(refusal).to_contain_text("第6行")
    expect(refusal).to_contain_text("“酒泉市人民政府”不在本次委托的单位中")
    expect(page.locator("#scores")).to_contain_text("尚未导入评估结果")
    with page.expect_download() as download:
        page.locator("#refusal-report").click()
    report = CalamineWorkbook.from_path(str(download.value.path())).get_sheet_by_index(0)
    lines = report.to_python()
    assert lines[1][0] == 6 and "不在本次委托的单位中" in str(lines[1][-1])

    good_file = tmp_path / "评估结果.xlsx"
    good_file.write_bytes(_xlsx(good))
    page.locator("#upload input[name=file]").set_input_files(str(good_file))
    page.locator("#upload").get_by_role("button", name="上传").click()
    expect(page.locator(".messages")).to_contain_text("已导入第1版评估结果：4个得分")
    expect(page.locator("#refusal")).to_have_count(0)
    expect(page.locator("#sha256")).to_have_text(hashlib.sha256(good_file.read_bytes()).hexdigest())
    expect(page.locator("#scores tr", has_text="兰州市人民政府")).to_contain_text("27.5")
    page.screenshot(path=str(tmp_path / "evaluation.png"), full_page=True)
