"""What the back-office home pages show of records: a clerk's due, overdue and returned records
with working-day countdowns, the head of a reviewer's queue, and the figures by source and
severity. Every read is within the access policy's reach (`records_visible` / `policy.within`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from govtrust.core.workdays import working_days_left
from govtrust.core.workdays.engine import Calendar
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.records.models import Record, Reminder, Severity, SourceType
from govtrust.records.selectors import records_visible
from govtrust.records.selectors_stats import window_end
from govtrust.records.workflow import EDITABLE, Status

# "Due soon" on the home pages: the same window as the 报送统计 page's default (本地政策, a view
# of the 7-working-day deadline of records/services/deadlines.py, not a deadline of its own).
DUE_WITHIN_WORKING_DAYS = 3
SHOWN = 10  # lines per block on a home page; the full lists page the rest


@dataclass(frozen=True)
class Line:
    record: Record
    days_left: int  # working days after today up to the deadline; negative: overdue by that many


@dataclass
class ClerkWork:
    overdue: list[Line] = field(default_factory=list)
    due_soon: list[Line] = field(default_factory=list)
    returned: list[Line] = field(default_factory=list)
    overdue_count: int = 0
    due_soon_count: int = 0
    returned_count: int = 0
    drafts_count: int = 0
    unread_reminders: int = 0


def _lines(records: QuerySet[Record], today: datetime.date, calendar: Calendar) -> list[Line]:
    return [
        Line(r, working_days_left(today, r.due_date, calendar=calendar)) for r in records[:SHOWN]
    ]


def clerk_work(*, user: User, today: datetime.date) -> ClerkWork:
    """The clerk's unfinished records: past their deadline, due within the window, returned by
    the reviewer (with the reason), nearest deadline first."""
    policy.require(user, "records.file")
    open_ = records_visible(user).filter(status__in=EDITABLE).order_by("due_date", "id")
    horizon = window_end(today, DUE_WITHIN_WORKING_DAYS)
    overdue = open_.filter(due_date__lt=today)
    due_soon = open_.filter(due_date__gte=today, due_date__lte=horizon)
    returned = open_.filter(status=Status.RETURNED)
    calendar = Calendar.whole()  # one read of the override table for the page
    unread = policy.addressed_to(Reminder.objects.all(), user).filter(read_at__isnull=True)
    return ClerkWork(
        overdue=_lines(overdue, today, calendar),
        due_soon=_lines(due_soon, today, calendar),
        returned=_lines(returned, today, calendar),
        overdue_count=overdue.count(),
        due_soon_count=due_soon.count(),
        returned_count=returned.count(),
        drafts_count=open_.filter(status=Status.DRAFT).count(),
        unread_reminders=unread.count(),
    )


def review_head(*, user: User, today: datetime.date) -> tuple[list[Line], int]:
    """The first lines of the reviewer's queue (submitted records in reach, the reporting
    deadline first, as the queue page orders them) and the queue's length."""
    policy.require(user, "records.review")
    queue = records_visible(user).filter(status=Status.SUBMITTED).order_by("due_date", "id")
    return _lines(queue, today, Calendar.whole()), queue.count()


@dataclass(frozen=True)
class SourceSeverity:
    """Records in reach (drafts aside: unfinished work) by source, one count per severity."""

    sources: list[str]  # labels, in the order of SourceType
    severities: list[str]  # labels, in the order of Severity
    counts: list[list[int]]  # counts[severity][source]
    total: int


def records_by_source_severity(*, user: User) -> SourceSeverity:
    policy.require(user, "figures.read")
    rows = (
        policy.within(Record.objects.exclude(status=Status.DRAFT), user)
        .values("source_type", "severity")
        .annotate(n=Count("id"))
        .order_by()
    )
    found = {(r["source_type"], r["severity"]): r["n"] for r in rows}
    counts = [[found.get((s, v), 0) for s in SourceType.values] for v in Severity.values]
    return SourceSeverity(
        sources=[str(label) for label in SourceType.labels],
        severities=[str(label) for label in Severity.labels],
        counts=counts,
        total=sum(found.values()),
    )
