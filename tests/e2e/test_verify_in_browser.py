"""Verification without a command line, in Chromium: a PDF dropped or chosen on the verify page
is hashed in the page and checked against its code (a genuine copy verifies, a modified one is
refused), and a record's inclusion proof is checked on the log page (Merkle root recomputed,
checkpoint signature checked with Web Crypto; a tampered proof is refused)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from govtrust.core.identifiers import compose_uscc
from tests.e2e.conftest import CLERK, CREDIT_OFFICE, REVIEWER, Server
from tests.e2e.test_notices import WITHDRAW

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

SEED = """
import datetime, json, sys
from django.utils import timezone
from govtrust.directory.models import Government, User
from govtrust.directory.services import department_create
from govtrust.disclosure.services import publication_publish
from govtrust.documents.models import Document
from govtrust.documents.services.notices import notice_publish
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_submit

clerk, reviewer, office = (User.objects.get(username=name) for name in sys.argv[1:4])
department_create(government=Government.objects.get(division_id="620102"), name="城关区住建局",
    uscc=sys.argv[4])
day = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
data = RecordIn.model_validate({
    "subject_kind": "department", "subject_name": "城关区住建局", "subject_identifier": sys.argv[4],
    "source_type": "judicial", "domain": "investment", "severity": "serious",
    "decision_number": "兰中民初〔2026〕99号", "decision_date": day, "arose_on": day,
    "authority_name": "兰州市中级人民法院", "facts": "拖欠工程款拒不支付。",
    "basis": "《优化营商环境条例》第三十一条", "outcome": "判决支付工程款",
})
record = record_accept(record=record_submit(record=record_create(data=data, actor=clerk),
    actor=clerk), actor=reviewer)
publication_publish(record=record, actor=office)
notice = Document.objects.get(record=record, kind="criticism")
notice_publish(code=notice.code, actor=office)
print(json.dumps({"code": notice.code, "number": record.number}))
"""


@pytest.fixture(scope="module")
def seeded(server: Server) -> Iterator[dict[str, str]]:
    server.ensure_user(CREDIT_OFFICE)
    uscc = compose_uscc("11", "620102", "MB000099")
    out = server.python(SEED, CLERK.username, REVIEWER.username, CREDIT_OFFICE.username, uscc)
    found: dict[str, str] = json.loads(out.strip().splitlines()[-1])
    yield found
    # Leave the shared server's portal as found: the portal tests count what is published.
    server.python(WITHDRAW, found["number"], CREDIT_OFFICE.username)


def assert_no_sideways_scroll(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function("window.innerWidth === 390")
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """() => [...document.querySelectorAll("body, body *")]
            .filter(e => e.getBoundingClientRect().right > 391 || e.scrollWidth > 391)
            .slice(0, 12).map(e => e.tagName + "#" + e.id + "." + e.className + ":"
                + Math.round(e.getBoundingClientRect().right) + "/" + e.scrollWidth)"""
    )
    assert width <= 390, (width, wide)


def _drop(page: Page, data: bytes, name: str) -> None:
    """A real drop event on the drop zone, carrying the file (what a person's drag does)."""
    page.evaluate(
        """([b64, name]) => {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, {type: "application/pdf"}));
            const zone = document.getElementById("pdf-drop");
            const init = {dataTransfer: transfer, bubbles: true, cancelable: true};
            zone.dispatchEvent(new DragEvent("dragover", init));
            zone.dispatchEvent(new DragEvent("drop", init));
        }""",
        [base64.b64encode(data).decode(), name],
    )


def test_a_pdf_dropped_on_the_verify_page_is_checked_in_the_page(
    page: Page, server: Server, seeded: dict[str, str], tmp_path: Path
) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    genuine = page.request.get(server.url(f"/gs/notices/{seeded['code']}.pdf")).body()
    assert genuine.startswith(b"%PDF-")

    # Chosen with the file picker, the code typed first (the page without a code in its URL).
    page.goto(server.url("/gs/verify/"))
    page.fill("#verify-form input[name=code]", seeded["code"].lower().replace("-", ""))
    copy = tmp_path / "通报.pdf"
    copy.write_bytes(genuine)
    page.set_input_files("#pdf-file", str(copy))
    expect(page.locator("#pdf-result")).to_contain_text("✓ 一致")
    expect(page.locator("#pdf-result")).to_have_class("ok")

    # Dropped on the page of its code: a copy with one byte changed is refused.
    page.goto(server.url(f"/gs/verify/{seeded['code']}/"))
    expect(page.locator("#verified")).to_contain_text("有效文件")
    _drop(page, genuine, "通报.pdf")
    expect(page.locator("#pdf-result")).to_contain_text("✓ 一致")
    changed = bytearray(genuine)
    changed[len(changed) // 2] ^= 0x01
    _drop(page, bytes(changed), "通报-改.pdf")
    expect(page.locator("#pdf-result")).to_contain_text("✗ 不一致")
    expect(page.locator("#pdf-result")).to_have_class("bad")
    expect(page.locator("#pdf-digest")).to_contain_text("SHA-256")
    # The command-line way is kept, folded away for experts.
    expect(page.locator("details.experts summary")).to_have_text("用命令行核对（专业用户）")
    expect(page.locator("details.experts code").first).not_to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "verify-pdf.png"), full_page=True)

    # At phone width the page does not scroll sideways (the digest wraps).
    assert_no_sideways_scroll(page)
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_the_log_page_checks_an_inclusion_proof_in_the_page(
    page: Page, server: Server, seeded: dict[str, str]
) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    # From the record's page: its link opens the log page, which checks the proof on arrival.
    page.goto(server.url(f"/gs/records/{seeded['number']}/"))
    page.click("#proof-verify")
    result = page.locator("#proof-result")
    expect(result).to_contain_text("✓ 证明成立")
    steps = page.locator("#proof-steps li")
    expect(steps).to_have_count(4)
    expect(page.locator("#proof-steps li.ok")).to_have_count(4)
    expect(page.locator("#proof-steps")).to_contain_text("Ed25519 签名，签名有效")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "log-proof.png"), full_page=True)

    proof = page.request.get(server.url(f"/api/v1/public/records/{seeded['number']}/proof")).json()

    def check_pasted(tampered: dict[str, object]) -> None:
        page.fill("#proof-json", json.dumps(tampered, ensure_ascii=False))
        page.click("#proof-form button[value=pasted]")

    # The genuine proof, pasted: it holds.
    check_pasted(proof)
    expect(result).to_contain_text("✓ 证明成立")
    # Another record's event put in its place: the commitment, leaf and root no longer match.
    leaf = json.loads(proof["leaf_data"])
    forged = {**proof, "leaf_data": json.dumps({**leaf, "record": "620102-2026-99999"})}
    check_pasted(forged)
    expect(result).to_contain_text("✗ 证明不成立")
    expect(page.locator("#proof-steps li.bad")).not_to_have_count(0)
    expect(page.locator("#proof-steps")).to_contain_text(
        "根哈希：由审计路径算出的根哈希与检查点不符"
    )
    # A checkpoint whose root was changed to match something else: its signature fails.
    checkpoint = dict(proof["checkpoint"])
    checkpoint["timestamp"] = "2020-01-01T00:00:00+00:00"
    check_pasted({**proof, "checkpoint": checkpoint})
    expect(result).to_contain_text("✗ 证明不成立")
    expect(page.locator("#proof-steps")).to_contain_text("检查点的 Ed25519 签名无效")
    # A path node changed (when the tree has one) breaks the root.
    if proof["audit_path"]:
        path = list(proof["audit_path"])
        path[0] = ("0" if path[0][0] != "0" else "1") + path[0][1:]
        check_pasted({**proof, "audit_path": path})
        expect(result).to_contain_text("✗ 证明不成立")
    # The command-line way is kept under a fold.
    expect(page.locator("details.experts summary")).to_have_text("用命令行核验（专业用户）")
    # At phone width the page does not scroll sideways (hashes and the signature wrap).
    assert_no_sideways_scroll(page)
    assert not [e for e in errors if "Content Security Policy" in e], errors
