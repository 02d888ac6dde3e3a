"""Case deadlines move with the calendar: a clock that ran into a year whose official schedule
was not yet entered is provisional, and is computed again once the schedule is (registered with
core.workdays in RemediesConfig.ready, as records' reporting deadlines are)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.workdays import add_working_days
from govtrust.remedies.models import Case
from govtrust.remedies.services.common import clock_days
from govtrust.remedies.workflow import CLOSED


@transaction.atomic
def case_deadlines_recompute() -> int:
    """Recompute every open case's provisional deadline from the day its current step began."""
    changed = 0
    cases = (
        Case.objects.select_for_update(of=("self",))
        .filter(due_provisional=True)
        .exclude(status__in=CLOSED)
        .prefetch_related("events")
    )
    for case in cases:
        days = clock_days(case, case.status)
        if days is None:
            continue
        steps = [e.at for e in case.events.all() if e.to_status == case.status]
        began = timezone.localdate(max(steps) if steps else case.received_at)
        deadline = add_working_days(began, days)
        before = {"due_date": case.due_date, "provisional": case.due_provisional}
        if (deadline.due_date, deadline.provisional) == (case.due_date, case.due_provisional):
            continue
        case.due_date, case.due_provisional = deadline.due_date, deadline.provisional
        case.save(update_fields=["due_date", "due_provisional"])
        audit_append(
            actor="system",
            action="case.deadline_recompute",
            object_type="case",
            object_id=case.number,
            before=before,
            after={"due_date": case.due_date, "provisional": case.due_provisional},
        )
        changed += 1
    return changed
