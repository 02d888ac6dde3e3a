"""Collectors: what each assessed unit did in a year, read from the platform in bulk.

Each collector is one or two aggregate queries over the whole year (GROUP BY the owning unit),
never a loop over units, and returns {unit key: {input field: count}}. They are a registry
(name -> function): a module that brings new data (inspections, training, third-party
evaluation, broken-promise complaints) registers its own collector with `@collector("name")`
and a formula in engine.FORMULAS reading its fields; until then those indicators are entered.

Unit keys: "g:<division code>" for a government, "d:<department id>" for a department.
Attribution: a record counts against its subject (a civil servant's against the department);
on-time reporting against the reporting unit; a rectification against the record's subject;
an objection against the unit that reported the record (it verifies), a public report against
its target; a suggestion and a plan task against the handling unit.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q

from govtrust.measures.models import Measure, MeasureKind
from govtrust.records.models import Record, Severity, SourceType, SubjectKind
from govtrust.records.workflow import Status
from govtrust.remedies.models import Case, CaseKind
from govtrust.supervision.models import (
    PlanTaskUnit,
    ReportState,
    Satisfaction,
    Suggestion,
    SuggestionState,
)

BEIJING = ZoneInfo("Asia/Shanghai")
Counts = dict[str, dict[str, int]]


@dataclass
class Context:
    """The year and the maps from the platform's ids to unit keys."""

    year: int
    governments: dict[int, str] = field(default_factory=dict)  # government id -> key
    departments: dict[int, str] = field(default_factory=dict)  # department id -> key

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:  # exclusive
        return datetime.date(self.year + 1, 1, 1)

    @property
    def start_at(self) -> datetime.datetime:  # the year in Beijing time
        return datetime.datetime(self.year, 1, 1, tzinfo=BEIJING)

    @property
    def end_at(self) -> datetime.datetime:
        return datetime.datetime(self.year + 1, 1, 1, tzinfo=BEIJING)

    def key(self, government: int | None, department: int | None) -> str | None:
        """The unit a row belongs to: its department if it names one, else its government."""
        if department is not None:
            return self.departments.get(department)
        if government is not None:
            return self.governments.get(government)
        return None


Collector = Callable[[Context], Counts]
COLLECTORS: dict[str, Collector] = {}


def collector(name: str) -> Callable[[Collector], Collector]:
    def register(fn: Collector) -> Collector:
        COLLECTORS[name] = fn
        return fn

    return register


def _add(out: Counts, key: str | None, values: dict[str, Any]) -> None:
    if key is None:
        return
    row = out.setdefault(key, {})
    for name, value in values.items():
        row[name] = row.get(name, 0) + int(value or 0)


def _fold(ctx: Context, rows: Iterable[tuple[Any, ...]], names: tuple[str, ...]) -> Counts:
    """Rows of (government id, department id, *counts) summed per unit."""
    out: Counts = {}
    for government, department, *counts in rows:
        _add(out, ctx.key(government, department), dict(zip(names, counts, strict=True)))
    return out


@collector("records")
def records(ctx: Context) -> Counts:
    """Dishonesty records by severity (decided this year) and pending court-list entries (decided
    by the year's end), for governments and departments as subjects, and civil servants' records
    counted against their department. Accepted records only (已入库)."""
    year = Q(decision_date__gte=ctx.start)
    counts = {
        "records_serious": Count("id", filter=year & Q(severity=Severity.SERIOUS)),
        "records_general": Count("id", filter=year & Q(severity=Severity.GENERAL)),
        "records_minor": Count("id", filter=year & Q(severity=Severity.MINOR)),
    }
    base = Record.objects.filter(status=Status.ACCEPTED, decision_date__lt=ctx.end)
    units = (
        base.filter(subject_kind__in=[SubjectKind.GOVERNMENT, SubjectKind.DEPARTMENT])
        .values_list("subject_government_id", "subject_department_id")
        .annotate(
            **counts,
            court_list_pending=Count("id", filter=Q(source_type=SourceType.DEBTOR_LIST)),
        )
        .order_by()
    )
    names = (*counts, "court_list_pending")
    out = _fold(ctx, units, names)
    people = (
        base.filter(year, subject_kind=SubjectKind.CIVIL_SERVANT, subject_person__isnull=False)
        .values_list("subject_person__department_id")
        .annotate(**counts)
        .order_by()
    )
    for department, *values in people:
        _add(out, ctx.departments.get(department), dict(zip(counts, values, strict=True)))
    return out


@collector("reporting")
def reporting(ctx: Context) -> Counts:
    """Records first submitted this year by the unit, and those submitted on time (within the
    period counted from the day the information arose: 7 working days, records.due_date)."""
    rows = (
        Record.objects.filter(
            first_submitted_at__gte=ctx.start_at, first_submitted_at__lt=ctx.end_at
        )
        .values_list("reporting_government_id", "reporting_department_id")
        .annotate(
            reported=Count("id", filter=Q(on_time__isnull=False)),
            reported_on_time=Count("id", filter=Q(on_time=True)),
        )
        .order_by()
    )
    return _fold(ctx, rows, ("reported", "reported_on_time"))


@collector("rectification")
def rectification(ctx: Context) -> Counts:
    """Rectification measures (限期整改) due this year, and those handed in by the deadline."""
    due = Measure.objects.filter(
        kind=MeasureKind.RECTIFICATION, due_date__gte=ctx.start, due_date__lt=ctx.end
    )
    names = ("rectifications_due", "rectified_on_time")
    aggregates = {
        "rectifications_due": Count("id"),
        "rectified_on_time": Count(
            "id", filter=Q(submitted_at__isnull=False, submitted_late=False)
        ),
    }
    rows = (
        due.values_list("record__subject_government_id", "record__subject_department_id")
        .annotate(**aggregates)
        .order_by()
    )
    out = _fold(ctx, rows, names)
    people = (
        due.filter(record__subject_person__isnull=False)
        .values_list("record__subject_person__department_id")
        .annotate(**aggregates)
        .order_by()
    )
    for department, *values in people:
        _add(out, ctx.departments.get(department), dict(zip(names, values, strict=True)))
    return out


@collector("cases")
def cases(ctx: Context) -> Counts:
    """Objections and public reports closed this year, and those never late at any step."""
    closed = Case.objects.filter(closed_at__gte=ctx.start_at, closed_at__lt=ctx.end_at)
    aggregates = {"cases_closed": Count("id"), "cases_on_time": Count("id", filter=Q(late=False))}
    names = tuple(aggregates)
    objections = (
        closed.filter(kind=CaseKind.OBJECTION, record__isnull=False)
        .values_list("record__reporting_government_id", "record__reporting_department_id")
        .annotate(**aggregates)
        .order_by()
    )
    out = _fold(ctx, objections, names)
    reports = (
        closed.filter(kind=CaseKind.REPORT)
        .values_list("target_government_id", "target_department_id")
        .annotate(**aggregates)
        .order_by()
    )
    for key, values in _fold(ctx, reports, names).items():
        _add(out, key, values)
    return out


@collector("suggestions")
def suggestions(ctx: Context) -> Counts:
    """Suggestions and proposals whose reply was due this year: replied in time; and the
    proposers' views of the replies."""
    rows = (
        Suggestion.objects.filter(due_date__gte=ctx.start, due_date__lt=ctx.end)
        .exclude(state=SuggestionState.HANDED_BACK)
        .values_list("government_id", "department_id")
        .annotate(
            suggestions_due=Count("id"),
            suggestions_on_time=Count("id", filter=Q(replied_on__isnull=False, replied_late=False)),
            suggestions_satisfied=Count("id", filter=Q(satisfaction=Satisfaction.SATISFIED)),
            suggestions_basic=Count("id", filter=Q(satisfaction=Satisfaction.BASIC)),
            suggestions_unsatisfied=Count("id", filter=Q(satisfaction=Satisfaction.UNSATISFIED)),
        )
        .order_by()
    )
    names = (
        "suggestions_due",
        "suggestions_on_time",
        "suggestions_satisfied",
        "suggestions_basic",
        "suggestions_unsatisfied",
    )
    return _fold(ctx, rows, names)


@collector("plan_tasks")
def plan_tasks(ctx: Context) -> Counts:
    """The plan's tasks a unit answers for that were open in the year (no deadline, or one not
    before the year), and those with a progress report for the year not returned."""
    open_tasks = PlanTaskUnit.objects.filter(
        Q(task__deadline__isnull=True) | Q(task__deadline__gte=ctx.start)
    )
    everything = (
        open_tasks.values_list("government_id", "department_id")
        .annotate(plan_tasks=Count("id"))
        .order_by()
    )
    out = _fold(ctx, everything, ("plan_tasks",))
    reported = (
        open_tasks.filter(
            reports__year=ctx.year,
            reports__state__in=[ReportState.SUBMITTED, ReportState.VERIFIED],
        )
        .values_list("government_id", "department_id")
        .annotate(plan_tasks_reported=Count("id", distinct=True))
        .order_by()
    )
    for key, values in _fold(ctx, reported, ("plan_tasks_reported",)).items():
        _add(out, key, values)
    return out


def collect(ctx: Context, names: Iterable[str] | None = None) -> Counts:
    """Every registered collector's counts, merged per unit."""
    out: Counts = {}
    for name in sorted(names if names is not None else COLLECTORS):
        for key, values in COLLECTORS[name](ctx).items():
            _add(out, key, values)
    return out
