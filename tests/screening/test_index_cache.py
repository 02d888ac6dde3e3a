"""The cached screening Index: reused while nothing it reads has changed, and never reused after
a new measure, a lifted one or a renamed subject, whether the write came through a service or
bypassed them (triggers move the generation too)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govtrust.core import generation
from govtrust.directory.models import User
from govtrust.measures.models import Measure, MeasureKind, MeasureStatus
from govtrust.measures.services.issue import measure_deadlines_recompute
from govtrust.records.models import Record
from govtrust.records.services.corrections import record_correct
from govtrust.screening import engine
from govtrust.screening.engine import Candidate, cached_index, screen
from tests.conftest import new_ric

pytestmark = pytest.mark.django_db


def _state() -> tuple[int, str] | None:
    return generation.current(generation.RESTRICTIONS)


def _verdict(name: str, identifier: str = "") -> str:
    return screen([Candidate(1, name, identifier)], today=timezone.localdate())[0].verdict


def test_the_index_is_reused_with_one_query_while_nothing_changes(
    accept: Callable[..., Record],
) -> None:
    ric = new_ric()
    accept(subject_name="钱多多", subject_identifier=ric, severity="general")
    today = timezone.localdate()
    first = cached_index(today)
    with CaptureQueriesContext(connection) as queries:
        assert cached_index(today) is first
        results = screen([Candidate(1, "钱多多", ric)], today=today)
    assert results[0].verdict == "restricted"
    # One statement per call: the generation (no judgements are looked up without a scope).
    assert len(queries) == 2
    assert all("core_generation" in q["sql"] for q in queries.captured_queries)
    # Another day is another Index (measures end by date).
    assert cached_index(today + datetime.timedelta(days=1)) is not first


def test_a_new_measure_is_never_missed(accept: Callable[..., Record]) -> None:
    ric = new_ric()
    assert _verdict("孙新", ric) == "clear"  # cached: nobody restricted under this identifier
    accept(subject_name="孙新", subject_identifier=ric, severity="general")
    assert _verdict("孙新", ric) == "restricted"


def test_a_measure_inserted_outside_the_services_is_never_missed(
    accept: Callable[..., Record],
) -> None:
    record = accept(subject_name="周某", subject_identifier=new_ric(), severity="general")
    Measure.objects.filter(record=record).delete()  # a shell session, say
    assert _verdict("周某") == "clear"
    before = _state()
    Measure.objects.bulk_create(
        [
            Measure(
                record=record,
                rule_code="R-TEST",
                rule_version=1,
                kind=MeasureKind.HONOURS,
                legal_source="测试",
                starts_on=timezone.localdate(),
                ends_on=timezone.localdate() + datetime.timedelta(days=30),
                division_code=record.division_code,
            )
        ]
    )
    assert _state() != before
    assert _verdict("周某") == "review"  # a name match again


def test_a_lifted_measure_is_never_missed_through_the_service_or_a_raw_update(
    accept: Callable[..., Record], clerk: User
) -> None:
    from govtrust.remedies.services.followup import self_correction_record

    ric = new_ric()
    record = accept(subject_name="郑直", subject_identifier=ric, severity="minor")
    assert _verdict("郑直", ric) == "restricted"
    self_correction_record(
        record_number=record.number,
        kind="stopped",
        description="在损害发生前主动叫停了违规付款，未造成损失。",
        corrected_on=timezone.localdate(),
        files=[],
        actor=clerk,
    )
    assert _verdict("郑直", ric) == "clear"

    other_ric = new_ric()
    other = accept(subject_name="冯刚", subject_identifier=other_ric, severity="general")
    assert _verdict("冯刚", other_ric) == "restricted"
    # An UPDATE no service made (no version bump, no bump call): the trigger moves it.
    Measure.objects.filter(record=other).update(status=MeasureStatus.LIFTED)
    assert _verdict("冯刚", other_ric) == "clear"


def test_a_measure_whose_end_date_moves_outside_the_services_is_seen(
    accept: Callable[..., Record],
) -> None:
    ric = new_ric()
    record = accept(subject_name="褚明", subject_identifier=ric, severity="general")
    assert _verdict("褚明", ric) == "restricted"
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with connection.cursor() as cursor:  # raw SQL, below the ORM
        cursor.execute(
            "UPDATE measures_measure SET ends_on = %s WHERE record_id = %s", [yesterday, record.pk]
        )
    assert _verdict("褚明", ric) == "clear"


def test_a_renamed_subject_is_never_missed(accept: Callable[..., Record], reviewer: User) -> None:
    record = accept(subject_name="卫东", subject_identifier=new_ric(), severity="general")
    assert _verdict("卫东") == "review" and _verdict("韩雪梅") == "clear"
    record_correct(
        record=record, changes={"subject_name": "韩雪梅"}, actor=reviewer, reason="姓名有误"
    )
    assert _verdict("韩雪梅") == "review"
    assert _verdict("卫东") == "clear"
    # And renamed by raw SQL, outside every service.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE records_record SET subject_name = %s WHERE id = %s", ["蒋欣然", record.pk]
        )
    assert _verdict("蒋欣然") == "review"
    assert _verdict("韩雪梅") == "clear"


def test_writes_screening_does_not_read_leave_the_generation_alone(
    accept: Callable[..., Record],
) -> None:
    record = accept(subject_name="沈静", subject_identifier=new_ric(), severity="general")
    before = _state()
    assert before is not None
    # Same name written again, other columns changed: no move (the cache stays warm).
    Record.objects.filter(pk=record.pk).update(subject_name="沈静", facts="补充事实")
    assert _state() == before


def test_every_measure_writer_moves_it_even_without_a_version_bump(
    accept: Callable[..., Record],
) -> None:
    record = accept(subject_name="杨帆", subject_identifier=new_ric(), severity="general")
    Measure.objects.filter(record=record).update(due_provisional=True, due_working_days=5)
    before = _state()
    assert measure_deadlines_recompute() >= 1
    after = _state()
    assert before is not None and after is not None and after[0] > before[0]


def test_a_rolled_back_move_never_lets_a_cache_answer_for_other_data(
    accept: Callable[..., Record],
) -> None:
    ric = new_ric()
    record = accept(subject_name="朱红", subject_identifier=ric, severity="general")
    before = _state()
    assert before is not None and _verdict("朱红", ric) == "restricted"

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        Measure.objects.filter(record=record).update(status=MeasureStatus.LIFTED)
        assert _verdict("朱红", ric) == "clear"  # cached inside the transaction
        undone = _state()
        raise Undo
    assert _state() == before
    assert _verdict("朱红", ric) == "restricted"  # not the rolled-back transaction's Index
    # A later move reaches the same counter value as the rolled-back one, but a new token:
    # an Index cached under the rolled-back state could never be taken for the new data.
    generation.bump(generation.RESTRICTIONS)
    again = _state()
    assert undone is not None and again is not None
    assert again[0] == undone[0] and again[1] != undone[1]
    assert engine._cached is not None and engine._cached[0][2] == before
