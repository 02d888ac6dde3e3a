"""Reads of measures, always within the reader's scope."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from govtrust.core.errors import NotFound
from govtrust.core.workdays import working_days_left
from govtrust.core.workdays.engine import Calendar
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.directory.selectors import division_names
from govtrust.measures.models import Measure, MeasureRule, MeasureStatus
from govtrust.measures.services.rectification import REPORTED
from govtrust.records.selectors import records_visible

# The ledger's views: what the unit still owes, what waits for the credit office, what is late.
STATES = {
    "open": ("待提交", Q(status=MeasureStatus.ACTIVE)),
    "submitted": ("待核验", Q(status=MeasureStatus.SUBMITTED)),
    "overdue": ("已逾期", None),  # needs today
    "done": ("已完成", Q(status=MeasureStatus.DONE)),
}


def measures_in_scope(user: User) -> QuerySet[Measure]:
    """Every measure within the user's reach, the latest issued first (the measures list)."""
    return (
        policy.within(Measure.objects.all(), user)
        .select_related("record__reporting_department", "record__reporting_government")
        .order_by("-issued_at", "-id")
    )


def rule_names(pairs: Iterable[tuple[str, int | None]]) -> dict[tuple[str, int | None], str]:
    """What a person reads for a rule a measure applied: "title（第N版）", not its code and
    version ("GOV-HONOURS-S v1"). `(code, None)` names the code's latest version (screening
    results keep the code only). One query; a code not found is shown as it is."""
    wanted = set(pairs)
    codes = {code for code, _version in wanted}
    if not codes:
        return {}
    found: dict[tuple[str, int | None], str] = {}
    rules = MeasureRule.objects.filter(code__in=codes).order_by("code", "version")
    for code, version, title in rules.values_list("code", "version", "title"):
        found[(code, version)] = f"{title}（第{version}版）"
        found[(code, None)] = title  # the latest version's title, ordered last
    return {key: found.get(key, key[0]) for key in wanted}


def measures_of(*, number: str, user: User) -> QuerySet[Measure]:
    """A record's measures; NotFound (404) when the record is outside the user's reach."""
    record = records_visible(user).filter(number=number[:24]).first()
    if record is None:
        raise NotFound()
    return Measure.objects.filter(record=record).order_by("id")


def rectification_figures(user: User, today: datetime.date) -> list[dict[str, Any]]:
    """Per reporting division: explanations and rectifications due, done, handed in late, and
    overdue now (the unit's figures count overdue rectification, plan 三(二)5)."""
    rows = (
        policy.within(Measure.objects.filter(kind__in=REPORTED), user)
        .values("division_code")
        .annotate(
            due=Count("id"),
            done=Count("id", filter=Q(status=MeasureStatus.DONE)),
            late=Count("id", filter=Q(submitted_late=True)),
            overdue=Count("id", filter=Q(status=MeasureStatus.ACTIVE, due_date__lt=today)),
        )
        .order_by("division_code")
    )
    found = list(rows)
    names = division_names({row["division_code"] for row in found})
    return [{**row, "division_name": names.get(row["division_code"], "")} for row in found]


@dataclass
class LedgerLine:
    measure: Measure
    days_left: int | None  # working days; negative: overdue by that many


def rectification_ledger(user: User, state: str, today: datetime.date) -> QuerySet[Measure]:
    """Explanations and rectifications in scope in one state, nearest deadline first."""
    wanted = STATES[state][1] or Q(status=MeasureStatus.ACTIVE, due_date__lt=today)
    return (
        policy.within(Measure.objects.filter(kind__in=REPORTED), user)
        .filter(wanted)
        # The page names each record's reporting unit: one join, not two queries a row.
        .select_related("record__reporting_department", "record__reporting_government")
        .prefetch_related("escalations")
        .order_by("due_date", "id")
    )


def ledger_lines(
    measures: Iterable[Measure], today: datetime.date, calendar: Calendar | None = None
) -> list[LedgerLine]:
    """Each measure with its working-day countdown while it is still owed."""
    calendar = calendar or Calendar.whole()  # one read of the override table for the page
    return [
        LedgerLine(
            m,
            working_days_left(today, m.due_date, calendar=calendar)
            if m.due_date and m.status == MeasureStatus.ACTIVE
            else None,
        )
        for m in measures
    ]


@dataclass(frozen=True)
class RectificationDue:
    overdue: int  # explanations and rectifications still owed past their deadline
    due_soon: int  # still owed, due within the window
    later: int  # still owed, due later
    awaiting_check: int  # handed in, waiting for the credit office to verify
    nearest: list[LedgerLine]  # the nearest deadlines still owed, with their countdown


def rectification_due(
    user: User, today: datetime.date, horizon: datetime.date, shown: int = 10
) -> RectificationDue:
    """What the units in reach still owe, for the home page's 整改到期 block."""
    owed = policy.within(
        Measure.objects.filter(kind__in=REPORTED, status=MeasureStatus.ACTIVE), user
    )
    counts = owed.aggregate(
        overdue=Count("id", filter=Q(due_date__lt=today)),
        due_soon=Count("id", filter=Q(due_date__gte=today, due_date__lte=horizon)),
        later=Count("id", filter=Q(due_date__gt=horizon) | Q(due_date__isnull=True)),
    )
    waiting = policy.within(
        Measure.objects.filter(kind__in=REPORTED, status=MeasureStatus.SUBMITTED), user
    ).count()
    nearest = owed.select_related(
        "record__reporting_department", "record__reporting_government"
    ).order_by("due_date", "id")[:shown]
    return RectificationDue(
        overdue=counts["overdue"],
        due_soon=counts["due_soon"],
        later=counts["later"],
        awaiting_check=waiting,
        nearest=ledger_lines(nearest, today),
    )
