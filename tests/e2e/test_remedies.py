"""Filing an objection on the portal, following it with the query code, and the office and the
reporting unit handling it, in Chromium against a real server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from govtrust.core.identifiers import compose_ric
from tests.e2e.conftest import CLERK, CREDIT_OFFICE, REVIEWER, Server, confirm, log_in
from tests.e2e.test_review_flow import log_out

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "objection-track.png"
WRONG_FACTS = "挪用专项资金三十万元用于办公楼装修。"
RIGHT_FACTS = "挪用专项资金三万元用于办公楼装修，已全部追回。"

SEED = """
import datetime, json, sys
from django.utils import timezone
from govtrust.directory.models import User
from govtrust.disclosure.services import publication_publish
from govtrust.ledger.services import checkpoint_sign
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_submit

from govtrust.records.models import Record
found = Record.objects.filter(decision_number="城纪处〔2026〕9号").first()
if found is not None:  # seeded already by another module on this shared server
    print(json.dumps({"number": found.number}))
    raise SystemExit
clerk, reviewer, office = (User.objects.get(username=name) for name in sys.argv[1:4])
day = (timezone.localdate() - datetime.timedelta(days=20)).isoformat()
data = RecordIn.model_validate({
    "subject_kind": "civil_servant", "subject_name": "赵敏", "subject_identifier": sys.argv[4],
    "source_type": "penalty", "domain": "other", "severity": "general",
    "decision_number": "城纪处〔2026〕9号", "decision_date": day, "arose_on": day,
    "authority_name": "兰州市城关区财政局", "facts": sys.argv[5],
    "basis": "《政府采购法》", "outcome": "责令改正",
})
record = record_accept(record=record_submit(record=record_create(data=data, actor=clerk),
    actor=clerk), actor=reviewer)
publication = publication_publish(record=record, actor=office)
checkpoint_sign()
print(json.dumps({"number": publication.number}))
"""


@pytest.fixture(scope="module")
def published_number(server: Server) -> str:
    server.ensure_user(CREDIT_OFFICE)
    ric = compose_ric("620102" + "19850505" + "071")
    out = server.python(
        SEED, CLERK.username, REVIEWER.username, CREDIT_OFFICE.username, ric, WRONG_FACTS
    )
    return str(json.loads(out.strip().splitlines()[-1])["number"])


def test_objection_is_filed_followed_and_upheld_through_the_pages(
    page: Page, server: Server, published_number: str, tmp_path: Path
) -> None:
    """GIVEN a published record with wrong facts
    WHEN a member of the public files an objection from the record page with a PDF, and follows
    it with the number and query code; the office accepts it; the reporting unit upholds it
    THEN the record shows 异议处理中 while it is open, the follower sees each step, and the
    portal finally shows the corrected facts."""
    evidence = tmp_path / "决定书.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% evidence\n")
    page.goto(server.url(f"/gs/records/{published_number}/"))
    page.click("#object-link")
    page.check("input[name=applicant_role][value=public]")
    page.check("input[name=fields][value=facts]")
    page.fill("textarea[name=content]", "金额与处分决定书不符，决定书载明为三万元且已追回。")
    page.fill("input[name=contact_name]", "钱进")
    page.fill("input[name=contact_phone]", "13800001111")
    page.set_input_files("input[name=files]", str(evidence))
    page.click("#submit")
    number = page.locator("#case-number").inner_text().strip()
    code = page.locator("#query-code").inner_text().strip()
    assert number.startswith("YY") and len(code) == 8

    def follow(query_code: str) -> None:
        page.goto(server.url("/gs/track/"))
        page.fill("input[name=number]", number)
        page.fill("input[name=code]", query_code)
        page.click("#track-submit")

    follow("WRONG123")
    expect(page.locator("#form-error")).to_contain_text("受理编号或查询码不正确")
    expect(page.locator("#case")).to_have_count(0)
    follow(code)
    expect(page.locator("#case-status")).to_have_text("待受理")

    log_in(page, server, CREDIT_OFFICE)
    page.goto(server.url("/backoffice/cases/"))
    page.click(f"text={number}")
    expect(page.locator("dd").filter(has_text="13800001111")).to_have_count(1)
    page.click("#act-accept button")
    expect(page.locator("#case-status")).to_have_text("核查中")
    log_out(page)
    page.goto(server.url(f"/gs/records/{published_number}/"))
    expect(page.locator("#status-line")).to_have_text("异议处理中")

    log_in(page, server, CLERK)
    page.goto(server.url(f"/backoffice/cases/{number}/"))
    expect(page.locator("body")).not_to_contain_text("13800001111")  # not the unit's to see
    page.fill("#act-uphold input[name=new_facts]", RIGHT_FACTS)
    page.fill("#act-uphold textarea[name=reason]", "经核实，金额有误，予以更正")
    page.click("#act-uphold button")
    confirm(page)  # a closing decision asks first
    expect(page.locator("#case-status")).to_have_text("异议成立")
    log_out(page)

    follow(code)
    expect(page.locator("#case-status")).to_have_text("异议成立")
    expect(page.locator("#steps li")).to_have_count(3)
    expect(page.locator("#case")).to_contain_text(RIGHT_FACTS)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.goto(server.url(f"/gs/records/{published_number}/"))
    expect(page.locator("#facts")).to_have_text(RIGHT_FACTS)
    expect(page.locator("#status-line")).to_have_count(0)
