"""Measures issued on acceptance from versioned rules, mitigation by self-correction, revisions."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
import time_machine
from django.utils import timezone

from govtrust.core.clock import add_months
from govtrust.core.errors import DomainError, Forbidden
from govtrust.core.models import AuditEvent
from govtrust.core.workdays.services import calendar_year_enter, parse_schedule
from govtrust.directory.models import User
from govtrust.measures.models import Measure, MeasureRule
from govtrust.measures.services import measure_rule_revise
from govtrust.records.models import Record
from govtrust.remedies.services.followup import self_correction_record
from tests.conftest import new_uscc

pytestmark = pytest.mark.django_db


def kinds(record: Record) -> dict[str, Measure]:
    return {m.kind: m for m in Measure.objects.filter(record=record)}


def test_a_serious_record_of_a_department_gets_the_plans_measures(
    accept: Callable[..., Record],
) -> None:
    record = accept(
        subject_kind="department",
        subject_name="城关区财政局",
        subject_identifier=new_uscc(),
        severity="serious",
    )
    measures = kinds(record)
    assert set(measures) == {
        "explanation",
        "rectification",
        "honours",
        "criticism",
        "accountability",
    }
    today = timezone.localdate()
    assert measures["honours"].ends_on == add_months(today, 36) - datetime.timedelta(1)
    explanation, rectification = measures["explanation"], measures["rectification"]
    assert explanation.due_date is not None and rectification.due_date is not None
    assert today < explanation.due_date < rectification.due_date
    assert (
        measures["honours"].rule_code == "GOV-HONOURS-S" and measures["honours"].rule_version == 1
    )
    assert "三(二)5" in measures["honours"].legal_source
    assert AuditEvent.objects.filter(action="measure.issue", object_id=record.number).count() == 1


def test_a_civil_servants_award_restriction_is_halved_or_lifted_by_self_correction(
    accept: Callable[..., Record], clerk: User
) -> None:
    general = accept(severity="general")
    awards = kinds(general)["awards"]
    assert awards.ends_on is not None
    before = (awards.ends_on - timezone.localdate()).days
    self_correction_record(
        record_number=general.number,
        kind="recovered",
        description="当事人已主动退赔全部损失十二万五千元。",
        corrected_on=timezone.localdate(),
        files=[],
        actor=clerk,
    )
    awards.refresh_from_db()
    assert awards.status == "lightened" and awards.ends_on is not None
    assert (awards.ends_on - timezone.localdate()).days == before // 2

    minor = accept(severity="minor")
    self_correction_record(
        record_number=minor.number,
        kind="stopped",
        description="在损害发生前主动叫停了违规付款，未造成损失。",
        corrected_on=timezone.localdate(),
        files=[],
        actor=clerk,
    )
    lifted = kinds(minor)["awards"]
    assert lifted.status == "lifted" and lifted.ends_on == timezone.localdate()
    assert AuditEvent.objects.filter(action="measure.mitigate").count() == 2


def test_a_revision_applies_from_its_date_and_never_rewrites_issued_measures(
    accept: Callable[..., Record],
    make_user: Callable[..., User],
    reviewer: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    office = make_user("office_gs", "credit_office", "62")
    first = accept(severity="general")
    issued = kinds(first)["awards"]
    with pytest.raises(Forbidden):
        measure_rule_revise(
            code="CS-AWARDS",
            changes={"measures": [{"kind": "awards", "months": 24}]},
            valid_from=timezone.localdate() + datetime.timedelta(days=1),
            note="延长",
            legal_source="省信用办决定",
            actor=reviewer,
        )
    with pytest.raises(DomainError):
        measure_rule_revise(
            code="CS-AWARDS",
            changes={"measures": [{"kind": "fine", "months": 24}]},
            valid_from=timezone.localdate() + datetime.timedelta(days=1),
            note="延长",
            legal_source="省信用办决定",
            actor=office,
        )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    revised = measure_rule_revise(
        code="CS-AWARDS",
        changes={"measures": [{"kind": "awards", "months": 24}]},
        valid_from=tomorrow,
        note="一般及严重失信限制期延长至2年",
        legal_source="省信用办2026年第3号决定",
        actor=office,
    )
    assert revised.version == 2
    assert MeasureRule.objects.get(code="CS-AWARDS", version=1).valid_to == tomorrow
    assert AuditEvent.objects.filter(action="measure_rule.revise", object_id="CS-AWARDS").exists()
    issued_again = Measure.objects.get(pk=issued.pk)
    assert (issued_again.rule_version, issued_again.ends_on) == (1, issued.ends_on)
    later = tomorrow + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: later)
    second = accept(severity="general")
    awards = kinds(second)["awards"]
    assert awards.rule_version == 2
    assert awards.ends_on == add_months(later, 24) - datetime.timedelta(1)


def test_add_months_keeps_month_ends() -> None:
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2026, 11, 15), 14) == datetime.date(2028, 1, 15)


def test_measures_and_rules_over_the_api(
    accept: Callable[..., Record],
    make_user: Callable[..., User],
    sibling_reviewer: User,
    reviewer: User,
) -> None:
    from django.test import Client

    record = accept(severity="serious")
    client = Client()
    client.force_login(reviewer)
    measures = client.get(f"/api/v1/records/{record.number}/measures").json()
    assert [m["kind_label"] for m in measures] == ["限制评优评先"]
    assert measures[0]["rule"] == "CS-AWARDS v1"
    client.force_login(sibling_reviewer)  # another prefecture: not found, not disclosed
    assert client.get(f"/api/v1/records/{record.number}/measures").status_code == 404
    office = make_user("office_gs", "credit_office", "62")
    client.force_login(office)
    codes = {r["code"] for r in client.get("/api/v1/measure-rules").json()}
    assert {"GOV-RECTIFY", "GOV-HONOURS-S", "CS-AWARDS"} <= codes
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    created = client.post(
        "/api/v1/measure-rules/GOV-HONOURS-M/revisions",
        {
            "changes": {"measures": [{"kind": "honours", "months": 3}]},
            "valid_from": tomorrow,
            "note": "轻微失信缩短为3个月",
            "legal_source": "省信用办决定",
        },
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["version"] == 2


@time_machine.travel(datetime.datetime(2027, 12, 27, 10, tzinfo=datetime.UTC), tick=False)
def test_measure_due_dates_move_when_the_schedule_is_entered(
    accept: Callable[..., Record],
) -> None:
    """Issue 12: GIVEN it is December 2027, 2028 has no official schedule yet, and a written
    explanation is due in 10 working days WHEN the record is accepted THEN its due date is
    provisional; entering the 2028 schedule moves it and clears the flag."""
    calendar_year_enter(
        year=2027,
        days=parse_schedule("2027-01-01 休 元旦", year=2027),
        source="通知",
        actor_name="a",
        actor_id=None,
    )
    record = accept(
        subject_kind="department",
        subject_name="城关区财政局",
        subject_identifier=new_uscc(),
        severity="serious",
    )
    explanation = Measure.objects.get(record=record, kind="explanation")
    assert explanation.due_provisional
    provisional = explanation.due_date
    calendar_year_enter(
        year=2028,
        days=parse_schedule("2028-01-03 休 元旦\n2028-01-04 休 元旦", year=2028),
        source="国办发明电〔2027〕号",
        actor_name="sys",
        actor_id=None,
    )
    explanation.refresh_from_db()
    assert not explanation.due_provisional
    assert explanation.due_date == provisional + datetime.timedelta(days=2)
    assert AuditEvent.objects.filter(action="measure.deadline_recompute").exists()
