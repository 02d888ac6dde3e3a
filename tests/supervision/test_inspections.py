"""Inspections (专项督导): the credit office plans one of the governments directly below its own
with a team of its inspectors and a checklist from the template; the team records findings,
a second member confirms them (the rectification deadline starts), the inspected government
answers, another member closes; a confirmed serious finding becomes a draft record; inspectors
act within their own inspection only; deadlines move with the calendar and remind."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable

import pytest
from django.test import Client

from govtrust.core.errors import Conflict, DomainError, Forbidden, NotFound
from govtrust.core.models import AuditEvent
from govtrust.core.workdays import add_working_days
from govtrust.core.workdays.engine import recompute_all
from govtrust.directory.models import Government, User
from govtrust.directory.views_audit import ACTION_LABELS
from govtrust.records.models import Record
from govtrust.records.workflow import Status
from govtrust.supervision import selectors_inspections as selectors
from govtrust.supervision.models import (
    Finding,
    FindingAttachment,
    FindingReminder,
    FindingState,
    Inspection,
)
from govtrust.supervision.services import inspections as svc
from tests.conftest import new_uscc

pytestmark = pytest.mark.django_db
FACTS = "2025年度应报送的政务失信记录中有3条超过报送期限，未说明原因。"
REQUIREMENT = "书面说明逾期原因，补报并建立报送台账。"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user("office_gs", "credit_office", "62")


@pytest.fixture
def team(make_user: Callable[..., User]) -> list[User]:
    return [make_user("insp_a", "inspector", "62"), make_user("insp_b", "inspector", "62")]


@pytest.fixture
def unit(make_user: Callable[..., User]) -> User:
    """兰州市's government staff, acting for the whole government: they answer."""
    return make_user("reviewer_lz", "reviewer", "6201")


def plan(office: User, team: list[User], codes: tuple[str, ...] = ("6201", "620171")) -> Inspection:
    return svc.inspection_plan(
        actor=office,
        data=svc.InspectionIn(
            title="2026年度政务诚信建设专项督导",
            period_start=datetime.date(2026, 10, 1),
            period_end=datetime.date(2026, 12, 31),
            target_codes=list(codes),
            inspector_ids=[u.pk for u in team],
            leader_id=team[0].pk,
        ),
    )


def record(inspector: User, inspection: Inspection, **kw: object) -> Finding:
    data = {
        "target_code": "6201",
        "facts": FACTS,
        "severity": "general",
        "requirement": REQUIREMENT,
        "item_code": "records_on_time",
        **kw,
    }
    return svc.finding_record(
        actor=inspector,
        inspection_id=inspection.pk,
        data=svc.FindingIn(**data),  # type: ignore[arg-type]
        files=[("台账截图.pdf", io.BytesIO(PDF))],
    )


def test_plan_scope_team_and_checklist(office: User, team: list[User]) -> None:
    inspection = plan(office, team)
    assert inspection.number.startswith("62-2026-")
    assert sorted(inspection.targets.values_list("division_code", flat=True)) == [
        "6201",
        "620171",
    ]
    items = list(inspection.items.values_list("code", "clause"))
    assert [code for code, _ in items] == [
        "records_on_time",
        "rectification_done",
        "commitments_kept",
        "suggestions_answered",
        "training_held",
    ]
    assert all(clause.startswith("方案") for _, clause in items)  # each with the plan's clause
    assert inspection.members.get(leader=True).user == team[0]
    event = AuditEvent.objects.filter(action="inspection.plan").get()
    assert (event.after or {})["targets"] == ["6201", "620171"]
    assert ACTION_LABELS["inspection.plan"] == "制定专项督导计划"


def test_the_province_inspects_prefectures_a_prefecture_its_counties(
    office: User, team: list[User], make_user: Callable[..., User]
) -> None:
    with pytest.raises(DomainError, match="下一级政府"):
        plan(office, team, ("620102",))  # a county: 兰州市's to inspect
    lz_office = make_user("office_lz", "credit_office", "6201")
    lz_team = [
        make_user("insp_lz1", "inspector", "6201"),
        make_user("insp_lz2", "inspector", "6201"),
    ]
    with pytest.raises(DomainError, match="下一级政府"):
        plan(lz_office, lz_team, ("620171",))  # 兰州新区 answers to the province
    with pytest.raises(DomainError, match="本级政府的督查员"):
        plan(lz_office, team, ("620102",))  # the province's inspectors are not 兰州市's
    with pytest.raises(DomainError, match="至少需要两名"):
        plan(lz_office, lz_team[:1], ("620102",))
    county = plan(lz_office, lz_team, ("620102", "620103"))
    assert county.division_code == "6201"
    with pytest.raises(Forbidden):
        plan(make_user("insp_x", "inspector", "62"), team)


def test_the_whole_flow_with_four_eyes(office: User, team: list[User], unit: User) -> None:
    inspection = plan(office, team)
    a, b = team
    finding = record(a, inspection)
    assert finding.state == FindingState.RECORDED and finding.rectify_working_days == 30
    assert FindingAttachment.objects.get(finding=finding).stage == "evidence"
    with pytest.raises(Forbidden, match="另一名成员"):
        svc.finding_confirm(actor=a, pk=finding.pk, version=1)
    with pytest.raises(Forbidden):  # an inspector does not answer
        svc.finding_answer(actor=team[0], pk=finding.pk, version=1, answer="x")
    with pytest.raises(Conflict):
        svc.finding_answer(actor=unit, pk=finding.pk, version=1, answer="已整改")
    done = svc.finding_confirm(actor=b, pk=finding.pk, version=1)
    assert done.state == FindingState.RECTIFYING
    assert done.due_date == add_working_days(done.confirmed_on, 30).due_date  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="请填写整改情况"):
        svc.finding_answer(actor=unit, pk=finding.pk, version=2, answer="  ")
    done = svc.finding_answer(
        actor=unit,
        pk=finding.pk,
        version=2,
        answer="已补报3条记录，书面说明已报省信用办，建立报送台账。",
        files=[("整改报告.pdf", io.BytesIO(PDF))],
    )
    assert done.state == FindingState.ANSWERED and not done.answered_late
    with pytest.raises(Forbidden, match="核验销号"):
        svc.finding_close(actor=a, pk=finding.pk, version=3)
    done = svc.finding_return(actor=b, pk=finding.pk, version=3, reason="台账未覆盖所属部门")
    assert done.state == FindingState.RECTIFYING
    svc.finding_answer(actor=unit, pk=finding.pk, version=4, answer="台账已覆盖全部所属部门。")
    done = svc.finding_close(actor=b, pk=finding.pk, version=5)
    assert done.state == FindingState.CLOSED and done.closed_by == b
    actions = list(
        AuditEvent.objects.filter(action__startswith="finding.").values_list("action", flat=True)
    )
    assert actions == [
        "finding.record",
        "finding.confirm",
        "finding.answer",
        "finding.return",
        "finding.answer",
        "finding.close",
    ]
    assert all(ACTION_LABELS.get(action) for action in actions)
    concluded = svc.inspection_conclude(actor=office, pk=inspection.pk, version=1)
    assert concluded.state == "concluded"
    with pytest.raises(Conflict, match="已结束"):
        record(a, inspection)


def test_concluding_waits_for_open_findings(office: User, team: list[User]) -> None:
    inspection = plan(office, team)
    finding = record(team[0], inspection)
    with pytest.raises(Conflict, match="尚有1个问题"):
        svc.inspection_conclude(actor=office, pk=inspection.pk, version=1)
    svc.finding_withdraw(actor=team[1], pk=finding.pk, version=1, reason="经核实已在督导前整改")
    assert svc.inspection_conclude(actor=office, pk=inspection.pk, version=1).state == "concluded"


def test_inspectors_act_within_their_own_inspection_only(
    office: User, team: list[User], make_user: Callable[..., User]
) -> None:
    inspection = plan(office, team)
    finding = record(team[0], inspection)
    other = make_user("insp_c", "inspector", "62")  # the province's, on no team
    lz_office = make_user("office_lz", "credit_office", "6201")
    lz_team = [
        make_user("insp_lz1", "inspector", "6201"),
        make_user("insp_lz2", "inspector", "6201"),
    ]
    county = plan(lz_office, lz_team, ("620102",))
    ts = make_user("insp_ts", "inspector", "6205")  # another 市州's inspector
    for outsider in (other, ts, lz_team[0]):
        with pytest.raises(NotFound):
            record(outsider, inspection)
        with pytest.raises(NotFound):
            svc.finding_confirm(actor=outsider, pk=finding.pk, version=1)
        assert not selectors.inspections_visible(outsider).filter(pk=inspection.pk).exists()
        assert not selectors.findings_visible(outsider).filter(pk=finding.pk).exists()
    with pytest.raises(NotFound):
        record(ts, county, target_code="620102")
    with pytest.raises(NotFound):
        record(team[0], county, target_code="620102")  # the province's inspector, not on it
    with pytest.raises(DomainError, match="不在本次督导范围"):
        record(team[0], inspection, target_code="6205")  # 天水市: not in this inspection
    assert list(selectors.inspections_visible(lz_team[0])) == [county]


def test_a_confirmed_serious_finding_becomes_a_draft_record(
    office: User, team: list[User], unit: User
) -> None:
    Government.objects.filter(division_id="6201").update(uscc=new_uscc("6201"))
    inspection = plan(office, team)
    finding = record(team[0], inspection, severity="serious", item_code="commitments_kept")
    assert finding.rectify_working_days == 15
    with pytest.raises(Conflict, match="确认的严重问题"):
        svc.finding_to_draft(actor=office, pk=finding.pk)
    svc.finding_confirm(actor=team[1], pk=finding.pk, version=1)
    with pytest.raises(Forbidden):
        svc.finding_to_draft(actor=team[1], pk=finding.pk)  # the organiser's office drafts
    with pytest.raises(Forbidden):
        svc.finding_to_draft(actor=unit, pk=finding.pk)
    draft = svc.finding_to_draft(actor=office, pk=finding.pk)
    assert draft.status == Status.DRAFT and draft.subject_name == "兰州市人民政府"
    assert draft.source_type == "breach" and draft.severity == "serious"
    assert draft.decision_number == f"专项督导{inspection.number}-1"
    assert draft.division_code == "62"  # recorded by the province's credit office
    finding.refresh_from_db()
    assert finding.draft_record == draft
    with pytest.raises(Conflict, match="已转为"):
        svc.finding_to_draft(actor=office, pk=finding.pk)
    assert Record.objects.count() == 1
    general = record(team[0], inspection)
    svc.finding_confirm(actor=team[1], pk=general.pk, version=1)
    with pytest.raises(Conflict, match="严重问题"):
        svc.finding_to_draft(actor=office, pk=general.pk)
    assert AuditEvent.objects.filter(action="finding.draft").count() == 1


def test_deadlines_move_with_the_calendar_and_remind(
    office: User, team: list[User], unit: User
) -> None:
    inspection = plan(office, team)
    finding = record(team[0], inspection, rectify_working_days=5)
    svc.finding_confirm(actor=team[1], pk=finding.pk, version=1)
    finding.refresh_from_db()
    right = finding.due_date
    Finding.objects.filter(pk=finding.pk).update(due_date=datetime.date(2000, 1, 3))
    assert recompute_all() >= 1  # the hook registered in SupervisionConfig.ready
    finding.refresh_from_db()
    assert finding.due_date == right
    assert AuditEvent.objects.filter(action="finding.deadline_recompute").exists()
    assert right is not None
    soon = right - datetime.timedelta(days=1)
    assert svc.finding_reminders_send(today=soon) == 1
    assert svc.finding_reminders_send(today=soon) == 0  # once per deadline and kind
    assert svc.finding_reminders_send(today=right + datetime.timedelta(days=1)) == 1
    kinds = sorted(FindingReminder.objects.values_list("kind", flat=True))
    assert kinds == ["due_soon", "overdue"]
    assert len(selectors.reminders_for(unit)) == 2
    assert not selectors.reminders_for(team[0]).exists()


def test_the_report_pdf_for_organiser_and_team_only(
    office: User, team: list[User], unit: User, make_user: Callable[..., User]
) -> None:
    inspection = plan(office, team)
    for n in range(3):
        record(team[0], inspection, facts=f"{FACTS}（第{n + 1}处）")
    _, pdf = svc.inspection_report_pdf(actor=office, pk=inspection.pk)
    assert pdf.startswith(b"%PDF")
    _, pdf = svc.inspection_report_pdf(actor=team[1], pk=inspection.pk)
    assert pdf.startswith(b"%PDF")
    for outsider in (unit, make_user("insp_c", "inspector", "62")):
        with pytest.raises(NotFound):
            svc.inspection_report_pdf(actor=outsider, pk=inspection.pk)
    assert AuditEvent.objects.filter(action="inspection.report").count() == 2


def test_the_api_plans_lists_and_refuses_outsiders(
    office: User, team: list[User], make_user: Callable[..., User], client: Client
) -> None:
    client.force_login(office)
    created = client.post(
        "/api/v1/inspections",
        {
            "title": "2026年度专项督导",
            "period_start": "2026-10-01",
            "period_end": "2026-12-31",
            "target_codes": ["6201", "6205"],
            "inspector_ids": [u.pk for u in team],
            "item_codes": ["records_on_time", "training_held"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert [c["code"] for c in body["checklist"]] == ["records_on_time", "training_held"]
    assert body["team"] == ["insp_a", "insp_b"]
    bad = client.post(
        "/api/v1/inspections",
        {
            "title": "x",
            "period_start": "2026-10-01",
            "period_end": "2026-09-01",
            "target_codes": ["6201"],
            "inspector_ids": [u.pk for u in team],
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and "结束日期" in bad.json()["detail"]
    assert [i["number"] for i in client.get("/api/v1/inspections").json()] == [body["number"]]

    client.force_login(team[0])
    assert [i["id"] for i in client.get("/api/v1/inspections").json()] == [body["id"]]
    finding = client.post(
        f"/api/v1/inspections/{body['id']}/findings",
        {
            "government_code": "6205",
            "facts": FACTS,
            "severity": "major",
            "requirement": REQUIREMENT,
        },
        content_type="application/json",
    )
    assert finding.status_code == 201, finding.content
    assert finding.json()["rectify_working_days"] == 20
    fid = finding.json()["id"]
    own = client.post(
        f"/api/v1/inspection-findings/{fid}/confirm",
        {"version": 1},
        content_type="application/json",
    )
    assert own.status_code == 403

    for outsider in (
        make_user("insp_c", "inspector", "62"),
        make_user("insp_ts", "inspector", "6205"),
    ):
        client.force_login(outsider)
        assert client.get("/api/v1/inspections").json() == []
        assert client.get(f"/api/v1/inspections/{body['id']}").status_code == 404
        refused = client.post(
            f"/api/v1/inspections/{body['id']}/findings",
            {"government_code": "6201", "facts": FACTS, "severity": "general", "requirement": "x"},
            content_type="application/json",
        )
        assert refused.status_code == 404
        step = client.post(
            f"/api/v1/inspection-findings/{fid}/confirm",
            {"version": 1},
            content_type="application/json",
        )
        assert step.status_code == 404
    client.force_login(team[1])
    ok = client.post(
        f"/api/v1/inspection-findings/{fid}/confirm",
        {"version": 1},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["state"] == "rectifying"
    ts_office = make_user("office_ts", "credit_office", "6205")
    client.force_login(ts_office)  # the inspected government reads the finding and answers
    seen = client.get(f"/api/v1/inspections/{body['id']}").json()
    assert [f["id"] for f in seen["findings"]] == [fid]
    answered = client.post(
        f"/api/v1/inspection-findings/{fid}/answer",
        {"version": 2, "answer": "已制定年度诚信教育培训计划并完成首期培训。"},
        content_type="application/json",
    )
    assert answered.status_code == 200 and answered.json()["state"] == "answered"
