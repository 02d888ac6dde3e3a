"""The redaction rules form in Chromium: a live preview while the rules are edited, then a
proposal that waits for a second member of the provincial credit office."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import CREDIT_OFFICE, Server, log_in

pytestmark = pytest.mark.browser


def test_the_preview_follows_the_form_and_a_proposal_waits_for_approval(
    page: Page, server: Server
) -> None:
    """GIVEN the provincial credit office on the rules page
    WHEN it unticks mobile numbers, ticks bank cards and addresses, and proposes the change
    THEN the preview (no button pressed) shows the mobile number in full and the bank card and
    the street address masked, the ID number masked throughout; the proposal is shown as pending
    with its diff and no approve button for its proposer, who withdraws it again (the shared
    server's rules stay as found)."""
    server.ensure_user(CREDIT_OFFICE)
    log_in(page, server, CREDIT_OFFICE)
    page.goto(server.url("/backoffice/redaction/"))
    preview = page.locator("#redaction-preview")
    expect(preview).to_contain_text("手机138****5678")
    expect(page.locator("#advanced")).not_to_have_attribute("open", "")

    page.get_by_label("手机号码", exact=True).uncheck()
    expect(preview).to_contain_text("手机13812345678")
    page.get_by_label("银行卡号", exact=True).check()
    page.get_by_label("详细地址（县级以下部分）", exact=True).check()
    expect(preview).to_contain_text("银行卡6222 0")
    expect(preview).not_to_contain_text("0212 3456")
    expect(preview).to_contain_text("住址甘肃省兰州市城关区*")
    expect(preview).to_contain_text("身份证号码620102********1234")

    page.get_by_label("变更说明（为什么修改）").fill("遮蔽银行卡号和详细地址")
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".messages")).to_contain_text("须由省信用办另一名工作人员审核")
    pending = page.locator("#pending-change")
    expect(pending).to_contain_text("银行卡号")
    expect(pending).to_contain_text("未启用")
    expect(pending.get_by_role("button", name="审核通过并生效")).to_have_count(0)
    pending.get_by_label("撤回理由").fill("测试完毕")
    pending.get_by_role("button", name="撤回").click()
    expect(page.locator(".messages")).to_contain_text("变更已驳回")
    expect(page.locator("#redaction-history")).to_contain_text("测试完毕")
