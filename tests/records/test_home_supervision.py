"""The home page's supervision blocks: an inspector sees its open inspections and the findings
waiting for its confirmation (not those it recorded: four eyes) or verification; a unit sees
its inspection findings to rectify with the working-day countdown, its suggestions to answer
and its plan tasks' reports due. Each within the policy's reach, in a bounded number of
queries whatever the number of items."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from govtrust.directory.models import User
from govtrust.supervision.services import inspections as svc
from govtrust.supervision.services.plan_tasks import plan_tasks_load
from govtrust.supervision.services.suggestions import SuggestionIn, suggestion_register

pytestmark = pytest.mark.django_db


def _block(body: str, block_id: str) -> str:
    start = body.index(f'id="{block_id}"')
    return body[start : body.index("</section>", start)]


def _finding(inspection_id: int, actor: User, facts: str, severity: str = "general") -> Any:
    return svc.finding_record(
        actor=actor,
        inspection_id=inspection_id,
        data=svc.FindingIn(target_code="6201", facts=facts, severity=severity, requirement="整改"),
    )


@pytest.fixture
def world(make_user: Callable[..., User]) -> dict[str, Any]:
    office = make_user("office_gs", "credit_office", "62")
    a, b = make_user("insp_a", "inspector", "62"), make_user("insp_b", "inspector", "62")
    unit = make_user("reviewer_lz", "reviewer", "6201")
    inspection = svc.inspection_plan(
        actor=office,
        data=svc.InspectionIn(
            title="兰州市专项督导",
            period_start=datetime.date(2026, 10, 1),
            period_end=datetime.date(2026, 12, 31),
            target_codes=["6201"],
            inspector_ids=[a.pk, b.pk],
        ),
    )
    _finding(inspection.pk, a, "甲台账缺页")
    rectifying = _finding(inspection.pk, a, "乙承诺未兑现", "serious")
    rectifying = svc.finding_confirm(actor=b, pk=rectifying.pk, version=rectifying.version)
    answered = _finding(inspection.pk, a, "丙逾期报送")
    answered = svc.finding_confirm(actor=b, pk=answered.pk, version=answered.version)
    svc.finding_answer(actor=unit, pk=answered.pk, version=answered.version, answer="已整改")
    suggestion_register(
        actor=make_user("office_lz", "credit_office", "6201"),
        data=SuggestionIn(
            kind="deputy",
            session="兰州市第十七届人大五次会议",
            number="0123",
            title="关于加快老旧小区改造的建议",
            proposer="张伟等5名代表",
            government_code="6201",
            assigned_on=datetime.date(2025, 11, 30),
        ),
    )
    plan_tasks_load()
    return {"a": a, "b": b, "unit": unit, "office": office, "inspection": inspection}


def test_an_inspector_sees_its_inspections_and_the_findings_waiting_for_it(
    client: Client, world: dict[str, Any], make_user: Callable[..., User]
) -> None:
    client.force_login(world["b"])
    block = _block(client.get("/backoffice/").content.decode(), "inspector-work")
    assert "兰州市专项督导" in block and "共 1 项" in block
    confirm = block[block.index('id="findings-to-confirm"') :]
    assert "甲台账缺页" in confirm.split("</table>")[0]
    verify = block[block.index('id="findings-to-verify"') :].split("</table>")[0]
    assert "丙逾期报送" in verify and "乙承诺未兑现" not in verify
    assert "今日答复" in verify or "个工作日" in verify  # how long the answer has waited

    client.force_login(world["a"])  # the recorder: nothing of its own to confirm
    block = _block(client.get("/backoffice/").content.decode(), "inspector-work")
    confirm = block[block.index('id="findings-to-confirm"') :].split("</table>")[0]
    assert "甲台账缺页" not in confirm and "没有待确认的问题" in confirm
    assert "丙逾期报送" in block

    # An inspector on no team sees none of it; a unit's account has no inspector block.
    client.force_login(make_user("insp_c", "inspector", "62"))
    block = _block(client.get("/backoffice/").content.decode(), "inspector-work")
    assert "兰州市专项督导" not in block and "甲台账缺页" not in block
    client.force_login(world["unit"])
    assert 'id="inspector-work"' not in client.get("/backoffice/").content.decode()


def test_a_unit_sees_its_findings_suggestions_and_reports_due(
    client: Client, world: dict[str, Any], make_user: Callable[..., User]
) -> None:
    client.force_login(world["unit"])
    block = _block(client.get("/backoffice/").content.decode(), "unit-supervision")
    findings = block[block.index('id="unit-findings"') :].split("</table>")[0]
    assert "乙承诺未兑现" in findings and "丙逾期报送" not in findings
    assert "甲台账缺页" not in findings  # not confirmed yet: not the unit's to rectify
    assert "个工作日" in findings or "今日到期" in findings  # the countdown
    suggestions = block[block.index('id="unit-suggestions"') :].split("</table>")[0]
    assert "关于加快老旧小区改造的建议" in suggestions and "逾期" in suggestions
    reports = block[block.index('id="unit-reports"') :].split("</table>")[0]
    assert "报告" in reports and "没有待报告的督办任务" not in reports

    # Another government's unit sees none of 兰州市's work.
    client.force_login(make_user("reviewer_ts", "reviewer", "6205"))
    block = _block(client.get("/backoffice/").content.decode(), "unit-supervision")
    assert "乙承诺未兑现" not in block and "老旧小区" not in block


def test_the_blocks_read_in_bulk(
    client: Client, world: dict[str, Any], make_user: Callable[..., User]
) -> None:
    """More findings do not mean more queries (the countdowns share one calendar)."""
    client.force_login(world["unit"])
    with CaptureQueriesContext(connection) as before:
        client.get("/backoffice/")
    for n in range(5):
        found = _finding(world["inspection"].pk, world["a"], f"批量问题{n}")
        svc.finding_confirm(actor=world["b"], pk=found.pk, version=found.version)
    with CaptureQueriesContext(connection) as after:
        body = client.get("/backoffice/").content.decode()
    assert "批量问题4" in body
    assert len(after.captured_queries) <= len(before.captured_queries) + 1
