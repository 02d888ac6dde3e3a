"""The sanctions app split into measures, screening and documents: an installation at the old
head keeps every row, in tables renamed after their new apps."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from govtrust.directory.models import User
from govtrust.documents.models import Document
from govtrust.measures.models import Escalation, Measure, MeasureRule
from govtrust.records.models import Record
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_create
from govtrust.screening.models import Judgement, Screening
from tests.conftest import record_payload

OLD_HEAD = ("sanctions", "0007_judgement_division")
# The old head: sanctions at 0007, none of the new apps applied (every other app stays at head).
OLD = [OLD_HEAD, ("measures", None), ("screening", None), ("documents", None)]
TABLES = ["measurerule", "measure", "escalation", "judgement", "screening", "document"]


def _migrate(targets: list[tuple[str, str | None]] | None = None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


@pytest.fixture
def at_old_head(audit_triggers_dropped_after: None) -> Iterator[MigrationExecutor]:
    """The database as an installation before the split has it; back at head afterwards, even
    when the test fails half-way (the next tests need the current schema)."""
    try:
        yield _migrate(OLD)
    finally:
        _migrate()


def _fill_old_tables(executor: MigrationExecutor, record: Record, user: User) -> None:
    """One row in every sanctions table, written with the models as they were at the old head."""
    old = executor.loader.project_state([OLD_HEAD]).apps
    rule = old.get_model("sanctions", "MeasureRule").objects.create(
        code="MIG-1",
        version=1,
        title="迁移检查规则",
        measures=[{"kind": "honours", "months": 6}],
        legal_source="迁移检查",
        valid_from=datetime.date(2017, 6, 28),
    )
    measure = old.get_model("sanctions", "Measure").objects.create(
        record_id=record.pk,
        rule_code=rule.code,
        rule_version=rule.version,
        kind="rectification",
        legal_source="迁移检查",
        starts_on=datetime.date(2026, 1, 5),
        status="submitted",
        division_code=record.division_code,
        report="整改报告原文",
    )
    old.get_model("sanctions", "Escalation").objects.create(
        measure_id=measure.pk, level=1, division_code="6201"
    )
    old.get_model("sanctions", "Judgement").objects.create(
        candidate_key="name:迁移",
        record_id=record.pk,
        division_code="6201",
        confirmed=False,
        decided_by_id=user.pk,
    )
    screening = old.get_model("sanctions", "Screening").objects.create(
        number="SC20260105000001",
        title="迁移检查评选",
        division_code="6201",
        created_by_id=user.pk,
        screened_on=datetime.date(2026, 1, 5),
        results=[{"row": 1, "verdict": "clear"}],
    )
    old.get_model("sanctions", "Document").objects.create(
        code="AAAA-BBBB-CCCC-DDDD",
        kind="criticism",
        status="draft",
        title="迁移检查通报",
        content={},
        division_code=record.division_code,
        record_id=record.pk,
        measure_id=measure.pk,
        screening_id=screening.pk,
    )


@pytest.mark.django_db(transaction=True)
def test_rows_of_every_sanctions_table_survive_the_split(
    make_user: Callable[..., User], at_old_head: MigrationExecutor
) -> None:
    """GIVEN an installation at the old head with a row in every sanctions table
    WHEN it migrates to the split layout
    THEN every row is found through the new apps' models, their links intact, the old tables
    are gone, and new rows get fresh ids."""
    clerk = make_user("clerk_mig", "clerk", "620102", "城关区财政局")
    record = record_create(data=RecordIn.model_validate(record_payload()), actor=clerk)
    old_tables = set(connection.introspection.table_names())
    assert {f"sanctions_{t}" for t in TABLES} <= old_tables
    _fill_old_tables(at_old_head, record, clerk)

    _migrate()

    tables = set(connection.introspection.table_names())
    assert not {t for t in tables if t.startswith("sanctions_")}
    rule = MeasureRule.objects.get(code="MIG-1")
    assert rule.measures == [{"kind": "honours", "months": 6}]
    measure = Measure.objects.get(rule_code="MIG-1")
    assert (measure.record, measure.status, measure.report) == (record, "submitted", "整改报告原文")
    assert list(Escalation.objects.filter(measure=measure).values_list("level", flat=True)) == [1]
    judgement = Judgement.objects.get(candidate_key="name:迁移")
    assert (judgement.record, judgement.decided_by, judgement.confirmed) == (record, clerk, False)
    screening = Screening.objects.get(number="SC20260105000001")
    assert screening.results == [{"row": 1, "verdict": "clear"}]
    notice = Document.objects.get(code="AAAA-BBBB-CCCC-DDDD")
    assert (notice.measure, notice.screening, notice.record) == (measure, screening, record)
    assert measure.notice == notice
    later = Escalation.objects.create(measure=measure, level=2, division_code="62")
    assert later.pk > Escalation.objects.get(level=1).pk


@pytest.mark.django_db(transaction=True)
def test_the_split_can_be_reversed_with_its_rows(
    make_user: Callable[..., User], at_old_head: MigrationExecutor
) -> None:
    """GIVEN the rows of an old installation migrated to the split layout
    WHEN the migrations are reversed to the old head (a roll-back of the upgrade)
    THEN the sanctions_* tables are back, each with its row."""
    clerk = make_user("clerk_mig", "clerk", "620102", "城关区财政局")
    record = record_create(data=RecordIn.model_validate(record_payload()), actor=clerk)
    _fill_old_tables(at_old_head, record, clerk)
    _migrate()

    _migrate(OLD)

    mine = {
        "measurerule": "code = 'MIG-1'",
        "measure": "rule_code = 'MIG-1'",
        "escalation": "level = 1",
        "judgement": "candidate_key = 'name:迁移'",
        "screening": "number = 'SC20260105000001'",
        "document": "code = 'AAAA-BBBB-CCCC-DDDD'",
    }
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM sanctions_{table} WHERE {mine[table]}")  # noqa: S608
            assert cursor.fetchone() == (1,), table
