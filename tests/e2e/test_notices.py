"""A criticism notice in Chromium: the credit office publishes it from the back office, and the
public reads it on the portal and downloads its PDF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from govtrust.core.identifiers import compose_uscc
from tests.documents.conftest import first_page
from tests.e2e.conftest import CLERK, CREDIT_OFFICE, REVIEWER, Server, confirm, log_in

pytestmark = pytest.mark.browser
SCREENSHOT = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "notice-draft.png"

SEED = """
import datetime, json, sys
from django.utils import timezone
from govtrust.directory.models import Government, User
from govtrust.directory.services import department_create
from govtrust.disclosure.services import publication_publish
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_submit
from govtrust.documents.models import Document

clerk, reviewer, office = (User.objects.get(username=name) for name in sys.argv[1:4])
department_create(government=Government.objects.get(division_id="620102"), name="城关区水务局",
    uscc=sys.argv[4])
day = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
data = RecordIn.model_validate({
    "subject_kind": "department", "subject_name": "城关区水务局", "subject_identifier": sys.argv[4],
    "source_type": "judicial", "domain": "investment", "severity": "serious",
    "decision_number": "兰中民初〔2026〕88号", "decision_date": day, "arose_on": day,
    "authority_name": "兰州市中级人民法院", "facts": "拒不履行招商引资协议约定的奖励资金支付义务。",
    "basis": "《优化营商环境条例》第三十一条", "outcome": "判决支付奖励资金并承担违约责任",
})
record = record_accept(record=record_submit(record=record_create(data=data, actor=clerk),
    actor=clerk), actor=reviewer)
publication_publish(record=record, actor=office)
notice = Document.objects.get(record=record, kind="criticism")
print(json.dumps({"code": notice.code, "number": record.number}))
"""


WITHDRAW = """
import sys
from govtrust.disclosure.models import Publication
from govtrust.disclosure.services import publication_withdraw
publication = Publication.objects.get(number=sys.argv[1])
publication_withdraw(publication=publication, reason="revoked", actor_name=sys.argv[2])
"""


def test_a_notice_is_published_and_read_on_the_portal(page: Page, server: Server) -> None:
    """GIVEN a published record of a department's serious dishonesty (its notice drafted)
    WHEN the credit office publishes the notice from the back office
    THEN the portal lists it, shows its text, and its PDF renders the Chinese title; withdrawn
    with its record, it leaves the portal."""
    server.ensure_user(CREDIT_OFFICE)
    uscc = compose_uscc("11", "620102", "MB000077")
    out = server.python(SEED, CLERK.username, REVIEWER.username, CREDIT_OFFICE.username, uscc)
    seeded = json.loads(out.strip().splitlines()[-1])

    log_in(page, server, CREDIT_OFFICE)
    page.locator("header nav").get_by_role("link", name="通报批评").click()
    row = page.locator("#notices tr", has_text=seeded["number"])
    row.get_by_role("link", name="预览、修改并发布").click()
    # The draft previewed, edited, previewed again; publishing asks first.
    expect(page.locator("#notice-preview")).to_contain_text("文号在发布时按序编号")
    page.fill("#notice-edit textarea[name=requirements]", "限三十日内兑现奖励资金并报送整改情况。")
    page.click("#notice-edit button")
    expect(page.locator(".messages")).to_contain_text("已保存草稿")
    expect(page.locator("#notice-preview")).to_contain_text("限三十日内兑现奖励资金")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.click("#notice-publish button")
    asked = page.locator("dialog#confirm-dialog[open]")
    expect(asked).to_contain_text("确认发布")
    asked.get_by_role("button", name="取消").click()
    expect(page.locator("#notice-status")).to_have_text("待发布")  # dismissed: nothing sent
    page.click("#notice-publish button")
    confirm(page)
    expect(page.locator(".messages")).to_contain_text("已发布通报批评，文号 甘政信通")

    page.goto(server.url("/gs/notices/"))
    page.get_by_role("link", name="关于对城关区水务局的通报批评").click()
    expect(page.locator("article.notice")).to_contain_text("拒不履行招商引资协议")
    expect(page.locator("article.notice")).to_contain_text("予以公开通报批评")
    expect(page.locator("article.notice")).to_contain_text("限三十日内兑现奖励资金")
    response = page.request.get(server.url(f"/gs/notices/{seeded['code']}.pdf"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    shown = first_page(response.body())
    assert "通报批评" in shown.text and "城关区水务局" in shown.text
    assert shown.inked > 0.01 and any(embedded for _name, embedded in shown.fonts)
    page.get_by_role("link", name="核验文件").click()
    expect(page.locator("#verified")).to_contain_text("有效文件")

    # Leave the shared server's portal as found: the portal tests count what is published.
    server.python(WITHDRAW, seeded["number"], CREDIT_OFFICE.username)
    page.goto(server.url("/gs/notices/"))
    expect(page.locator("#notices")).not_to_contain_text("城关区水务局")
