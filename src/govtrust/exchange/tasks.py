"""Background jobs of the exchange, queued by the worker's scheduler."""

from __future__ import annotations

from django_tasks import task


@task()
def exchange_run() -> int:
    from govtrust.exchange.services import deliver_due, inbox_process

    return len(deliver_due()) + inbox_process()
