"""Background jobs of the public side: re-evaluate periods when a rule version takes effect,
end publications whose period is over, sign the log."""

from __future__ import annotations

from django_tasks import task


@task()
def disclosure_daily() -> int:
    from govtrust.disclosure.services import publications_expire
    from govtrust.disclosure.services_periods import publications_reevaluate
    from govtrust.ledger.services import checkpoint_sign

    # A version taking effect today shortens or ends live publications first (从旧兼从轻).
    publications_reevaluate()
    expired = publications_expire()
    checkpoint_sign()
    return expired
