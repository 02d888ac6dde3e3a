"""An upheld objection may correct any field the publication period depends on; the period is
recomputed, the portal, the transparency log, the audit trail and the exchange follow."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from govtrust.core.clock import add_months
from govtrust.core.errors import DomainError
from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.disclosure.models import Publication, PublicationStatus
from govtrust.exchange.models import ExchangeNotice
from govtrust.ledger.models import EventKind, Leaf
from govtrust.records.models import Record
from govtrust.remedies.models import Case
from govtrust.remedies.services.filing import Filed
from govtrust.remedies.services.handling import case_act

pytestmark = pytest.mark.django_db


def uphold(filed: Filed, office: User, clerk: User, changes: dict[str, Any]) -> Case:
    case = case_act(number=filed.case.number, action="accept", actor=office, version=1)
    return case_act(
        number=case.number,
        action="uphold",
        actor=clerk,
        version=case.version,
        reason="经核实，更正决定信息",
        changes=changes,
    )


def test_a_corrected_decision_date_moves_the_period_and_logs_a_correction(
    objection: Callable[..., Filed], office: User, clerk: User
) -> None:
    """Given a published general record decided 30 days ago,
    when an upheld objection corrects its decision date to 60 days ago,
    then both ends of the period move with it, a correction leaf is logged and audited."""
    filed = objection(fields=["decision_date"])
    publication = Publication.objects.get(record=filed.case.record)
    earlier = datetime.date.today() - datetime.timedelta(days=60)
    leaves = Leaf.objects.count()

    uphold(filed, office, clerk, {"decision_date": earlier.isoformat()})

    publication.refresh_from_db()
    assert publication.decision_date == earlier
    assert publication.minimum_end == add_months(earlier, 3)
    assert publication.maximum_end == add_months(earlier, 12)
    assert publication.view["maximum_end"] == add_months(earlier, 12).isoformat()
    assert Leaf.objects.count() == leaves + 1
    assert Leaf.objects.filter(index=publication.leaf_index or -1, kind=EventKind.CORRECT).exists()
    event = AuditEvent.objects.get(action="publication.correct", object_id=publication.number)
    assert event.after is not None and "maximum_end" in event.after["fields"]
    assert ExchangeNotice.objects.filter(record=publication.record, kind="corrected").exists()


def test_a_raised_severity_lengthens_the_period(
    objection: Callable[..., Filed], office: User, clerk: User
) -> None:
    """Given a general record (3 months to 1 year under the 2026 measures),
    when an objection corrects it to serious, then it is published 1 to 3 years."""
    filed = objection(fields=["severity"])
    publication = Publication.objects.get(record=filed.case.record)
    decided = publication.decision_date

    case = uphold(filed, office, clerk, {"severity": "serious"})

    publication.refresh_from_db()
    assert (publication.minimum_end, publication.maximum_end) == (
        add_months(decided, 12),
        add_months(decided, 36),
    )
    assert case.corrections[0]["old"] == "一般" and case.corrections[0]["new"] == "严重"


def test_a_simple_procedure_warning_is_taken_off_the_portal(
    objection: Callable[..., Filed], office: User, clerk: User
) -> None:
    """Given a published record, when an objection shows it was a warning by simple procedure
    (轻微: not published under the 2026 measures), then the publication ends at once and the
    exchange is told it was withdrawn."""
    filed = objection(fields=["procedure", "penalties", "severity"])
    record = filed.case.record
    assert record is not None

    uphold(
        filed,
        office,
        clerk,
        {"procedure": "simple", "penalties": "warning", "severity": "minor"},
    )

    publication = Publication.objects.get(record=record)
    assert publication.status == PublicationStatus.WITHDRAWN
    assert publication.withdraw_reason == "objection"
    assert Leaf.objects.filter(index=publication.leaf_index or -1, kind=EventKind.WITHDRAW).exists()
    record.refresh_from_db()
    assert (record.procedure, record.penalties, record.severity) == ("simple", ["warning"], "minor")
    assert ExchangeNotice.objects.filter(record=record, kind="withdrawn").exists()


def test_a_correction_below_the_laws_class_is_refused_and_changes_nothing(
    published: Callable[..., Publication],
    objection: Callable[..., Filed],
    office: User,
    clerk: User,
) -> None:
    """Given a record whose penalty (限制从业) is 严重 by law, when an objection would lower
    it to 一般, then the uphold is refused in Chinese and record and publication stay."""
    publication = published(penalties=["restrict_practice"], severity="serious")
    filed = objection(publication=publication, fields=["severity"])
    with pytest.raises(DomainError, match="不能调低"):
        uphold(filed, office, clerk, {"severity": "general"})
    record = Record.objects.get(pk=publication.record_id)
    assert record.severity == "serious"
    assert Case.objects.get(pk=filed.case.pk).status == "verifying"


def test_a_corrected_court_ground_gives_the_court_term(
    published: Callable[..., Publication],
    objection: Callable[..., Filed],
    office: User,
    clerk: User,
) -> None:
    """Given a court-list entry under ground (二) (two years), when an objection corrects the
    ground to (一), then the entry has no fixed end (法释〔2017〕7号 第十条)."""
    publication = published(source_type="debtor_list", court_ground=2)
    assert publication.maximum_end is not None
    filed = objection(publication=publication, fields=["court_ground"])
    uphold(filed, office, clerk, {"court_ground": "1"})
    publication.refresh_from_db()
    assert publication.maximum_end is None and publication.minimum_end is None
    assert publication.status == PublicationStatus.PUBLISHED


def test_the_case_page_offers_the_choices_of_coded_fields(
    objection: Callable[..., Filed], office: User, clerk: User
) -> None:
    """Given an objection to penalties, the reporting unit's case page lists the penalty kinds
    to tick, and ticking two corrects the record with both."""
    filed = objection(fields=["penalties"])
    case = case_act(number=filed.case.number, action="accept", actor=office, version=1)
    client = Client()
    client.force_login(clerk)
    page = client.get(f"/backoffice/cases/{case.number}/").content.decode()
    assert 'name="new_penalties" value="warning"' in page
    client.post(
        f"/backoffice/cases/{case.number}/act/",
        {
            "action": "uphold",
            "version": case.version,
            "reason": "更正处罚种类",
            "new_penalties": ["criticism", "fine"],
        },
    )
    record = Record.objects.get(number=filed.case.record.number)  # type: ignore[union-attr]
    assert record.penalties == ["criticism", "fine"]
