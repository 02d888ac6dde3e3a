"""Back-office lists' layout in Chromium. At phone width (390 px) the page never scrolls
sideways, a list's date range wraps under itself, a wide table scrolls inside itself instead of
squeezing its columns to one character, and the account line wraps between its items (修改密码
and 退出 stay whole words). At 1280 px the unit picker's cascade stays inside its filter."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import Account, Server, log_in

pytestmark = pytest.mark.browser

# 金昌市's clerk: a unit no other browser test uses.
PHONE_CLERK = Account("clerk_jc_phone", "clerk", "6203")
RECORDS = 3

# Idempotent (the server is shared across modules): tops the clerk's drafts up to RECORDS.
SEED = """
import sys
from govtrust.core.identifiers import compose_uscc
from govtrust.directory.models import User
from govtrust.records.models import Record
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_create

clerk = User.objects.get(username=sys.argv[1])
for n in range(Record.objects.filter(created_by=clerk).count(), int(sys.argv[2])):
    record_create(data=RecordIn.model_validate({
        "subject_kind": "government", "subject_name": f"金昌市某某镇人民政府{n}",
        "subject_identifier": compose_uscc("11", "620300", f"JCP{n:05d}"),
        "source_type": "penalty", "domain": "procurement", "severity": "general",
        "decision_number": f"金财罚〔2025〕{n + 1}号", "decision_date": "2025-09-26",
        "arose_on": "2025-09-26", "authority_name": "金昌市财政局",
        "facts": "未按合同约定期限支付中小企业货款。",
        "basis": "《保障中小企业款项支付条例》第八条", "outcome": "责令限期支付",
    }), actor=clerk)
"""

PAGES = ["/records/", "/records/imports/", "/records/reminders/", "/backoffice/cases/"]


def _signed_in(browser: Browser, server: Server, width: int) -> Iterator[Page]:
    server.ensure_user(PHONE_CLERK)
    server.python(SEED, PHONE_CLERK.username, str(RECORDS))
    height = 844 if width < 600 else 900
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
    page = context.new_page()
    log_in(page, server, PHONE_CLERK)
    yield page
    context.close()


@pytest.fixture
def phone(browser: Browser, server: Server) -> Iterator[Page]:
    yield from _signed_in(browser, server, 390)


@pytest.fixture
def desktop(browser: Browser, server: Server) -> Iterator[Page]:
    yield from _signed_in(browser, server, 1280)


def _sideways(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def test_lists_fit_a_phone_and_their_tables_scroll_inside(phone: Page, server: Server) -> None:
    """GIVEN a clerk with records, on a 390 px wide phone
    WHEN they open the record list, imports, reminders and the case queue
    THEN no page scrolls sideways; on the record list the date range's two fields sit one
    under the other, each column of the table is wider than a few characters, the table
    scrolls inside itself, and the account line's 修改密码 and 退出 are each on one line."""
    for path in PAGES:
        phone.goto(server.url(path))
        assert _sideways(phone) <= 0, path
    phone.goto(server.url("/records/"))
    since = phone.locator("#id_since").bounding_box()
    until = phone.locator("#id_until").bounding_box()
    assert since and until and until["y"] > since["y"] + since["height"] / 2
    table = phone.locator("table.list").first
    widths = (
        table.locator("tbody tr")
        .first.locator("td")
        .evaluate_all("cells => cells.map(c => c.getBoundingClientRect().width)")
    )
    assert len(widths) >= 5 and min(widths) >= 60, widths
    assert table.evaluate("t => t.scrollWidth > t.clientWidth && getComputedStyle(t).overflowX")
    for name in ("修改密码", "退出"):
        box = phone.locator(".who").get_by_text(name, exact=True).bounding_box()
        assert box and box["width"] > box["height"], name


def test_the_unit_cascade_stays_inside_its_filter(desktop: Page, server: Server) -> None:
    """GIVEN 金昌市's clerk, whose record list has a unit filter (its counties)
    WHEN the list is open at 1280 px and the picker has drawn its first level (本单位)
    THEN that level's select ends before the date filter that follows it begins."""
    desktop.goto(server.url("/records/"))
    level = desktop.locator(".unit-cascade select").first
    level.wait_for()
    box = level.bounding_box()
    since = desktop.locator("#id_since").bounding_box()
    label = desktop.locator(".filters .range label").first.bounding_box()
    assert box and since and label
    same_row = abs((box["y"] + box["height"] / 2) - (since["y"] + since["height"] / 2)) < 20
    assert not same_row or box["x"] + box["width"] <= label["x"], (box, label)
