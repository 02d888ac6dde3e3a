"""Screening for awards in Chromium: a reviewer uploads an Excel candidate list, reads the
verdicts, dismisses a same-name match, issues the certificate and verifies it on the portal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import xlsxwriter
from playwright.sync_api import Page, expect

from govtrust.core.identifiers import compose_ric, compose_uscc
from tests.documents.conftest import first_page
from tests.e2e.conftest import CLERK, REVIEWER, Server, log_in

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "screening.png"
PERSON = "欧阳明远"

SEED = """
import json, sys
from govtrust.directory.models import Government, User
from govtrust.directory.services import department_create
from govtrust.ledger.services import checkpoint_sign
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_submit

clerk, reviewer = (User.objects.get(username=name) for name in sys.argv[1:3])
ric, uscc = sys.argv[3], sys.argv[4]
department_create(government=Government.objects.get(division_id="620102"), name="城关区审计局",
    uscc=uscc)
common = {"source_type": "penalty", "domain": "procurement", "decision_date": "2026-10-09",
    "arose_on": "2026-10-09", "authority_name": "兰州市财政局", "basis": "《政府采购法》",
    "outcome": "通报批评", "facts": "未按合同约定期限支付中小企业货款。"}
for n, (kind, name, identifier, severity) in enumerate([
    ("civil_servant", sys.argv[5], ric, "general"),
    ("department", "城关区审计局", uscc, "serious"),
]):
    data = RecordIn.model_validate({**common, "subject_kind": kind, "subject_name": name,
        "subject_identifier": identifier, "severity": severity,
        "decision_number": f"兰财罚〔2026〕{70 + n}号"})
    record_accept(record=record_submit(record=record_create(data=data, actor=clerk),
        actor=clerk), actor=reviewer)
print(json.dumps({"checkpoint": checkpoint_sign().root}))
"""


def candidate_list(path: Path, ric: str, uscc: str) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("名单")
    sheet.write_row(0, 0, ["2026年度政务服务先进集体和先进个人候选名单"])
    sheet.write_row(2, 0, ["姓名", "身份证号码", "所在单位"])
    sheet.write_row(3, 0, [PERSON, ric, "城关区财政局"])
    sheet.write_row(4, 0, ["城关区审计局", uscc, ""])
    sheet.write_row(5, 0, [PERSON, compose_ric("620103" + "19900202" + "113"), "七里河区教育局"])
    sheet.write_row(6, 0, ["上官清风", compose_ric("620104" + "19880808" + "225"), "西固区"])
    book.close()


def test_a_list_is_screened_judged_and_certified_through_the_pages(
    page: Page, server: Server, tmp_path: Path
) -> None:
    """GIVEN a civil servant restricted from awards and a department restricted from honours
    WHEN a reviewer uploads an Excel list with a title row naming them by identifier, a namesake
    with another ID number and someone clear; dismisses the namesake; issues the certificate
    THEN the verdicts are restricted / restricted / needs review / clear, with reasons; the
    certificate is refused until the match is judged, then downloads as a PDF whose first page
    shows the Chinese title, and the portal verifies its code."""
    ric = compose_ric("620102" + "19850505" + "137")
    uscc = compose_uscc("11", "620102", "MB000009")
    out = server.python(SEED, CLERK.username, REVIEWER.username, ric, uscc, PERSON)
    root = json.loads(out.strip().splitlines()[-1])["checkpoint"]
    sheet = tmp_path / "候选名单.xlsx"
    candidate_list(sheet, ric, uscc)

    log_in(page, server, REVIEWER)
    page.get_by_role("link", name="评优审查").click()
    page.fill("input[name=title]", "2026年度政务服务先进评选")
    page.set_input_files("input[name=file]", str(sheet))
    page.get_by_role("button", name="开始审查").click()
    expect(page).to_have_url(re.compile(r"/backoffice/screenings/SC\d{14}/$"))
    expect(page.locator("#counts")).to_contain_text("无限制 1")
    expect(page.locator("#counts")).to_contain_text("受限 2")
    expect(page.locator("#counts")).to_contain_text("需人工复核 1")
    expect(page.locator("#row-4")).to_contain_text("身份证号码一致")
    expect(page.locator("#row-4")).to_contain_text("限制评优评先")
    expect(page.locator("#row-5")).to_contain_text("统一社会信用代码一致")
    expect(page.locator("#row-5")).to_contain_text("取消荣誉评选资格")
    expect(page.locator("#row-6")).to_contain_text("名称一致")
    expect(page.locator("#results")).not_to_contain_text(ric)  # shown masked only
    expect(page.locator("#certify")).to_be_disabled()

    # Other tests on this server may have filed records of namesakes too: each waits for review.
    judge = page.locator("#results form.judge")
    while judge.count():
        judge.first.locator("input[name=note]").fill("身份证号码不同，非同一人")
        judge.first.get_by_role("button", name="排除（非同一主体）").click()
        expect(page.locator(".messages")).to_contain_text("的复核结论")
    expect(page.locator("#counts")).to_contain_text("无限制 2")
    expect(page.locator("#counts")).to_contain_text("需人工复核 0")
    expect(page.locator("#row-6")).to_contain_text("已排除")
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    page.locator("#certify").click()
    expect(page.locator(".messages")).to_contain_text("已出具审查证明，验证码")
    message = page.locator(".messages").inner_text()
    code = re.search(r"[A-Z2-7]{4}(?:-[A-Z2-7]{4}){3}", message)
    assert code is not None
    with page.expect_download() as download:
        page.locator("#certificates a").first.click()
    shown = first_page(Path(download.value.path()).read_bytes())
    assert "评优评先信用审查证明" in shown.text and "2026年度政务服务先进评选" in shown.text
    assert root[:16] in re.sub(r"\s+", "", shown.text)
    assert shown.inked > 0.01 and any(embedded for _name, embedded in shown.fonts)

    page.goto(server.url("/gs/verify/"))
    page.fill("input[name=code]", code.group(0).lower())
    page.get_by_role("button", name="核验").click()
    expect(page.locator("#verified")).to_contain_text("有效文件")
    expect(page.locator("#verified")).to_contain_text("评优评先信用审查证明")
