"""Reporting deadlines: 7 working days after the information arises (plan 四(五), 三(二)3)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.workdays import Deadline, add_working_days
from govtrust.core.workdays.engine import Calendar
from govtrust.records.models import Record

REPORTING_WORKING_DAYS = 7  # 甘肃省实施方案 四(五): 7个工作日内报送


def reporting_deadline(arose_on: datetime.date, calendar: Calendar | None = None) -> Deadline:
    return add_working_days(arose_on, REPORTING_WORKING_DAYS, calendar=calendar)


def on_time(submitted_on: datetime.date, due_date: datetime.date) -> bool:
    return submitted_on <= due_date


@transaction.atomic
def deadlines_recompute() -> int:
    """Recompute every provisional reporting deadline after the calendar changed."""
    changed = 0
    for record in Record.objects.select_for_update().filter(due_provisional=True):
        deadline = reporting_deadline(record.arose_on)
        before = {"due_date": str(record.due_date), "on_time": record.on_time}
        record.due_date, record.due_provisional = deadline.due_date, deadline.provisional
        if record.first_submitted_at is not None:
            record.on_time = on_time(_local_date(record.first_submitted_at), deadline.due_date)
        record.save(update_fields=["due_date", "due_provisional", "on_time", "updated_at"])
        audit_append(
            actor="system",
            action="record.deadline_recompute",
            object_type="record",
            object_id=record.number,
            before=before,
            after={
                "due_date": str(record.due_date),
                "provisional": record.due_provisional,
                "on_time": record.on_time,
            },
        )
        changed += 1
    return changed


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()
