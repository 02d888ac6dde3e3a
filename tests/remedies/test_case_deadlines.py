"""Case deadlines move with the calendar, as record deadlines do (issue 12: every app with
working-day deadlines registers with the calendar)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine

from govtrust.core.models import AuditEvent
from govtrust.core.workdays.services import calendar_year_enter, parse_schedule
from govtrust.directory.models import Department, User
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_create
from govtrust.remedies.rules import CLOCKS, repair_exchange_days
from tests.conftest import record_payload
from tests.remedies.conftest import anonymous_report

pytestmark = pytest.mark.django_db
D = datetime.date


@time_machine.travel(datetime.datetime(2027, 12, 27, 10, tzinfo=datetime.UTC), tick=False)
def test_entering_a_years_schedule_moves_record_and_case_deadlines(
    clerk: User, make_department: Callable[..., Department]
) -> None:
    """Given it is Monday 27 December 2027 and 2028 has no official schedule yet,
    when a record arises and a report is filed that day, both deadlines reach into 2028 and are
    provisional; entering the 2028 schedule (3 and 4 January holidays) moves both, audited."""
    calendar_year_enter(
        year=2027,
        days=parse_schedule("2027-01-01 休 元旦", year=2027),
        source="通知",
        actor_name="a",
        actor_id=None,
    )
    record = record_create(
        data=RecordIn.model_validate(
            record_payload(decision_date="2027-12-27", arose_on="2027-12-27")
        ),
        actor=clerk,
    )
    department = make_department("620102", "城关区财政局")
    case = anonymous_report(department.pk, "192.0.2.1")
    # 15 working days from 27 Dec: 28-31 Dec (4), then 2028 on weekdays: 3-7, 10-14 Jan (10),
    # and Mon 17 Jan.
    assert case.due_provisional and case.due_date == D(2028, 1, 17)
    assert record.due_provisional

    calendar_year_enter(
        year=2028,
        days=parse_schedule("2028-01-03 休 元旦补休\n2028-01-04 休 假想的假日", year=2028),
        source="国办发明电〔2027〕X号",
        actor_name="sysadmin",
        actor_id=None,
    )

    case.refresh_from_db()
    record.refresh_from_db()
    assert not case.due_provisional and case.due_date == D(2028, 1, 19)
    assert not record.due_provisional and record.due_date == D(2028, 1, 7)
    event = AuditEvent.objects.get(action="case.deadline_recompute", object_id=case.number)
    assert event.after is not None and event.after["due_date"] == "2028-01-19"


def test_case_time_limits_say_they_are_local_policy_and_follow_their_settings(
    settings: Any,
) -> None:
    """No binding text gives the case time limits: each says it is local policy, and each
    figure (and the repair's exchange deadline) follows its setting."""
    assert all("本地政策" in clock.source for clock in CLOCKS.values())
    settings.GOVTRUST_REPORT_REPLY_DAYS = 20
    settings.GOVTRUST_REPAIR_EXCHANGE_DAYS = 5
    assert CLOCKS[("report", "received")].days == 20
    assert repair_exchange_days() == 5
