"""A back-office list in Chromium: numbered pages with a jump box on a list of more than 50
rows, and the Excel export of a filtered list, downloaded and compared with what the list
shows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]  # ships no type hints
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Account, Server, log_in

pytestmark = pytest.mark.browser

# 嘉峪关市's clerk: a unit no other browser test uses, so its list holds only these rows.
LIST_CLERK = Account("clerk_jyg_lists", "clerk", "6202")
ROWS = 62  # more than one page of 50
SERIOUS_EVERY = 4  # every fourth record is serious: 16 of them, one page

SEED = """
import json, sys
from govtrust.core.identifiers import compose_uscc
from govtrust.directory.models import User
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_create, record_submit

clerk = User.objects.get(username=sys.argv[1])
numbers = []
for n in range(int(sys.argv[2])):
    data = RecordIn.model_validate({
        "subject_kind": "government", "subject_name": f"=HYPERLINK(\\"x\\") 嘉峪关{n}",
        "subject_identifier": compose_uscc("11", "620200", f"JYG{n:05d}"),
        "source_type": "penalty", "domain": "procurement",
        "severity": "serious" if n % int(sys.argv[3]) == 0 else "general",
        "decision_number": f"嘉财罚〔2025〕{n + 1}号", "decision_date": "2025-09-26",
        "arose_on": "2025-09-26", "authority_name": "嘉峪关市财政局",
        "facts": "未按合同约定期限支付中小企业货款。",
        "basis": "《保障中小企业款项支付条例》第八条",
        "outcome": "责令限期支付",
    })
    record = record_create(data=data, actor=clerk)
    if n % 2:
        record = record_submit(record=record, actor=clerk)
    numbers.append(record.number)
print(json.dumps(numbers))
"""


def _numbers(page: Page) -> list[str]:
    links = page.locator("table.list tbody tr td:first-child a")
    return [text.strip() for text in links.all_inner_texts()]


def test_a_long_list_pages_by_number_and_jump_and_exports_what_is_filtered(
    page: Page, server: Server, tmp_path: Path
) -> None:
    """GIVEN 62 records of 嘉峪关市's clerk, a quarter of them serious, with formula-like names
    WHEN the clerk opens the record list, jumps to page 2, then filters the serious ones and
    exports them to Excel
    THEN the list states 62 rows on 2 pages, the jump lands on page 2 with the last 12, and the
    downloaded workbook holds exactly the filtered rows in the list's order, names as text."""
    server.ensure_user(LIST_CLERK)
    out = server.python(SEED, LIST_CLERK.username, str(ROWS), str(SERIOUS_EVERY))
    seeded = json.loads(out.strip().splitlines()[-1])
    assert len(seeded) == ROWS

    log_in(page, server, LIST_CLERK)
    page.locator("header nav").get_by_role("link", name="失信记录").click()
    pager = page.locator("nav.pager")
    expect(pager.locator(".count")).to_have_text(f"共 {ROWS} 条 · 第 1/2 页")
    first = _numbers(page)
    assert len(first) == 50
    pager.get_by_label("跳至第").fill("2")
    pager.get_by_role("button", name="跳转").click()
    expect(page).to_have_url(re.compile(r"[?&]page=2"))
    expect(pager.locator(".current")).to_have_text("2")
    second = _numbers(page)
    assert len(second) == ROWS - 50 and not set(first) & set(second)
    assert set(first) | set(second) == set(seeded)
    pager.get_by_role("link", name="1", exact=True).click()
    expect(pager.locator(".current")).to_have_text("1")

    filters = page.locator("#list-filters")
    filters.get_by_label("严重程度").select_option(label="严重")
    filters.get_by_role("button", name="筛选").click()
    serious = (ROWS + SERIOUS_EVERY - 1) // SERIOUS_EVERY
    expect(page.locator("nav.pager .count")).to_have_text(f"共 {serious} 条")
    shown = _numbers(page)
    assert len(shown) == serious

    with page.expect_download() as info:
        page.get_by_role("link", name="导出Excel（按当前筛选）").click()
    download = info.value
    assert re.fullmatch(r"失信记录-\d{8}-\d{4}\.xlsx", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    book = openpyxl.load_workbook(saved)
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "记录编号" and rows[0][5] == "严重程度"
    assert [row[0] for row in rows[1:]] == shown
    assert {row[5] for row in rows[1:]} == {"严重"}
    name = sheet.cell(row=2, column=2)
    assert str(name.value).startswith("=HYPERLINK") and name.data_type == "s"
