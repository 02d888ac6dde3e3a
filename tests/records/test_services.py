"""Record intake and review through the services: deadlines, lifecycle, duplicates, scope."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.db import connection

from govtrust.core.errors import Conflict, DomainError, Forbidden, NotFound
from govtrust.core.models import AuditEvent
from govtrust.core.workdays.services import calendar_year_enter, parse_schedule
from govtrust.directory.models import User
from govtrust.directory.services import civil_servant_create
from govtrust.records.models import Record
from govtrust.records.schemas import RecordIn
from govtrust.records.selectors import record_get, records_visible
from govtrust.records.services import (
    record_accept,
    record_create,
    record_return,
    record_submit,
    record_update,
)
from tests.conftest import new_ric, new_uscc, record_payload

pytestmark = pytest.mark.django_db


def create(actor: User, **overrides: Any) -> Record:
    return record_create(data=RecordIn.model_validate(record_payload(**overrides)), actor=actor)


def test_a_new_record_gets_a_number_and_a_seven_working_day_due_date(clerk: User) -> None:
    record = create(clerk, arose_on="2025-09-26")
    assert record.number.startswith(f"620102-{datetime.date.today().year}-")
    assert record.due_date == datetime.date(2025, 10, 13)
    assert not record.due_provisional
    assert record.status == "draft"
    assert record.reporting_department == clerk.department
    assert record.division_code == "620102"


def test_numbers_count_up_per_unit(clerk: User, make_user: Callable[..., User]) -> None:
    other = make_user("clerk_ts", "clerk", "620502", "秦州区交通运输局")
    first, second = create(clerk), create(clerk)
    elsewhere = create(other)
    assert int(second.number[-5:]) == int(first.number[-5:]) + 1
    assert elsewhere.number.startswith("620502-") and elsewhere.number.endswith("00001")


def test_citizen_id_is_encrypted_at_rest_and_masked(clerk: User) -> None:
    number = new_ric()
    record = create(clerk, subject_identifier=number)
    assert record.subject_ric_masked == f"{number[:6]}********{number[14:]}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM records_record WHERE id = %s", [record.pk])
        row = cursor.fetchone()
    dumped = repr(row)
    assert number not in dumped and number[6:14] not in dumped


def test_submission_within_the_deadline_is_on_time(clerk: User) -> None:
    today = datetime.date.today()
    record = record_submit(
        record=create(clerk, decision_date=str(today), arose_on=str(today)), actor=clerk
    )
    assert record.status == "submitted" and record.on_time is True
    assert record.submitted_at is not None


def test_late_submission_is_flagged(clerk: User) -> None:
    record = record_submit(record=create(clerk, arose_on="2025-09-26"), actor=clerk)
    assert record.on_time is False


def test_reviewer_above_accepts_and_history_shows_every_step(clerk: User, reviewer: User) -> None:
    record = record_submit(record=create(clerk), actor=clerk)
    record = record_accept(record=record, actor=reviewer)
    assert record.status == "accepted" and record.reviewed_by == reviewer
    steps = [(e.action, e.from_status, e.to_status) for e in record.events.all()]
    assert steps == [
        ("create", "", "draft"),
        ("submit", "draft", "submitted"),
        ("accept", "submitted", "accepted"),
    ]
    actions = list(
        AuditEvent.objects.filter(object_id=record.number).values_list("action", flat=True)
    )
    # Accepting issues the record's measures in the same transaction (sanctions app).
    assert actions == ["record.create", "record.submit", "record.accept", "measure.issue"]


def test_return_needs_a_reason_and_the_unit_corrects_and_resubmits(
    clerk: User, reviewer: User
) -> None:
    record = record_submit(record=create(clerk), actor=clerk)
    with pytest.raises(DomainError, match="原因"):
        record_return(record=record, actor=reviewer, reason="  ")
    record = record_return(record=record, actor=reviewer, reason="文书号有误")
    assert record.status == "returned" and record.return_reason == "文书号有误"
    corrected = record_update(
        record=record,
        data=RecordIn.model_validate(record_payload(decision_number="兰财罚〔2025〕999号")),
        actor=clerk,
        version=record.version,
    )
    resubmitted = record_submit(record=corrected, actor=clerk)
    assert resubmitted.status == "submitted" and resubmitted.return_reason == ""
    assert resubmitted.first_submitted_at == record.first_submitted_at  # on-time fixed at first


def test_a_transition_cannot_happen_twice(clerk: User, reviewer: User) -> None:
    record = record_submit(record=create(clerk), actor=clerk)
    record_accept(record=record, actor=reviewer)
    with pytest.raises(Conflict, match="已入库"):
        record_accept(record=record, actor=reviewer)
    with pytest.raises(Conflict):
        record_return(record=record, actor=reviewer, reason="晚了")


def test_stale_version_is_refused(clerk: User, reviewer: User) -> None:
    record = record_submit(record=create(clerk), actor=clerk)
    with pytest.raises(Conflict, match="刷新"):
        record_accept(record=record, actor=reviewer, version=record.version - 1)
    assert Record.objects.get(pk=record.pk).status == "submitted"


def test_roles_are_enforced(clerk: User, reviewer: User, make_user: Callable[..., User]) -> None:
    record = create(clerk)
    with pytest.raises(Forbidden):
        record_submit(record=record, actor=reviewer)
    record_submit(record=record, actor=clerk)
    with pytest.raises(Forbidden):
        record_accept(record=record, actor=clerk)
    with pytest.raises(Forbidden):
        create(reviewer)
    auditor = make_user("auditor1", "auditor", "62")
    with pytest.raises(Forbidden):
        records_visible(auditor)


def test_sibling_scope_sees_nothing_and_changes_nothing(
    clerk: User, sibling_reviewer: User
) -> None:
    record = record_submit(record=create(clerk), actor=clerk)
    assert not records_visible(sibling_reviewer).filter(pk=record.pk).exists()
    with pytest.raises(NotFound):
        record_get(user=sibling_reviewer, pk=record.pk)
    with pytest.raises(NotFound):
        record_accept(record=record, actor=sibling_reviewer)
    assert Record.objects.get(pk=record.pk).status == "submitted"


def test_clerk_of_another_department_of_the_same_government_cannot_see(
    clerk: User, make_user: Callable[..., User]
) -> None:
    neighbour = make_user("clerk_cg2", "clerk", "620102", "城关区教育局")
    record = create(clerk)
    with pytest.raises(NotFound):
        record_submit(record=record, actor=neighbour)


def test_reviewers_do_not_see_drafts(clerk: User, reviewer: User) -> None:
    draft = create(clerk)
    assert not records_visible(reviewer).filter(pk=draft.pk).exists()


def test_same_decision_for_the_same_subject_is_refused_with_a_pointer(clerk: User) -> None:
    ric = new_ric()
    first = create(clerk, subject_identifier=ric, decision_number="兰财罚〔2025〕7号")
    with pytest.raises(Conflict) as caught:
        # Brackets, width and spaces differ; it is the same decision.
        create(clerk, subject_identifier=ric.lower(), decision_number=" 兰财罚[2025]７号 ")
    assert first.number in caught.value.detail
    assert Record.objects.count() == 1


def test_a_returned_record_does_not_block_a_new_one_for_the_same_decision(
    clerk: User, reviewer: User
) -> None:
    ric = new_ric()
    first = record_submit(record=create(clerk, subject_identifier=ric), actor=clerk)
    record_return(record=first, actor=reviewer, reason="主体有误")
    second = create(clerk, subject_identifier=ric, decision_number=first.decision_number)
    assert second.pk != first.pk
    with pytest.raises(Conflict, match=second.number):
        record_submit(record=first, actor=clerk)  # the old one cannot come back beside it


def test_a_known_subject_outside_the_units_scope_is_refused(
    clerk: User, make_department: Callable[..., Any]
) -> None:
    elsewhere = make_department("620502", "秦州区财政局")
    person = civil_servant_create(department=elsewhere, name="李明", ric=(ric := new_ric()))
    with pytest.raises(DomainError, match="管辖范围"):
        create(clerk, subject_identifier=ric, subject_name=person.name)
    with pytest.raises(DomainError, match="管辖范围"):
        create(clerk, subject_kind="department", subject_identifier=elsewhere.uscc)
    assert not Record.objects.exists()


def test_a_known_subject_in_scope_is_linked(clerk: User) -> None:
    assert clerk.department is not None
    person = civil_servant_create(department=clerk.department, name="王伟", ric=(ric := new_ric()))
    record = create(clerk, subject_identifier=ric)
    assert record.subject_person == person
    department_record = create(
        clerk,
        subject_kind="department",
        subject_name=clerk.department.name,
        subject_identifier=clerk.department.uscc,
    )
    assert department_record.subject_department == clerk.department
    unknown = create(clerk, subject_kind="department", subject_identifier=new_uscc())
    assert unknown.subject_department is None


def test_a_known_identifier_under_another_name_is_refused(clerk: User) -> None:
    """Red-team finding: a department's USCC was filed under another department's name, and a
    civil servant's ID under a stranger's name. The directory's name is not echoed for a
    person (it would disclose who holds an ID number)."""
    assert clerk.department is not None
    civil_servant_create(department=clerk.department, name="王伟", ric=(ric := new_ric()))
    with pytest.raises(DomainError) as person:
        create(clerk, subject_name="完全不同的人", subject_identifier=ric)
    assert person.value.errors[0][0] == "subject_name"
    assert "王伟" not in person.value.errors[0][1]
    with pytest.raises(DomainError) as body:
        create(
            clerk,
            subject_kind="department",
            subject_name="城关区教育局",
            subject_identifier=clerk.department.uscc,
        )
    assert clerk.department.name in body.value.errors[0][1]


@time_machine.travel(datetime.datetime(2027, 12, 27, 10, tzinfo=datetime.UTC), tick=False)
def test_provisional_deadlines_are_recomputed_when_the_schedule_is_entered(
    clerk: User,
) -> None:
    """GIVEN it is December 2027 and 2028 has no schedule yet
    WHEN a record arises on Mon 27 Dec 2027, its deadline reaches into 2028 and is provisional
    THEN entering the 2028 schedule (1 Jan a holiday... a Saturday; say 3 Jan too) moves it."""
    schedule_2027 = parse_schedule("2027-01-01 休 元旦", year=2027)
    calendar_year_enter(year=2027, days=schedule_2027, source="通知", actor_name="a", actor_id=None)
    record = create(clerk, decision_date="2027-12-27", arose_on="2027-12-27")
    assert record.due_provisional
    assert record.due_date == datetime.date(2028, 1, 5)  # 28-31 Dec, then Mon 3, Tue 4, Wed 5
    calendar_year_enter(
        year=2028,
        days=parse_schedule("2028-01-03 休 元旦补休\n2028-01-04 休 假想的假日", year=2028),
        source="国办发明电〔2027〕X号",
        actor_name="sysadmin",
        actor_id=None,
    )
    record.refresh_from_db()
    assert not record.due_provisional
    assert record.due_date == datetime.date(2028, 1, 7)
    assert AuditEvent.objects.filter(action="record.deadline_recompute").count() == 1
