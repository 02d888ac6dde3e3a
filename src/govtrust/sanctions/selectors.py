"""Reads of measures, always within the reader's scope."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q

from govtrust.directory import scope
from govtrust.directory.models import User
from govtrust.sanctions.models import Measure, MeasureStatus
from govtrust.sanctions.rectification import REPORTED


def rectification_figures(user: User, today: datetime.date) -> list[dict[str, Any]]:
    """Per reporting division: explanations and rectifications due, done, handed in late, and
    overdue now (the unit's figures count overdue rectification, plan 三(二)5)."""
    rows = (
        scope.within(Measure.objects.filter(kind__in=REPORTED), user)
        .values("division_code")
        .annotate(
            due=Count("id"),
            done=Count("id", filter=Q(status=MeasureStatus.DONE)),
            late=Count("id", filter=Q(submitted_late=True)),
            overdue=Count("id", filter=Q(status=MeasureStatus.ACTIVE, due_date__lt=today)),
        )
        .order_by("division_code")
    )
    return list(rows)
