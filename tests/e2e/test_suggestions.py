"""A deputy's suggestion in Chromium: the provincial credit office registers it for 兰州市,
兰州市 replies, the office records the deputy's view and the figures show it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import CREDIT_OFFICE, REVIEWER, Server, confirm, log_in

pytestmark = pytest.mark.browser


def test_register_reply_and_figures(page: Page, server: Server) -> None:
    server.ensure_user(REVIEWER)
    server.ensure_user(CREDIT_OFFICE)
    log_in(page, server, CREDIT_OFFICE)
    page.locator("header nav").get_by_role("link", name="建议提案", exact=True).click()
    form = page.locator("#register")
    form.locator("select[name=kind]").select_option("deputy")
    form.locator("input[name=session]").fill("甘肃省第十四届人大四次会议")
    form.locator("input[name=number]").fill("0318")
    form.locator("input[name=title]").fill("关于加强政务诚信建设的建议")
    form.locator("input[name=proposer]").fill("王芳等3名代表")
    form.locator("input[name=government_code]").fill("6201")
    form.locator("input[name=assigned_on]").fill("2025-11-30")
    form.get_by_role("button", name="登记").click()
    expect(page.locator(".messages")).to_contain_text("答复期限为2026年02月28日")

    page.context.clear_cookies()
    log_in(page, server, REVIEWER)
    page.locator("header nav").get_by_role("link", name="建议提案", exact=True).click()
    page.get_by_role("link", name="关于加强政务诚信建设的建议").click()
    reply = page.locator("#reply")
    reply.locator("select[name=result]").select_option("A")
    reply.locator("textarea[name=reply]").fill("已建立政务失信记录归集和公示机制，并纳入年度考核。")
    reply.get_by_role("button", name="提交答复").click()
    confirm(page)
    expect(page.locator("#state")).to_have_text("已答复")

    page.context.clear_cookies()
    log_in(page, server, CREDIT_OFFICE)
    page.goto(server.url("/backoffice/suggestions/"))
    page.get_by_role("link", name="关于加强政务诚信建设的建议").click()
    page.locator("#feedback select[name=satisfaction]").select_option("basic")
    page.locator("#feedback").get_by_role("button", name="登记意见").click()
    expect(page.locator("#state")).to_have_text("已办结")
    page.goto(server.url("/backoffice/suggestions/"))
    row = page.locator("#suggestion-figures tr", has_text="兰州市人民政府")
    expect(row).to_contain_text("100%")
