"""规则与参考数据导入 in Chromium: the system administrator goes from 系统管理 to the imports,
uploads a GB18030 division update and a two-year holiday schedule, reads each preview, and
applies it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Account, Server, log_in

pytestmark = pytest.mark.browser

SYSADMIN = Account("sysadmin_ref", "sysadmin", "62")
DIVISIONS = (
    "code,name,parent_code,level\r\n"
    "620198,兰州试验区,6201,县市区\r\n"
    "620198001,试验街道,620198,乡镇街道\r\n"
)
HOLIDAYS = (
    "date,kind,source,note\n"
    "2031-01-01,休,国办发明电〔2030〕1号,元旦\n"
    "2032-01-01,休,国办发明电〔2031〕1号,元旦\n"
)


def test_the_sysadmin_imports_divisions_and_holidays(page: Page, server: Server) -> None:
    server.ensure_user(SYSADMIN)
    log_in(page, server, SYSADMIN)
    page.goto(server.url("/accounts/system/"))
    page.get_by_role("link", name="规则与参考数据导入").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("规则与参考数据导入")

    divisions = page.locator("#divisions")
    divisions.locator("input[type=file]").set_input_files(
        {"name": "区划.csv", "mimeType": "text/csv", "buffer": DIVISIONS.encode("gb18030")}
    )
    divisions.get_by_role("button", name="预览").click()
    expect(page.locator("[data-division-counts]")).to_contain_text("新增 2 个，更名 0 个")
    expect(page.locator("[data-created='620198001']")).to_contain_text("试验街道")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("body")).to_contain_text("已导入行政区划：新增2个，更名0个。")

    holidays = page.locator("#holidays")
    holidays.locator("input[type=file]").set_input_files(
        {"name": "holidays.csv", "mimeType": "text/csv", "buffer": HOLIDAYS.encode()}
    )
    holidays.get_by_role("button", name="预览").click()
    expect(page.locator("[data-year='2032']")).to_contain_text("国办发明电〔2031〕1号")
    page.screenshot(path=str(server.log.parent / "reference-imports.png"), full_page=True)
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("body")).to_contain_text("已导入2031年、2032年节假日安排")

    stored = server.python(
        "from govtrust.core.models import CalendarYear\n"
        "from govtrust.directory.models import Government\n"
        "print(Government.objects.get(division_id='620198001').name,"
        " sorted(CalendarYear.objects.filter(year__gte=2031).values_list('year', flat=True)))\n"
    )
    assert stored.strip() == "试验街道办事处 [2031, 2032]"
