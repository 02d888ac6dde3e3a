"""Background jobs of plan-task supervision, queued daily by `govtrust worker`'s scheduler."""

from __future__ import annotations

from django_tasks import task


@task()
def plan_tasks_escalate_daily() -> int:
    from govtrust.supervision.services.plan_tasks import plan_tasks_escalate

    return plan_tasks_escalate()


@task()
def inspection_reminders_daily() -> int:
    from govtrust.supervision.services.inspections import finding_reminders_send

    return finding_reminders_send()
