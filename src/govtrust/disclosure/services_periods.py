"""Live publications whose period changes after they were published: a corrected decision (an
upheld objection), a lighter rule version taking effect (从旧兼从轻, re-evaluated daily), the
court deleting an entry from its list. Each change is a logged correction or withdrawal, audited
in the same transaction; the caller tells the exchange.
"""

from __future__ import annotations

import datetime
from enum import StrEnum

from django.db import transaction

from govtrust.core.errors import DomainError
from govtrust.disclosure.models import Publication, PublicationStatus
from govtrust.disclosure.rules.periods import Period, RuleError, period_for
from govtrust.disclosure.services import publication_withdraw, record_decision
from govtrust.disclosure.services_rules import publication_correct


class Outcome(StrEnum):
    UNCHANGED = "unchanged"
    CORRECTED = "corrected"  # still public, with the new period (a correction leaf)
    ENDED = "ended"  # the new period no longer puts it on the portal (a withdrawal leaf)


def period_now(publication: Publication, today: datetime.date) -> Period:
    """The period the publication's record has today, by 从旧兼从轻 (the record as it now is)."""
    try:
        return period_for(record_decision(publication.record), on=today)
    except RuleError as exc:
        raise DomainError(str(exc)) from exc


@transaction.atomic
def publication_reperiod(
    *,
    publication: Publication,
    period: Period,
    today: datetime.date,
    actor_name: str,
    reason: str,
    withdraw_reason: str,
) -> Outcome:
    """Apply a recomputed period: end the publication when the period no longer has it on the
    portal on `today` (its last day still counts), else re-render it with the new ends."""
    if publication.status != PublicationStatus.PUBLISHED:
        return Outcome.UNCHANGED
    if not period.public_on(publication.record.decision_date, today):
        publication_withdraw(publication=publication, reason=withdraw_reason, actor_name=actor_name)
        return Outcome.ENDED
    corrected = publication_correct(
        publication=publication, actor_name=actor_name, reason=reason, period=period
    )
    return Outcome.CORRECTED if corrected else Outcome.UNCHANGED
