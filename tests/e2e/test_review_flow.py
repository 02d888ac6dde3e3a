"""A record's whole review, driven through the pages in Chromium against a real server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import CLERK, REVIEWER, SIBLING_REVIEWER, Server, confirm, log_in

pytestmark = pytest.mark.browser

CITIZEN_ID = "11010519491231002X"
CITIZEN_ID_MASKED = "110105********002X"
WRONG_CHECK_CHARACTER = "110105194912310021"
RETURN_REASON = "决定文书号与附件不一致，请核对后重新报送"
SCREENSHOT = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "record-detail.png"
DETAIL_PATH = re.compile(r"/records/(\d+)/$")
HISTORY_LINE = re.compile(r"^\S+ \S+ (?P<actor>\S+) (?P<action>\S+)")

RECORD_FIELDS = {
    "subject_name": "王伟",
    "decision_number": "城财罚〔2025〕17号",
    "decision_date": "2025-09-26",
    "authority_name": "兰州市城关区财政局",
    "facts": "未按合同约定期限支付中小企业货款，累计拖欠三个月。",
    "basis": "《保障中小企业款项支付条例》第八条",
    "outcome": "责令限期支付并通报批评",
    "amount": "12.5",
    "arose_on": "2025-09-26",
}
RECORD_CHOICES = {
    "subject_kind": "civil_servant",
    "source_type": "penalty",
    "domain": "procurement",
    "severity": "general",
}


def log_out(page: Page) -> None:
    page.locator("header").get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("header .who")).to_have_count(0)


def open_record(page: Page, server: Server, record_id: int) -> None:
    response = page.goto(server.url(f"/records/{record_id}/"))
    assert response is not None and response.status == 200


def take(page: Page, action: str) -> None:
    """Press a transition button and wait for the detail page it redirects back to."""
    with page.expect_navigation():
        page.click(f"button[data-action={action}]")
        if action in ("submit", "accept"):  # cannot be undone: asked first
            confirm(page)
    expect(page).to_have_url(DETAIL_PATH)


def record_count(server: Server) -> int:
    out = server.python("from govtrust.records.models import Record; print(Record.objects.count())")
    return int(out.strip())


def test_record_is_drafted_submitted_returned_resubmitted_and_accepted(
    page: Page, server: Server
) -> None:
    """GIVEN a clerk of 城关区财政局, a reviewer of 兰州市 (the government above 城关区) and a
    reviewer of 天水市 (a sibling prefecture), on a running server
    WHEN the clerk enters a civil servant's record (first with a wrong check character in the
    citizen ID, then the right one), saves and submits it; the 天水 reviewer looks for it; the
    兰州 reviewer returns it with a reason; the clerk submits it again; the 兰州 reviewer accepts it
    THEN the wrong ID is refused on the form with nothing saved; the ID is only ever shown masked;
    the reporting deadline is 7 working days after 2025-09-26 across the National Day holiday; the
    天水 reviewer gets 404 and an empty list; each step changes the status; and the history lists
    every step, the reason included.
    """
    # The clerk enters the record; a citizen ID with a wrong check character is refused.
    log_in(page, server, CLERK)
    page.goto(server.url("/records/new/"))
    for name, value in RECORD_CHOICES.items():
        page.select_option(f"select[name={name}]", value)
    for name, value in RECORD_FIELDS.items():
        page.fill(f"[name={name}]", value)
    page.fill("input[name=subject_identifier]", WRONG_CHECK_CHARACTER)
    before = record_count(server)
    page.get_by_role("button", name="保存草稿").click()
    error = page.locator("p.error[data-field=subject_identifier]")
    expect(error).to_contain_text("身份证号码校验位错误")
    expect(page).to_have_url(re.compile(r"/records/new/$"))
    assert record_count(server) == before

    # The form kept what was typed; correcting the ID is enough to save the draft.
    expect(page.locator("input[name=decision_number]")).to_have_value(
        RECORD_FIELDS["decision_number"]
    )
    page.fill("input[name=subject_identifier]", CITIZEN_ID)
    page.get_by_role("button", name="保存草稿").click()
    expect(page).to_have_url(DETAIL_PATH)
    match = DETAIL_PATH.search(page.url)
    assert match is not None
    record_id = int(match.group(1))
    assert record_count(server) == before + 1
    number = page.title().split(" · ")[0]
    assert number

    expect(page.locator("#record-status")).to_have_text("草稿")
    expect(page.locator("#due-date")).to_contain_text("2025-10-13")
    expect(page.locator("main")).to_contain_text(CITIZEN_ID_MASKED)
    assert CITIZEN_ID not in page.content()

    take(page, "submit")
    expect(page.locator("#record-status")).to_have_text("已报送")
    log_out(page)

    # The 天水 reviewer is outside the record's scope: not found, and not listed.
    log_in(page, server, SIBLING_REVIEWER)
    response = page.goto(server.url(f"/records/{record_id}/"))
    assert response is not None and response.status == 404
    expect(page.locator("main h1")).to_have_text("未找到")
    page.goto(server.url("/records/"))
    expect(page.locator("table.list")).not_to_contain_text(number)
    expect(page.locator(f"a[href='/records/{record_id}/']")).to_have_count(0)
    log_out(page)

    # The 兰州 reviewer finds it in the list and returns it with a reason.
    log_in(page, server, REVIEWER)
    page.goto(server.url("/records/"))
    expect(page.locator("table.list")).to_contain_text(number)
    open_record(page, server, record_id)
    expect(page.locator("main")).to_contain_text(CITIZEN_ID_MASKED)
    assert CITIZEN_ID not in page.content()
    page.fill("input[name=reason]", RETURN_REASON)
    take(page, "return")
    expect(page.locator("#record-status")).to_have_text("已退回")
    expect(page.locator("dt:text-is('退回原因') + dd")).to_have_text(RETURN_REASON)
    log_out(page)

    # The clerk submits it again.
    log_in(page, server, CLERK)
    open_record(page, server, record_id)
    expect(page.locator("#record-status")).to_have_text("已退回")
    take(page, "submit")
    expect(page.locator("#record-status")).to_have_text("已报送")
    log_out(page)

    # The 兰州 reviewer accepts it.
    log_in(page, server, REVIEWER)
    open_record(page, server, record_id)
    take(page, "accept")
    expect(page.locator("#record-status")).to_have_text("已入库")
    expect(page.locator("button[data-action]")).to_have_count(0)

    # The history lists every step, by whom, with the reason on the return.
    items = page.locator("#history li")
    expect(items).to_have_count(5)
    steps: list[tuple[str, str]] = []
    for text in items.all_inner_texts():
        line = HISTORY_LINE.match(" ".join(text.split()))
        assert line is not None, text
        steps.append((line["actor"], line["action"]))
    assert steps == [
        (CLERK.username, "创建草稿"),
        (CLERK.username, "报送"),
        (REVIEWER.username, "退回"),
        (CLERK.username, "报送"),
        (REVIEWER.username, "审核通过"),
    ]
    expect(items.nth(2).locator("q")).to_have_text(RETURN_REASON)
    assert CITIZEN_ID not in page.content()

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_the_form_shows_whether_and_how_long_the_record_will_be_public(
    page: Page, server: Server
) -> None:
    """GIVEN the clerk's record form in Chromium
    WHEN a general penalty decided on 2026-05-31 is described, then a simple-procedure warning
    THEN before saving, the form says it is public until 2027-05-31 with the minimum period to
    2026-08-31 (asked of the server's period tool), then that the warning is not published."""
    log_in(page, server, CLERK)
    page.goto(server.url("/records/new/"))
    preview = page.locator("#period-preview")
    page.select_option("select[name=source_type]", "penalty")
    page.select_option("select[name=severity]", "general")
    page.fill("[name=decision_date]", "2026-05-31")
    page.locator("[name=decision_date]").dispatch_event("change")
    expect(preview).to_contain_text("公示至 2027-05-31")
    expect(preview).to_contain_text("最短公示期至 2026-08-31")
    page.select_option("select[name=procedure]", "simple")
    page.check("input[name=penalties][value=warning]")
    page.select_option("select[name=severity]", "minor")
    expect(preview).to_contain_text("不予公示")
