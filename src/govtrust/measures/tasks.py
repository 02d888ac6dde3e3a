"""Background jobs of the sanctions app, queued by `govtrust worker`'s scheduler."""

from __future__ import annotations

from django_tasks import task


@task()
def rectifications_escalate_daily() -> int:
    from govtrust.measures.services.rectification import rectifications_escalate

    return rectifications_escalate()
