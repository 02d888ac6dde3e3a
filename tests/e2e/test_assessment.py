"""The annual assessment in Chromium: the provincial credit office runs it and opens a unit's
explanation; another member of the office approves (four eyes) and publishes; the public portal
then shows the Gansu map coloured by grade and the table of units."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import CREDIT_OFFICE, UI_TIMEOUT_MS, Account, Server, confirm, log_in

pytestmark = pytest.mark.browser

YEAR = 2025
SECOND_OFFICE = Account("office_gs_check", "credit_office", "62")  # the second pair of eyes

# The canvas colours of the grades (assessment/views_public.GRADE_COLOURS).
GRADE_RGB = {
    "优秀": (0x15, 0x80, 0x3D),
    "良好": (0x03, 0x69, 0xA1),
    "一般": (0xD9, 0x77, 0x06),
    "较差": (0xB9, 0x1C, 0x1C),
}
FOUND_COLOURS = """([el, wanted]) => {
  const canvas = el.querySelector("canvas");
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  const found = new Set();
  for (let i = 0; i < data.length; i += 16) {
    for (const [name, rgb] of Object.entries(wanted)) {
      if (Math.abs(data[i] - rgb[0]) < 6 && Math.abs(data[i + 1] - rgb[1]) < 6
          && Math.abs(data[i + 2] - rgb[2]) < 6) { found.add(name); }
    }
  }
  return [...found];
}"""


def test_run_explain_approve_publish_then_the_portal_map(
    page: Page, browser: Browser, server: Server
) -> None:
    server.ensure_user(CREDIT_OFFICE)
    server.ensure_user(SECOND_OFFICE)
    log_in(page, server, CREDIT_OFFICE)
    page.goto(server.url(f"/backoffice/assessment/?year={YEAR}"))
    page.locator("#assessment-run").get_by_role("button", name="运行考评").click()
    confirm(page)
    expect(page.locator(".messages")).to_contain_text(f"{YEAR}年度考评第")
    expect(page.locator("#run-state")).to_have_text("待审核")
    expect(page.locator("#not-own")).to_be_visible()  # nobody approves their own run
    expect(page.get_by_role("button", name="审核通过")).to_have_count(0)
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(15)
    rows.first.get_by_role("link").click()
    expect(page.locator("#summary")).to_contain_text("总分")
    expect(page.locator("#indicator-D1\\.1")).to_be_visible()

    checker = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    checker.set_default_timeout(UI_TIMEOUT_MS)
    second = checker.new_page()
    try:
        log_in(second, server, SECOND_OFFICE)
        second.goto(server.url(f"/backoffice/assessment/?year={YEAR}"))
        second.get_by_role("button", name="审核通过").click()
        confirm(second)
        expect(second.locator("#run-state")).to_have_text("已审核待公布")
        second.get_by_role("button", name="公布结果").click()
        confirm(second)
        expect(second.locator(".messages")).to_contain_text("考评结果已公布")
        expect(second.locator("#run-state")).to_have_text("已公布")
    finally:
        checker.close()

    public = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    public.set_default_timeout(UI_TIMEOUT_MS)
    portal = public.new_page()
    try:
        portal.goto(server.url(f"/gs/assessment/{YEAR}/"))
        chart = portal.locator("#grade-map")
        expect(chart).to_have_attribute("data-rendered", "1")
        expect(chart).to_have_attribute("data-coloured", "14")
        found = portal.evaluate(FOUND_COLOURS, [chart.element_handle(), GRADE_RGB])
        assert found, "the map shows no grade colour"
        expect(portal.locator("#grade-legend li")).to_have_count(4)
        table = portal.locator("#results tbody tr")
        expect(table).to_have_count(15)
        expect(portal.locator("#results")).to_contain_text("兰州市")
        table.first.get_by_role("link").click()
        expect(portal.locator("#summary")).to_contain_text("总分")
        expect(portal.locator("#trend-table tbody tr")).not_to_have_count(0)
    finally:
        public.close()
