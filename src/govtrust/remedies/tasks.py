"""Background jobs of the remedies app, queued by `govtrust worker`'s scheduler."""

from __future__ import annotations

from django_tasks import task


@task()
def case_reminders() -> int:
    from govtrust.remedies.services.reminders import case_reminders_send

    return case_reminders_send()
