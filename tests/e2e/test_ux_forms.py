"""Usability of the public forms in Chromium: the unit picker (cascade and pinyin initials), the
anonymous report hiding contact fields, the filer's step bar, the redaction form's kept
characters in the live preview, and no public page scrolling sideways at 390 or 1280 px."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import CREDIT_OFFICE, UI_TIMEOUT_MS, Server, log_in
from tests.e2e.test_remedies import published_number  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# Pages a member of the public reaches from the menu, besides those found by following links.
START = ["/", "/gs/report/", "/gs/track/", "/gs/verify/", "/gs/notices/", "/gs/log/"]
# A verify page with an unbroken 64-character hash: the widest thing the portal prints.
LONG = "/gs/verify/" + "A" * 16 + "/"


def _choose(page: Page, level: int, value: str) -> None:
    select = page.locator(f".unit-cascade select[data-level='{level}']")
    expect(select.locator(f"option[value='{value}']")).to_have_count(1)
    select.select_option(value)


def test_picker_cascades_and_finds_by_initials_then_the_report_is_tracked(
    page: Page, server: Server
) -> None:
    """GIVEN the public report form
    WHEN a person picks 兰州市 → 榆中县 → 城关镇, then instead searches "cgz" and picks the
    城关镇 of 榆中县 from twenty, ticks 匿名举报 and files the report
    THEN the choice reads 城关镇人民政府（榆中县）, the contact fields disappear, and the
    tracking page shows the step bar 受理 → 核查 → 办结 with 受理 current and a working-day
    countdown."""
    page.goto(server.url("/gs/report/"))
    expect(page.locator("select[name=unit]")).to_be_hidden()  # the script took over
    _choose(page, 0, "6201")
    _choose(page, 1, "620123")
    _choose(page, 2, "620123100")
    expect(page.locator(".unit-chosen")).to_have_text("已选择：城关镇人民政府（榆中县）")
    _choose(page, 0, "6205")  # start again elsewhere: the lower levels go
    expect(page.locator(".unit-cascade select")).to_have_count(2)

    page.fill("input[name=unit_q]", "cgz")
    results = page.locator(".unit-results li[data-value]")
    expect(results.first).to_be_visible()
    assert results.count() >= 10
    results.filter(has_text="城关镇人民政府（榆中县）").click()
    expect(page.locator(".unit-chosen")).to_have_text("已选择：城关镇人民政府（榆中县）")
    expect(page.locator(".unit-cascade select[data-level='2']")).to_have_value("620123100")
    expect(page.locator(".unit-cascade select[data-level='1']")).to_have_value("620123")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "unit-picker.png"), full_page=True)
    page.click("#pick-next")

    form = page.locator("#report-form")
    expect(form.locator("#department option:checked")).to_have_text("城关镇人民政府（政府本身）")
    expect(page.locator("#contact")).to_be_visible()
    page.check("#anonymous")
    expect(page.locator("#contact")).to_be_hidden()
    expect(page.locator("#anonymous-note")).to_be_visible()
    page.fill("textarea[name=content]", "镇政府承诺的土地流转补偿款两年未兑现，多次反映无果。")
    page.click("#submit")
    number = page.locator("#case-number").inner_text().strip()
    code = page.locator("#query-code").inner_text().strip()

    page.goto(server.url("/gs/track/"))
    page.fill("input[name=number]", number)
    page.fill("input[name=code]", code)
    page.click("#track-submit")
    steps = page.locator("#stepbar li")
    expect(steps).to_have_count(3)
    expect(steps.nth(0)).to_have_attribute("data-state", "current")
    expect(steps.nth(0)).to_contain_text("受理")
    assert re.search(r"还剩\d+个工作日|今日到期", steps.nth(0).inner_text())
    expect(steps.nth(1)).to_have_attribute("data-state", "todo")
    expect(steps.nth(2)).to_contain_text("办结")
    expect(page.locator("#clock-source")).to_contain_text("本地政策")
    page.set_viewport_size({"width": 390, "height": 800})
    page.screenshot(path=str(SHOTS / "case-stepbar-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_redaction_kept_characters_change_the_live_preview(page: Page, server: Server) -> None:
    """GIVEN the provincial credit office on the redaction form
    WHEN it sets the characters kept of mobile numbers to 0 in front and 4 behind
    THEN the preview masks the first seven digits, nothing being saved."""
    server.ensure_user(CREDIT_OFFICE)
    log_in(page, server, CREDIT_OFFICE)
    page.goto(server.url("/backoffice/redaction/"))
    preview = page.locator("#redaction-preview")
    expect(preview).to_contain_text("手机138****5678")
    page.get_by_label("手机号码保留前几位").fill("0")
    expect(preview).to_contain_text("手机*******5678")
    page.get_by_label("手机号码保留前几位").fill("x")
    expect(preview).to_contain_text("无法预览")
    page.screenshot(path=str(SHOTS / "redaction-form.png"), full_page=True)
    page.goto(server.url("/backoffice/redaction/"))
    expect(preview).to_contain_text("手机138****5678")  # nothing was saved


@pytest.mark.parametrize("width", [390, 1280])
def test_no_public_page_scrolls_sideways(
    browser: Browser,
    server: Server,
    published_number: str,  # noqa: F811 (a fixture)
    width: int,
) -> None:
    """Every public page reached from the menu and its links (one of each kind), at phone and
    desktop width: the document is never wider than the window; the header stays short."""
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 800})
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    queue = [*START, f"/gs/records/{published_number}/", LONG]
    seen: set[str] = set()
    wide: list[str] = []
    try:
        while queue and len(seen) < 40:
            path = queue.pop(0)
            kind = re.sub(r"[0-9A-Z-]{6,}", "N", path.split("?")[0])
            if kind in seen or (not path.startswith(("/gs/", "/?")) and path != "/"):
                continue
            if re.search(r"\.(pdf|csv|atom|xlsx)", path):
                continue
            seen.add(kind)
            page.goto(server.url(path))
            scroll, inner, header = page.evaluate(
                "[document.documentElement.scrollWidth, innerWidth,"
                " document.querySelector('header').offsetHeight]"
            )
            if scroll > inner or (width == 390 and header > 100):
                wide.append(f"{path}: {scroll} > {inner}, header {header}px")
            queue += page.eval_on_selector_all(
                "main a[href], header a[href]", "links => links.map(a => a.getAttribute('href'))"
            )
    finally:
        context.close()
    assert {"/gs/report/", "/gs/records/N/", "/gs/verify/N/"} <= seen
    assert not wide, wide
