"""Found by trying the court-list import as an attacker would (issue 12): a deletion row matched
any record of the subject with that document number, so a credit office ended an administrative
penalty's publication (and lifted its measures) as "人民法院删除" by typing the penalty's 文书号
into a court list. Only court-list entries are the court's to delete."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest

from govtrust.core.errors import Conflict, DomainError
from govtrust.core.models import AuditEvent
from govtrust.directory.models import Department, User
from govtrust.disclosure.models import Publication, PublicationStatus
from govtrust.disclosure.services import publication_publish
from govtrust.measures.models import Measure
from govtrust.records.models import Record
from govtrust.records.services import record_accept
from tests.records.test_court_list import court_import, debtor, entry, office
from tests.remedies.conftest import fresh_counters, published

__all__ = ["debtor", "fresh_counters", "office", "published"]
pytestmark = pytest.mark.django_db


def test_a_court_deletion_row_does_not_end_an_administrative_penalty(
    tmp_path: Path,
    office: User,
    debtor: Department,
    published: Callable[..., Publication],
) -> None:
    day = datetime.date.today() - datetime.timedelta(days=30)
    penalty = published(
        subject_kind="department",
        subject_name=debtor.name,
        subject_identifier=debtor.uscc,
        decision_number="城财罚〔2026〕7号",
    )
    assert penalty.record.source_type == "penalty"
    active = Measure.objects.filter(record=penalty.record, status="active").count()
    row = entry(
        debtor,
        案号="城财罚〔2026〕7号",
        发布日期=day.isoformat(),
        **{"撤销/删除日期": datetime.date.today().isoformat()},
    )

    batch = court_import(tmp_path, office, [row], "删除.csv")

    penalty.refresh_from_db()
    assert penalty.status == PublicationStatus.PUBLISHED
    assert Measure.objects.filter(record=penalty.record, status="active").count() == active
    assert batch.error_count == 1
    assert "不是失信被执行人名单记录" in batch.errors[0]["message"]
    assert Record.objects.count() == 1


def test_an_entry_the_court_deleted_before_it_was_published_is_never_published(
    tmp_path: Path, office: User, debtor: Department
) -> None:
    """Given a court-list entry imported (submitted, not yet accepted), when the court's
    deletion arrives, then accepting and publishing it later is refused: 法释〔2017〕7号
    第十条 — a deleted entry is no longer published."""
    court_import(tmp_path, office, [entry(debtor)], "名单.csv")
    deleted = [entry(debtor, **{"撤销/删除日期": datetime.date.today().isoformat()})]
    court_import(tmp_path, office, deleted, "删除.csv")

    record = Record.objects.get()
    assert record.status == "submitted"
    with pytest.raises(Conflict, match="人民法院删除"):
        record_accept(record=record, actor=office)
    assert Record.objects.get().status == "submitted"
    assert not Measure.objects.filter(record=record).exists()
    assert AuditEvent.objects.filter(action="record.court_deleted", object_id=record.number)
    # Accepted by some other way (a record accepted before the deletion arrived): not published.
    Record.objects.filter(pk=record.pk).update(status="accepted")
    with pytest.raises(DomainError, match="人民法院删除"):
        publication_publish(record=Record.objects.get(), actor=office)
    assert not Publication.objects.exists()
