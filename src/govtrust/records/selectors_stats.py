"""Figures for the credit office: what each unit has due, what is overdue, how punctual it is."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from govtrust.core.workdays import add_working_days
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.records.models import Record
from govtrust.records.workflow import EDITABLE


@dataclass(frozen=True)
class UnitFigures:
    unit: str
    division_code: str
    due_soon: int  # not yet submitted, due within the window
    overdue: int  # not yet submitted, past the due date
    submitted: int  # first submitted within the period
    on_time: int  # of those, on time
    late: int

    @property
    def on_time_rate(self) -> float | None:
        """None when nothing was submitted: an empty unit is not 0% punctual."""
        return self.on_time / self.submitted if self.submitted else None


def _counted(user: User) -> QuerySet[Record]:
    """Every record in scope, drafts included: the figures count unsubmitted drafts (that is
    what "overdue" means) without showing their content to anyone outside the unit; read by
    those who watch units' performance, as the dashboard page refuses anyone else."""
    policy.require(user, "figures.read")
    return policy.within(Record.objects.all(), user)


def window_end(today: datetime.date, working_days: int) -> datetime.date:
    return add_working_days(today, working_days).due_date


def unit_figures(
    *,
    user: User,
    start: datetime.date,
    end: datetime.date,
    due_within: int = 3,
    today: datetime.date | None = None,
) -> list[UnitFigures]:
    """One line per reporting unit (government, or department where there is one) in scope."""
    today = today or timezone.localdate()
    horizon = window_end(today, due_within)
    rows = (
        _counted(user)
        .values(
            "division_code",
            "reporting_government__name",
            "reporting_department__name",
        )
        .annotate(
            due_soon=Count(
                "id",
                filter=Q(status__in=EDITABLE, due_date__gte=today, due_date__lte=horizon),
            ),
            overdue=Count("id", filter=Q(status__in=EDITABLE, due_date__lt=today)),
            submitted=Count(
                "id",
                filter=Q(first_submitted_at__date__gte=start, first_submitted_at__date__lte=end),
            ),
            on_time=Count(
                "id",
                filter=Q(
                    first_submitted_at__date__gte=start,
                    first_submitted_at__date__lte=end,
                    on_time=True,
                ),
            ),
        )
        .order_by("division_code", "reporting_department__name")
    )
    return [
        UnitFigures(
            unit=row["reporting_department__name"] or row["reporting_government__name"],
            division_code=row["division_code"],
            due_soon=row["due_soon"],
            overdue=row["overdue"],
            submitted=row["submitted"],
            on_time=row["on_time"],
            late=row["submitted"] - row["on_time"],
        )
        for row in rows
        if row["due_soon"] or row["overdue"] or row["submitted"]
    ]
