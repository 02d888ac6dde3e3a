"""The audit chain's background job, queued by `govtrust worker`'s scheduler."""

from __future__ import annotations

from django_tasks import task


@task()
def audit_seal_scheduled() -> int:
    """Sign the chain's head (nothing new when it has not moved); returns the sealed seq."""
    from govtrust.core.audit import audit_seal

    seal = audit_seal(reason="schedule")
    return seal.seq if seal is not None else 0
