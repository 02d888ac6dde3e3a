"""Background jobs of the public side: end publications whose period is over, sign the log."""

from __future__ import annotations

from django_tasks import task


@task()
def disclosure_daily() -> int:
    from govtrust.disclosure.services import publications_expire
    from govtrust.ledger.services import checkpoint_sign

    expired = publications_expire()
    checkpoint_sign()
    return expired
