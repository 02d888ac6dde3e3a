"""What the back-office home pages show of records: a clerk's due, overdue and returned records
with working-day countdowns, the head of a reviewer's queue, and the figures by source and
severity. Every read is within the access policy's reach (`records_visible` / `policy.within`)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, F, QuerySet, When
from django.utils import timezone

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


# ---- supervision on the home pages ---------------------------------------------------------


@dataclass(frozen=True)
class DueLine:
    """One piece of supervision work with its deadline and working-day countdown (negative:
    overdue by that many); `days_left` None when the work has no deadline of its own."""

    item: Any
    due: datetime.date | None
    days_left: int | None
    waited: int | None = None  # working days since the work arrived (findings to confirm)


@dataclass
class InspectorWork:
    inspections: list[Any] = field(default_factory=list)
    inspections_count: int = 0
    to_confirm: list[DueLine] = field(default_factory=list)
    to_confirm_count: int = 0
    to_verify: list[DueLine] = field(default_factory=list)
    to_verify_count: int = 0


def _due_lines(
    items: Iterable[Any],
    due_of: Callable[[Any], datetime.date | None],
    today: datetime.date,
    calendar: Calendar,
) -> list[DueLine]:
    lines = []
    for item in items:
        due = due_of(item)
        days = None if due is None else working_days_left(today, due, calendar=calendar)
        lines.append(DueLine(item, due, days))
    return lines


def inspector_work(*, user: User, today: datetime.date) -> InspectorWork:
    """An inspector's open inspections (those of its teams still underway) and the findings of
    its teams that wait for it: recorded by another member and awaiting the second member's
    confirmation, answered by the unit and awaiting verification (each with the working days
    it has waited, and the rectification deadline). Within reach through the inspection
    selectors."""
    from govtrust.supervision import selectors_inspections as inspections
    from govtrust.supervision.models import FindingState, InspectionState

    policy.require(user, "inspections.inspect")
    calendar = Calendar.whole()
    underway = inspections.inspections_visible(user).filter(state=InspectionState.UNDERWAY)
    findings = inspections.findings_visible(user)
    # Four eyes: a finding is confirmed by a member other than its recorder.
    confirm = (
        findings.filter(state=FindingState.RECORDED)
        .exclude(recorded_by=user)
        .order_by("recorded_at", "id")
    )
    verify = findings.filter(state=FindingState.ANSWERED).order_by("due_date", "id")
    to_confirm = [
        DueLine(
            f,
            None,
            None,
            -working_days_left(today, timezone.localdate(f.recorded_at), calendar=calendar),
        )
        for f in confirm[:SHOWN]
    ]
    return InspectorWork(
        inspections=list(underway.order_by("period_end", "id")[:SHOWN]),
        inspections_count=underway.count(),
        to_confirm=to_confirm,
        to_confirm_count=confirm.count(),
        to_verify=[
            DueLine(
                f,
                f.due_date,
                None
                if f.due_date is None
                else working_days_left(today, f.due_date, calendar=calendar),
                None
                if f.answered_on is None
                else -working_days_left(today, f.answered_on, calendar=calendar),
            )
            for f in verify[:SHOWN]
        ],
        to_verify_count=verify.count(),
    )


@dataclass
class UnitSupervision:
    """A unit's supervision work, each part None when the role has no such duty."""

    findings: list[DueLine] | None = None
    findings_count: int = 0
    suggestions: list[DueLine] | None = None
    suggestions_count: int = 0
    reports: list[DueLine] | None = None
    reports_count: int = 0

    @property
    def any(self) -> bool:
        return any(x is not None for x in (self.findings, self.suggestions, self.reports))


def unit_supervision(*, user: User, today: datetime.date) -> UnitSupervision:
    """What the user's own unit has to do under supervision, nearest deadline first: findings
    of inspections to rectify, deputies' suggestions and CPPCC proposals to answer, and the
    plan tasks' reports due (not yet handed in). Each read through the supervision selectors,
    which take the unit from directory/policy.py (answerable_q)."""
    from govtrust.supervision import rules as plan_rules
    from govtrust.supervision import selectors as plans
    from govtrust.supervision import selectors_inspections as inspections
    from govtrust.supervision.models import FindingState, SuggestionState

    calendar = Calendar.whole()
    work = UnitSupervision()
    if policy.permits(user, "inspections.answer"):
        rectifying = (
            inspections.findings_answerable(user)
            .filter(state=FindingState.RECTIFYING)
            .order_by("due_date", "id")
        )
        work.findings = _due_lines(rectifying[:SHOWN], lambda f: f.due_date, today, calendar)
        work.findings_count = rectifying.count()
    if policy.permits(user, "suggestions.answer"):
        # The reply due: the second reply's when the proposer asked for one, else the first's.
        open_ = (
            plans.suggestions_answerable(user)
            .filter(state__in=(SuggestionState.ASSIGNED, SuggestionState.REHANDLING))
            .annotate(
                reply_due=Case(
                    When(state=SuggestionState.REHANDLING, then=F("rehandle_due")),
                    default=F("due_date"),
                )
            )
            .order_by(F("reply_due").asc(nulls_last=True), "id")
        )
        work.suggestions = _due_lines(open_[:SHOWN], lambda s: s.reply_due, today, calendar)
        work.suggestions_count = open_.count()
    if policy.permits(user, "plan_tasks.report"):
        year = plans.default_year(today)
        due_years = {year: plan_rules.yearly_due(year), year + 1: plan_rules.yearly_due(year + 1)}
        waiting = (plans.OVERDUE.key, plans.OPEN.key, plans.RETURNED.key)
        lines: list[tuple[datetime.date, Any]] = []
        for unit in plans.units_answerable(user):
            reports = list(unit.reports.all())
            if unit.task.deadline is not None:
                cell = plans.cell_state(unit.task, reports, year, today, unit.starts_on)
                due = plans.unit_deadline(unit.task, unit.starts_on)
                if cell.key in waiting and due is not None:
                    lines.append((due, (unit, cell, None)))
                continue
            # A continuous task: the report of the latest year due, else the next one.
            for report_year, due in due_years.items():
                cell = plans.cell_state(unit.task, reports, report_year, today, unit.starts_on)
                if cell.key in waiting:
                    lines.append((due, (unit, cell, report_year)))
                    break
        lines.sort(key=lambda pair: (pair[0], pair[1][0].pk))
        work.reports = [
            DueLine(item, due, working_days_left(today, due, calendar=calendar))
            for due, item in lines[:SHOWN]
        ]
        work.reports_count = len(lines)
    return work
