"""Background jobs of the records app, run by `govtrust worker`."""

from __future__ import annotations

import uuid

from django_tasks import task

from govtrust.records.services.bulk import import_batch_run


@task()
def run_import(batch_id: str) -> None:
    import_batch_run(batch_id=uuid.UUID(batch_id))


@task()
def send_reminders() -> int:
    from govtrust.records.services.reminders import reminders_send

    return reminders_send()
