"""Live publications whose period changes after they were published: a corrected decision (an
upheld objection), a lighter rule version taking effect (从旧兼从轻, re-evaluated daily), the
court deleting an entry from its list. Each change is a logged correction or withdrawal, audited
in the same transaction.
"""

from __future__ import annotations

import datetime
from enum import StrEnum

from django.db import transaction

from govtrust.core.audit import audit_append
from govtrust.core.clock import today_beijing
from govtrust.core.errors import DomainError
from govtrust.directory.models import User
from govtrust.disclosure.models import Publication, PublicationStatus, WithdrawReason
from govtrust.disclosure.rules.periods import Period, RuleError, all_versions, period_for
from govtrust.disclosure.services import publication_withdraw, record_decision
from govtrust.disclosure.services_rules import publication_correct
from govtrust.exchange.models import NoticeKind
from govtrust.exchange.services import notice_queue
from govtrust.records.models import Record


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
    before = {
        "minimum_end": publication.minimum_end,
        "maximum_end": publication.maximum_end,
        "rule": publication.rule_id,
    }
    if not period.public_on(publication.record.decision_date, today):
        publication_withdraw(publication=publication, reason=withdraw_reason, actor_name=actor_name)
        outcome = Outcome.ENDED
    elif publication_correct(
        publication=publication, actor_name=actor_name, reason=reason, period=period
    ):
        outcome = Outcome.CORRECTED
    else:
        return Outcome.UNCHANGED
    audit_append(
        actor=actor_name,
        action="publication.reperiod",
        object_type="record",
        object_id=publication.number,
        before=before,
        after={
            "outcome": str(outcome),
            "reason": reason,
            "rule": period.rule_label,
            "published": period.published,
            "minimum_end": period.minimum_end,
            "maximum_end": period.maximum_end,
        },
    )
    return outcome


def never_longer(current: Publication, new: Period) -> Period:
    """`new`, with no end later than the publication's own: a re-evaluation only shortens. No
    minimum is the shortest minimum; no maximum (until the court deletes it) the longest."""
    if not new.published:
        return new
    minimum = None
    if current.minimum_end is not None and new.minimum_end is not None:
        minimum = min(current.minimum_end, new.minimum_end)
    if current.maximum_end is None or new.maximum_end is None:
        maximum = current.maximum_end or new.maximum_end
    else:
        maximum = min(current.maximum_end, new.maximum_end)
    return Period(new.rule, True, minimum, maximum, new.severity, new.source)


def _reevaluate(publication: Publication, today: datetime.date) -> Outcome:
    current = (
        Publication.objects.select_for_update().select_related("record").get(pk=publication.pk)
    )
    Publication.objects.filter(pk=current.pk).update(period_checked_on=today)
    try:
        new = never_longer(current, period_for(record_decision(current.record), on=today))
    except RuleError:
        return Outcome.UNCHANGED  # published under the versions that could evaluate it
    ends = (new.minimum_end, new.maximum_end)
    if new.published and ends == (current.minimum_end, current.maximum_end):
        return Outcome.UNCHANGED
    rule = new.rule
    outcome = publication_reperiod(
        publication=current,
        period=new,
        today=today,
        actor_name="system",
        reason=f"{rule.document}施行，重新确定公示期限（{rule.transitional_source}）",
        withdraw_reason=WithdrawReason.LIGHTER,
    )
    if outcome != Outcome.UNCHANGED:
        kind = NoticeKind.ENDED if outcome == Outcome.ENDED else NoticeKind.SHORTENED
        notice_queue(record=current.record, kind=kind, case_number="", due_date=None)
    return outcome


def publications_reevaluate(*, today: datetime.date | None = None) -> int:
    """The daily job, part one: every live publication whose period was last evaluated before a
    version now in force took effect is evaluated again (从旧兼从轻 and the version's own
    transitional clause); a lighter result shortens or ends it, nothing lengthens it. Returns
    how many changed."""
    today = today or today_beijing()
    changed = 0
    for version in all_versions():  # built-in, then added on the rules page
        if not version.in_force(today):
            continue
        due = Publication.objects.filter(
            status=PublicationStatus.PUBLISHED,
            source_type__in=version.source_types,
            period_checked_on__lt=version.effective_from,
        )
        for publication in due.only("pk").iterator(chunk_size=500):
            with transaction.atomic():
                changed += _reevaluate(publication, today) != Outcome.UNCHANGED
    return changed


def publication_court_deleted(
    *, record: Record, reason: str, on: datetime.date, actor: User
) -> bool:
    """The court deleted (or revoked) a court-list entry: its publication ends at once and the
    exchange is told to stop sharing it (法释〔2017〕7号 第十条). Returns whether it was live."""
    publication = Publication.objects.filter(
        record=record, status=PublicationStatus.PUBLISHED
    ).first()
    if publication is None:
        return False
    publication_withdraw(
        publication=publication, reason=WithdrawReason.COURT, actor_name=actor.username
    )
    notice_queue(record=record, kind=NoticeKind.ENDED, case_number="", due_date=None)
    audit_append(
        actor=actor.username,
        action="publication.court_deleted",
        object_type="record",
        object_id=record.number,
        after={"reason": reason, "on": on},
    )
    return True
