"""The court's list of dishonest debtors, imported by the credit office through bulk intake:
entries matched to government bodies by USCC, created once, ended by the court's deletion."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from govtrust.core.clock import add_months
from govtrust.core.errors import Forbidden
from govtrust.directory.models import Department, User
from govtrust.disclosure.models import Publication, PublicationStatus
from govtrust.disclosure.services import publication_publish
from govtrust.exchange.models import ExchangeNotice
from govtrust.ledger.models import Leaf
from govtrust.measures.models import Measure
from govtrust.records.models import ImportBatch, Record
from govtrust.records.services import record_accept
from govtrust.records.services.bulk import import_batch_create, import_batch_run
from tests.records import sheets

pytestmark = pytest.mark.django_db
HEADERS = [
    "案号",
    "被执行人",
    "统一社会信用代码",
    "执行法院",
    "失信情形",
    "发布日期",
    "撤销/删除日期",
]
PUBLISHED_ON = datetime.date.today() - datetime.timedelta(days=40)
DELETED_ON = datetime.date.today() - datetime.timedelta(days=5)


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user("office_gs", "credit_office", "62")


@pytest.fixture
def debtor(make_department: Callable[..., Department]) -> Department:
    return make_department("620102", "城关区财政局")


def entry(department: Department, **overrides: Any) -> dict[str, Any]:
    return {
        "案号": "（2026）甘01执123号",
        "被执行人": "",  # the directory's name is used
        "统一社会信用代码": department.uscc,
        "执行法院": "甘肃省兰州市中级人民法院",
        "失信情形": "第二项",
        "发布日期": PUBLISHED_ON.isoformat(),
        "撤销/删除日期": "",
        **overrides,
    }


def court_import(tmp_path: Path, actor: User, rows: list[dict[str, Any]], name: str) -> ImportBatch:
    path = sheets.csv_file(tmp_path / name, rows, headers=HEADERS)
    with path.open("rb") as handle:
        batch = import_batch_create(
            actor=actor, source=handle, filename=name, mode="valid_rows", court_list=True
        )
    return import_batch_run(batch_id=batch.pk)


def test_court_list_rows_become_records_of_the_matched_government_bodies(
    tmp_path: Path, office: User, debtor: Department
) -> None:
    """Given a court list with an entry of a known department and one of an unknown USCC,
    when the credit office imports it, the first becomes a court-list record of that department
    (its ground and the two-year term of 第二条), the second is refused in Chinese."""
    unknown = entry(debtor, 案号="（2026）甘01执124号", 统一社会信用代码="11620102MB0000000X")
    batch = court_import(tmp_path, office, [entry(debtor), unknown], "名单.csv")

    assert batch.created_count == 1 and batch.error_count == 1
    assert "未匹配到本平台登记的政府机关或部门" in batch.errors[0]["message"]
    record = Record.objects.get()
    assert (record.source_type, record.court_ground, record.subject_name) == (
        "debtor_list",
        2,
        "城关区财政局",
    )
    assert record.subject_department == debtor and record.decision_date == PUBLISHED_ON
    record = record_accept(record=record, actor=office)
    publication = publication_publish(record=record, actor=office)
    assert publication.maximum_end == add_months(PUBLISHED_ON, 24)

    again = court_import(tmp_path, office, [entry(debtor)], "名单.csv")
    assert again.created_count == 0 and again.skipped_count == 1
    assert Record.objects.count() == 1


def test_the_courts_deletion_ends_the_entry_at_once_and_a_second_import_changes_nothing(
    tmp_path: Path, office: User, debtor: Department
) -> None:
    """Given a published court-list record with measures,
    when the court's list arrives with its deletion date, the publication ends (人民法院删除),
    the exchange is told, its measures are lifted; importing the same file again changes
    nothing."""
    court_import(tmp_path, office, [entry(debtor)], "名单.csv")
    record = record_accept(record=Record.objects.get(), actor=office)
    publication = publication_publish(record=record, actor=office)
    assert Measure.objects.filter(record=record, status="active").exists()
    deleted = [entry(debtor, **{"撤销/删除日期": DELETED_ON.isoformat()})]

    batch = court_import(tmp_path, office, deleted, "删除.csv")

    publication.refresh_from_db()
    assert publication.status == PublicationStatus.WITHDRAWN
    assert publication.withdraw_reason == "court"
    assert "经人民法院删除" in batch.message and Record.objects.count() == 1
    assert ExchangeNotice.objects.filter(record=record, kind="ended").count() == 1
    assert not Measure.objects.filter(record=record, status__in=["active", "lightened"])
    leaves, notices = Leaf.objects.count(), ExchangeNotice.objects.count()

    again = court_import(tmp_path, office, deleted, "删除.csv")

    assert again.error_count == 0 and again.skipped_count == 1
    assert (Leaf.objects.count(), ExchangeNotice.objects.count()) == (leaves, notices)
    assert Publication.objects.get(pk=publication.pk).status == PublicationStatus.WITHDRAWN


def test_a_deletion_row_of_an_unknown_entry_creates_nothing_and_bad_dates_are_refused(
    tmp_path: Path, office: User, debtor: Department
) -> None:
    """A row the court already deleted is not registered; a deletion date before the
    publication date, or a ground that is not one of 第一条's six, is refused in Chinese."""
    rows = [
        entry(debtor, **{"撤销/删除日期": DELETED_ON.isoformat()}),
        entry(debtor, 案号="（2026）甘01执2号", **{"撤销/删除日期": "2020-01-01"}),
        entry(debtor, 案号="（2026）甘01执3号", 失信情形="第九项"),
    ]
    batch = court_import(tmp_path, office, rows, "名单.csv")
    assert Record.objects.count() == 0 and batch.error_count == 2
    messages = " ".join(e["label"] + e["message"] for e in batch.errors)
    assert "撤销/删除日期不能早于发布日期" in messages
    assert "失信情形" in messages


def test_only_the_credit_office_imports_the_court_list(
    tmp_path: Path, clerk: User, office: User, debtor: Department
) -> None:
    """A clerk may not import the court list; a court list sent as a unit's file is refused
    with the way to send it."""
    path = sheets.csv_file(tmp_path / "名单.csv", [entry(debtor)], headers=HEADERS)
    with path.open("rb") as handle, pytest.raises(Forbidden):
        import_batch_create(actor=clerk, source=handle, filename="名单.csv", court_list=True)
    with path.open("rb") as handle:
        batch = import_batch_create(actor=clerk, source=handle, filename="名单.csv")
    batch = import_batch_run(batch_id=batch.pk)
    assert batch.status == "failed" and "导入法院名单" in batch.message


def test_the_import_page_offers_the_court_list_to_the_credit_office(
    tmp_path: Path, office: User, debtor: Department
) -> None:
    """The office's import page has the court-list form; posting it queues a court batch."""
    client = Client()
    client.force_login(office)
    page = client.get("/records/imports/").content.decode()
    assert 'id="court-import"' in page
    path = sheets.csv_file(tmp_path / "名单.csv", [entry(debtor)], headers=HEADERS)
    with path.open("rb") as handle:
        response = client.post(
            "/records/imports/", {"file": handle, "court_list": "1", "mode": "valid_rows"}
        )
    assert response.status_code == 302
    assert ImportBatch.objects.get().court_list is True
