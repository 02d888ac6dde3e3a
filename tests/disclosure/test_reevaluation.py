"""从旧兼从轻 after publication: when a rule version takes effect, the daily job shortens or ends
the live publications it is lighter for, never lengthens one, and logs each change in the
transparency log, the audit trail and the exchange."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterator
from types import MappingProxyType

import pytest
import time_machine

from govtrust.core.clock import add_months
from govtrust.core.models import AuditEvent
from govtrust.disclosure.models import Publication, PublicationStatus
from govtrust.disclosure.rules import periods, versions
from govtrust.disclosure.rules.versions import NOT_PUBLISHED, RULE_2026, Term
from govtrust.disclosure.services_periods import publications_reevaluate
from govtrust.disclosure.tasks import disclosure_daily
from govtrust.exchange.models import ExchangeNotice
from govtrust.ledger.models import EventKind, Leaf
from govtrust.records.models import Record
from tests.remedies.conftest import fresh_counters, office, published

__all__ = ["fresh_counters", "office", "published"]
pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
TOMORROW = TODAY + datetime.timedelta(days=1)


@pytest.fixture
def version_tomorrow(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Add a version of the 2026 measures taking effect tomorrow, with the given terms."""

    def add(general: Term, transitional: str = "lighter") -> None:
        current = dataclasses.replace(RULE_2026, effective_to=TODAY)
        later = dataclasses.replace(
            RULE_2026,
            rule_id="sector-rule",
            version=TOMORROW.isoformat(),
            document="《某行业信用信息公示规定》",
            effective_from=TOMORROW,
            terms=MappingProxyType({**RULE_2026.terms, "general": general}),
            transitional=transitional,
        )
        rules = (*(current if r is RULE_2026 else r for r in versions.RULES), later)
        monkeypatch.setattr(versions, "RULES", rules)
        monkeypatch.setattr(periods, "RULES", rules)
        periods.rules_changed()

    yield add
    periods.rules_changed()


def run_daily_on(day: datetime.date) -> None:
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(12)), tick=False):
        disclosure_daily.call()


def test_a_lighter_version_shortens_a_live_publication_from_the_day_it_takes_effect(
    published: Callable[..., Publication], version_tomorrow: Callable[..., None]
) -> None:
    """Given a general record published for 3 months to 1 year, and a version taking effect
    tomorrow that publishes general records 1 to 6 months,
    when the daily job runs today nothing changes; when it runs tomorrow the publication is
    shortened, with a correction leaf, an audit event and a notice to the exchange;
    running it again changes nothing."""
    publication = published()
    decided = publication.decision_date
    version_tomorrow(Term(1, 6))
    leaves = Leaf.objects.count()

    run_daily_on(TODAY)
    publication.refresh_from_db()
    assert publication.maximum_end == add_months(decided, 12)

    run_daily_on(TOMORROW)
    publication.refresh_from_db()
    assert (publication.minimum_end, publication.maximum_end) == (
        add_months(decided, 1),
        add_months(decided, 6),
    )
    assert publication.rule_id == f"sector-rule@{TOMORROW}"
    assert publication.status == PublicationStatus.PUBLISHED
    assert Leaf.objects.filter(kind=EventKind.CORRECT).count() >= 1
    assert Leaf.objects.count() > leaves
    event = AuditEvent.objects.get(action="publication.reperiod", object_id=publication.number)
    assert event.after is not None and event.after["outcome"] == "corrected"
    assert ExchangeNotice.objects.filter(record=publication.record, kind="shortened").count() == 1

    run_daily_on(TOMORROW)
    assert ExchangeNotice.objects.filter(record=publication.record).count() == 1
    assert AuditEvent.objects.filter(action="publication.reperiod").count() == 1


def test_a_version_that_no_longer_publishes_the_class_ends_the_publication(
    published: Callable[..., Publication], version_tomorrow: Callable[..., None]
) -> None:
    """Given a live general record, when a version not publishing general records takes
    effect, then the daily job ends the publication (a withdrawal leaf) and tells the exchange."""
    publication = published()
    version_tomorrow(NOT_PUBLISHED)

    run_daily_on(TOMORROW)

    publication.refresh_from_db()
    assert publication.status == PublicationStatus.WITHDRAWN
    assert publication.withdraw_reason == "lighter"
    assert Leaf.objects.filter(index=publication.leaf_index or -1, kind=EventKind.WITHDRAW)
    assert ExchangeNotice.objects.filter(record=publication.record, kind="ended").exists()


def test_a_version_ends_a_publication_whose_shorter_period_has_run_out(
    published: Callable[..., Publication], version_tomorrow: Callable[..., None]
) -> None:
    """Given a live record decided 60 days ago, when a version publishing general records at
    most 1 month takes effect, the record's shortened period is over: it leaves the portal."""
    publication = published()
    Record.objects.filter(pk=publication.record_id).update(
        decision_date=TODAY - datetime.timedelta(days=60)
    )
    version_tomorrow(Term(None, 1))
    run_daily_on(TOMORROW)
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.WITHDRAWN
    assert publication.withdraw_reason == "lighter"


def test_a_harsher_version_never_lengthens_a_publication(
    published: Callable[..., Publication], version_tomorrow: Callable[..., None]
) -> None:
    """Given a live general record (3 months to 1 year), when a version with 6 months to 2
    years takes effect, nothing changes."""
    publication = published()
    before = (publication.minimum_end, publication.maximum_end)
    version_tomorrow(Term(6, 24))
    run_daily_on(TOMORROW)
    publication.refresh_from_db()
    assert (publication.minimum_end, publication.maximum_end) == before
    assert not ExchangeNotice.objects.filter(record=publication.record).exists()


def test_a_mixed_version_shortens_only_what_it_makes_shorter(
    published: Callable[..., Publication], version_tomorrow: Callable[..., None]
) -> None:
    """Given a live general record (3 months to 1 year), when a version with 1 month to 2
    years takes effect, the minimum is not shortened (the later version is not lighter as a
    whole: 从旧兼从轻 keeps the older), and the maximum never grows."""
    publication = published()
    before = (publication.minimum_end, publication.maximum_end)
    version_tomorrow(Term(1, 24))
    assert publications_reevaluate(today=TOMORROW) == 0
    publication.refresh_from_db()
    assert (publication.minimum_end, publication.maximum_end) == before


def test_a_version_whose_transitional_clause_excludes_earlier_decisions_changes_nothing(
    published: Callable[..., Publication], version_tomorrow: Callable[..., None]
) -> None:
    """Given a lighter version whose own transitional clause keeps decisions made before it
    under their version, the daily job leaves live publications as they are."""
    publication = published()
    before = publication.maximum_end
    version_tomorrow(Term(1, 6), transitional="none")
    run_daily_on(TOMORROW)
    publication.refresh_from_db()
    assert publication.maximum_end == before
