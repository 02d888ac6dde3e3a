"""Reads of plan-task supervision, always through the access policy: the units a user answers
for, the task × unit matrix of the units in reach, and one task's reports."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.supervision import rules
from govtrust.supervision.models import (
    PlanEscalation,
    PlanTask,
    PlanTaskUnit,
    ProgressReport,
    ReportState,
    ResultCode,
    Satisfaction,
    Suggestion,
)


@dataclass(frozen=True)
class Cell:
    key: str  # done / verified / submitted / returned / overdue / open
    label: str
    tone: str  # the tag's CSS class (app.css): ok / warn / bad / ""


DONE = Cell("done", "已完成", "ok")
VERIFIED = Cell("verified", "已核实", "ok")
SUBMITTED = Cell("submitted", "待核实", "warn")
RETURNED = Cell("returned", "已退回", "bad")
OVERDUE = Cell("overdue", "逾期", "bad")
OPEN = Cell("open", "未到期", "")
UNASSIGNED = Cell("unassigned", "待指定", "")  # a group the plan names, no department yet
NOT_YET = Cell("not_yet", "尚未负责", "")  # a unit assigned after that year
CELLS = (DONE, VERIFIED, SUBMITTED, RETURNED, OVERDUE, OPEN)


def unit_deadline(task: PlanTask, starts_on: datetime.date) -> datetime.date | None:
    """A unit's completion deadline on a task with one: the task's, or for a unit assigned after
    it, the next yearly reporting day (rules.late_start_due)."""
    if task.deadline is None:
        return None
    return task.deadline if starts_on <= task.deadline else rules.late_start_due(starts_on)


def cell_state(
    task: PlanTask,
    reports: list[ProgressReport],
    year: int,
    today: datetime.date,
    starts_on: datetime.date | None = None,
    yearly: datetime.date | None = None,
) -> Cell:
    """Where one unit stands on one task: a task with a deadline is judged on completion (a
    verified report at 100 %), a continuous one on its report for `year`. `starts_on`: from
    when the unit answers for the task (a unit assigned later is not overdue for before);
    `yearly`: `year`'s due date when the caller has it already (a matrix asks once)."""
    starts_on = starts_on or datetime.date(rules.FIRST_YEAR, 6, 28)
    if task.deadline is not None:
        if any(
            r.state == ReportState.VERIFIED and r.percent == rules.DONE_PERCENT for r in reports
        ):
            return DONE
        relevant = reports
        due = unit_deadline(task, starts_on) or task.deadline
    else:
        relevant = [r for r in reports if r.year == year]
        if any(r.state == ReportState.VERIFIED for r in relevant):
            return VERIFIED
        if year < starts_on.year and not relevant:
            return NOT_YET
        due = yearly or rules.yearly_due(year)
    if any(r.state == ReportState.SUBMITTED for r in relevant):
        return SUBMITTED
    if today > due:
        return OVERDUE
    if relevant and relevant[0].state == ReportState.RETURNED:  # newest first
        return RETURNED
    return OPEN


def _units(qs: QuerySet[PlanTaskUnit]) -> QuerySet[PlanTaskUnit]:
    return qs.select_related("task", "government", "department").prefetch_related(
        Prefetch("reports", queryset=ProgressReport.objects.order_by("-reported_at", "-id")),
        Prefetch("escalations", queryset=PlanEscalation.objects.order_by("level")),
    )


def units_answerable(user: User) -> QuerySet[PlanTaskUnit]:
    """The task units the user reports for in person (policy.answerable_q)."""
    if not policy.permits(user, "plan_tasks.report"):
        return PlanTaskUnit.objects.none()
    return _units(
        PlanTaskUnit.objects.filter(
            policy.answerable_q(user, division="division_code", department="department_id"),
            government__isnull=False,  # a group answers through the departments assigned to it
        )
    )


def units_in_reach(user: User) -> QuerySet[PlanTaskUnit]:
    return _units(policy.within(PlanTaskUnit.objects.all(), user))


@dataclass
class Column:
    """A unit of the matrix: a government or department (or a group not yet assigned)."""

    name: str
    kind: str  # 省直部门 / 市州 / 待指定
    cells: dict[int, tuple[PlanTaskUnit, Cell]] = field(default_factory=dict)


@dataclass(frozen=True)
class Matrix:
    tasks: list[PlanTask]
    rows: list[Column]
    totals: list[tuple[Cell, int]]

    def grid(self) -> list[tuple[Column, list[tuple[PlanTaskUnit, Cell] | None]]]:
        """Each row with one entry per task, in the tasks' order (None: not answerable)."""
        return [(row, [row.cells.get(t.pk) for t in self.tasks]) for row in self.rows]


def _row_key(unit: PlanTaskUnit) -> tuple[int, str, str]:
    if unit.government_id is None:
        return (2, unit.in_plan, "")
    if unit.department_id is not None:
        return (0, unit.division_code, unit.name)
    return (1, unit.division_code, unit.name)


_KINDS = {0: "部门", 1: "政府", 2: "待指定"}


def matrix(user: User, year: int, today: datetime.date) -> Matrix:
    """Tasks as columns, answerable units as rows, each cell the unit's state on the task."""
    rows: dict[tuple[int, str, str], Column] = {}
    totals: dict[str, int] = defaultdict(int)
    yearly = rules.yearly_due(year)
    for unit in units_in_reach(user):
        key = _row_key(unit)
        row = rows.setdefault(key, Column(unit.name, _KINDS[key[0]]))
        if unit.government_id is None:  # a group reports nothing itself
            row.cells[unit.task_id] = (unit, UNASSIGNED)
            continue
        cell = cell_state(unit.task, list(unit.reports.all()), year, today, unit.starts_on, yearly)
        row.cells[unit.task_id] = (unit, cell)
        totals[cell.key] += 1
    return Matrix(
        tasks=list(PlanTask.objects.all()),
        rows=[rows[key] for key in sorted(rows)],
        totals=[(cell, totals.get(cell.key, 0)) for cell in CELLS],
    )


def task_units(user: User, task: PlanTask) -> QuerySet[PlanTaskUnit]:
    """One task's units in the user's reach (all of them for the province)."""
    return units_in_reach(user).filter(task=task)


def default_year(today: datetime.date) -> int:
    return max(rules.FIRST_YEAR, rules.latest_due_year(today))


# ---- deputies' suggestions and CPPCC proposals -------------------------------------------


def suggestions_visible(user: User) -> QuerySet[Suggestion]:
    """The items whose handling unit the user reaches (the office above it, the unit itself)."""
    return policy.within(Suggestion.objects.all(), user).select_related("government", "department")


def suggestions_answerable(user: User) -> QuerySet[Suggestion]:
    """The items the user's own unit handles."""
    if not policy.permits(user, "suggestions.answer"):
        return Suggestion.objects.none()
    return Suggestion.objects.filter(
        policy.answerable_q(user, division="division_code", department="department_id")
    ).select_related("government", "department")


@dataclass
class SuggestionFigures:
    """Per handling unit (local definitions, shown beside the figures): 按期办复率 = replies on
    time / items whose reply is due or given; 满意率 = 满意 and 基本满意 / items with the
    proposer's view; 解决率 = result A / items replied."""

    unit: str
    total: int = 0
    due: int = 0
    on_time: int = 0
    replied: int = 0
    with_view: int = 0
    satisfied: int = 0
    solved: int = 0

    @staticmethod
    def _rate(part: int, whole: int) -> str:
        return f"{part / whole:.0%}" if whole else "—"

    @property
    def on_time_rate(self) -> str:
        return self._rate(self.on_time, self.due)

    @property
    def satisfaction_rate(self) -> str:
        return self._rate(self.satisfied, self.with_view)

    @property
    def solved_rate(self) -> str:
        return self._rate(self.solved, self.replied)


def suggestion_figures(user: User, today: datetime.date) -> list[SuggestionFigures]:
    rows: dict[tuple[int, int | None], SuggestionFigures] = {}
    items = list(suggestions_visible(user))
    # One row per unit, not per name: two counties' 财政局 stay apart, named with their government.
    names: dict[str, set[tuple[int, int | None]]] = {}
    for item in items:
        names.setdefault(item.handler, set()).add((item.government_id, item.department_id))
    for item in items:
        unit = item.handler
        if len(names[unit]) > 1 and item.department is not None:
            unit = f"{item.government.name}{item.department.name}"
        row = rows.setdefault((item.government_id, item.department_id), SuggestionFigures(unit))
        row.total += 1
        replied = item.replied_on is not None
        if replied or today > item.due_date:
            row.due += 1
        if replied:
            row.replied += 1
            row.on_time += not item.replied_late
            row.solved += item.result == ResultCode.A
        if item.satisfaction:
            row.with_view += 1
            row.satisfied += item.satisfaction != Satisfaction.UNSATISFIED
    return sorted(rows.values(), key=lambda row: row.unit)
