"""Background jobs of the core app, run by the worker."""

from __future__ import annotations

from django_tasks import task


@task()
def backup_scheduled() -> str:
    from govtrust.core.backup import backup_scheduled_run

    report = backup_scheduled_run()
    return report.path.name if report else ""  # "": skipped, another backup was running
