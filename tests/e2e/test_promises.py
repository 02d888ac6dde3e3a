"""A firm's broken-promise complaint (发改财金〔2023〕1103号) through the pages, in Chromium:
filed on the portal, verified by the body above, declined by the accused unit citing the change
of government, ending 违约失信 with a draft record that links back to the complaint."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from govtrust.core.identifiers import compose_uscc
from tests.e2e.conftest import CLERK, Account, Server, confirm, log_in
from tests.e2e.test_review_flow import log_out

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "promise-track.png"
# 城关区人民政府's credit office: the body above 城关区财政局 (the accused department).
DISTRICT_OFFICE = Account("office_cg", "credit_office", "620102")
FIRM = "兰州黄河精密机械有限公司"


@pytest.fixture(scope="module")
def government_id(server: Server) -> str:
    server.ensure_user(DISTRICT_OFFICE)
    out = server.python(
        "from govtrust.directory.models import Government\n"
        "print(Government.objects.get(division_id='620102').pk)\n"
    )
    return out.strip().splitlines()[-1]


def test_complaint_is_verified_declined_and_drafted(
    page: Page, server: Server, government_id: str
) -> None:
    """GIVEN 城关区财政局 promised a firm an investment subsidy
    WHEN the firm files a complaint on the portal; 城关区人民政府 verifies it founded; the bureau
    declines to rectify, citing the change of government
    THEN the case is 违约失信, a draft record (失信违约) exists for the district government and
    links back to the complaint, and the firm's tracking page shows every step."""
    page.goto(server.url(f"/gs/promise/?government_id={government_id}"))
    page.select_option("#department", label=CLERK.department)
    page.fill("input[name=firm_name]", FIRM)
    page.fill("input[name=firm_uscc]", "91620102MA7K2Q3R0X")  # a typo: refused, nothing kept
    page.select_option("#category", "investment")
    page.select_option("#promise-kind", "policy")
    page.fill("textarea[name=content]", "2022年招商引资协议承诺的设备补贴80万元至今未兑现。")
    page.fill("input[name=contact_name]", "周平")
    page.fill("input[name=contact_phone]", "13909310001")
    page.click("#submit")
    expect(page.locator("#firm-uscc-error")).to_be_visible()
    page.fill("input[name=firm_uscc]", compose_uscc("91", "620102", "MA7HHJX9"))
    page.click("#submit")
    number = page.locator("#case-number").inner_text().strip()
    code = page.locator("#query-code").inner_text().strip()
    assert number.startswith("WY") and len(code) == 8

    log_in(page, server, CLERK)  # the accused sees its complaint but cannot verify it
    page.goto(server.url(f"/backoffice/cases/{number}/"))
    expect(page.locator("#firm")).to_contain_text(FIRM)
    expect(page.locator("#act-accept")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("13909310001")
    log_out(page)

    log_in(page, server, DISTRICT_OFFICE)
    page.goto(server.url(f"/backoffice/cases/{number}/"))
    page.click("#act-accept button")
    expect(page.locator("#case-status")).to_have_text("核查中")
    page.fill("#act-found textarea[name=reason]", "经核实，补贴条件已满足，资金未拨付属实。")
    page.fill("#act-found input[name=rectify_days]", "15")
    page.click("#act-found button")
    expect(page.locator("#case-status")).to_have_text("整改中")
    expect(page.locator("#act-decline")).to_have_count(0)  # the accused unit's step
    log_out(page)

    log_in(page, server, CLERK)
    page.goto(server.url(f"/backoffice/cases/{number}/"))
    page.select_option("#act-decline select[name=ground]", "government_change")
    page.fill("#act-decline textarea[name=reason]", "该承诺系上届政府作出，换届后不再执行。")
    page.click("#act-decline button")
    confirm(page)
    expect(page.locator("#case-status")).to_have_text("违约失信")
    log_out(page)

    log_in(page, server, DISTRICT_OFFICE)
    page.goto(server.url(f"/backoffice/cases/{number}/"))
    page.locator("dd a[href*='/records/']").click()
    expect(page.locator("#record-status")).to_have_text("草稿")
    expect(page.locator("body")).to_contain_text("失信违约")
    page.click("#origin-case")
    expect(page.locator("h1")).to_contain_text(number)
    log_out(page)

    page.goto(server.url("/gs/track/"))
    page.fill("input[name=number]", number)
    page.fill("input[name=code]", code)
    page.click("#track-submit")
    expect(page.locator("#case-status")).to_have_text("违约失信")
    expect(page.locator("#stepbar li")).to_have_count(4)
    expect(page.locator("#stepbar li[data-state=done]")).to_have_count(4)
    expect(page.locator("#verdict")).to_have_text("属实")
    expect(page.locator("#breach-note")).to_be_visible()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
