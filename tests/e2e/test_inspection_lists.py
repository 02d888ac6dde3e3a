"""The inspection pages' lists and the supervision home blocks in Chromium: the provincial
credit office filters the inspections by inspected unit (the picker) and date and exports them;
the inspector's home lists a finding waiting for its confirmation; 天水市's home lists the
finding it has to rectify with its countdown, and its findings list filters by severity."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import CREDIT_OFFICE, SIBLING_REVIEWER, Account, Server, log_in

pytestmark = pytest.mark.browser

INSPECTOR_A = Account("inspector_gs_a", "inspector", "62")
INSPECTOR_B = Account("inspector_gs_b", "inspector", "62")
TITLE = "天水市专项督导（列表检查）"

# Idempotent: the shared server may hold this inspection from an earlier run of the module.
SEED = """
import datetime, sys
from govtrust.directory.models import User
from govtrust.supervision.models import Inspection
from govtrust.supervision.services import inspections as svc

title = sys.argv[1]
if not Inspection.objects.filter(title=title).exists():
    office = User.objects.get(username="office_gs")
    a, b = User.objects.get(username=sys.argv[2]), User.objects.get(username=sys.argv[3])
    inspection = svc.inspection_plan(actor=office, data=svc.InspectionIn(
        title=title, period_start=datetime.date(2026, 2, 2),
        period_end=datetime.date(2026, 12, 31), target_codes=["6205"],
        inspector_ids=[a.pk, b.pk]))
    def record(facts, severity):
        return svc.finding_record(actor=a, inspection_id=inspection.pk, data=svc.FindingIn(
            target_code="6205", facts=facts, severity=severity, requirement="限期整改"))
    serious = record("天水列表检查：承诺事项未兑现", "serious")
    svc.finding_confirm(actor=b, pk=serious.pk, version=serious.version)
    general = record("天水列表检查：台账缺少签收记录", "general")
    svc.finding_confirm(actor=b, pk=general.pk, version=general.version)
    record("天水列表检查：待确认的问题", "major")
"""


def _as(page: Page, server: Server, account: Account) -> None:
    page.context.clear_cookies()
    log_in(page, server, account)


def test_inspection_lists_and_home_blocks(page: Page, server: Server) -> None:
    for account in (CREDIT_OFFICE, SIBLING_REVIEWER, INSPECTOR_A, INSPECTOR_B):
        server.ensure_user(account)
    server.python(SEED, TITLE, INSPECTOR_A.username, INSPECTOR_B.username)

    log_in(page, server, CREDIT_OFFICE)
    page.locator("header nav").get_by_role("link", name="专项督导", exact=True).click()
    level = page.locator(".unit-cascade select[data-level='0']")
    expect(level.locator("option[value='6205']")).to_have_count(1)
    level.select_option("6205")
    page.locator("#id_since").fill("2026-02-01")
    page.locator("#id_until").fill("2026-02-28")
    page.locator("#list-filters").get_by_role("button", name="筛选").click()
    table = page.locator("#inspections")
    expect(table).to_contain_text(TITLE)
    expect(table).to_contain_text("天水市人民政府")
    expect(page.locator("#list-count")).to_have_text("共 1 条")
    with page.expect_download() as download:
        page.locator("#list-export").click()
    assert download.value.suggested_filename.startswith("专项督导-")
    assert download.value.suggested_filename.endswith(".xlsx")

    _as(page, server, INSPECTOR_B)  # the home page: a finding A recorded waits for B
    block = page.locator("#inspector-work")
    expect(block.locator("#open-inspections")).to_contain_text(TITLE)
    expect(block.locator("#findings-to-confirm")).to_contain_text("天水列表检查：待确认的问题")

    _as(page, server, SIBLING_REVIEWER)
    findings = page.locator("#unit-supervision #unit-findings")
    expect(findings).to_contain_text("天水列表检查：承诺事项未兑现")
    expect(findings).to_contain_text("个工作日")
    expect(findings).not_to_contain_text("待确认的问题")
    page.locator("#unit-supervision").get_by_role("link", name="全部待整改问题").click()
    page.locator("#id_severity").select_option("serious")
    page.locator("#list-filters").get_by_role("button", name="筛选").click()
    answering = page.locator("#answering")
    expect(answering).to_contain_text("承诺事项未兑现")
    expect(answering).not_to_contain_text("台账缺少签收记录")
