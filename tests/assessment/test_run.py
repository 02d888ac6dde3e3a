"""Runs on the database: collectors on a hand-made year, versioned results, the signed snapshot
in the transparency log, `govtrust assessment verify`, the API and entered scores."""

from __future__ import annotations

import datetime
import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from govtrust.assessment import services
from govtrust.assessment.models import EnteredValue, Result, Run
from govtrust.cli import main
from govtrust.core.errors import DomainError, Forbidden
from govtrust.core.models import AuditEvent
from govtrust.directory.models import Department, Government, User
from govtrust.ledger.models import Leaf
from govtrust.records.models import Record
from tests.conftest import government

YEAR = 2026
_serial = itertools.count(1)
BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def record(
    author: User,
    *,
    subject: Government | Department,
    reporter: Government,
    severity: str = "general",
    source: str = "penalty",
    decided: datetime.date = datetime.date(YEAR, 3, 1),
    submitted: datetime.datetime | None = None,
    on_time: bool | None = None,
    status: str = "accepted",
) -> Record:
    n = next(_serial)
    is_gov = isinstance(subject, Government)
    gov = subject if isinstance(subject, Government) else None
    dept = subject if isinstance(subject, Department) else None
    return Record.objects.create(
        number=f"T{n:08d}",
        status=status,
        subject_kind="government" if is_gov else "department",
        subject_name=subject.name,
        subject_key=f"key{n}",
        subject_government=gov,
        subject_department=dept,
        source_type=source,
        domain="procurement",
        decision_number=f"兰罚〔{YEAR}〕{n}号",
        decision_key=f"d{n}",
        decision_date=decided,
        authority_name="兰州市财政局",
        facts="未按约定付款",
        basis="条例",
        outcome="通报",
        severity=severity,
        reporting_government=reporter,
        division_code=reporter.division_id,
        created_by=author,
        arose_on=decided,
        due_date=decided,
        first_submitted_at=submitted,
        submitted_at=submitted,
        on_time=on_time,
    )


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user("province_office", "credit_office", "62")


@pytest.fixture
def year_data(office: User, make_department: Callable[..., Department]) -> dict[str, Any]:
    lanzhou, chengguan = government("6201"), government("620102")
    finance = make_department("620102", "城关区财政局")
    at = datetime.datetime(YEAR, 5, 6, 10, tzinfo=BEIJING)
    record(
        office, subject=lanzhou, reporter=chengguan, severity="serious", submitted=at, on_time=True
    )
    record(
        office, subject=lanzhou, reporter=chengguan, severity="general", submitted=at, on_time=True
    )
    record(
        office,
        subject=lanzhou,
        reporter=chengguan,
        source="debtor_list",
        decided=datetime.date(YEAR - 1, 6, 1),
        submitted=at,
        on_time=False,
    )
    record(office, subject=finance, reporter=chengguan, severity="minor")
    # Not counted: a draft, and a decision of the next year.
    record(office, subject=lanzhou, reporter=chengguan, status="draft")
    record(office, subject=lanzhou, reporter=chengguan, decided=datetime.date(YEAR + 1, 1, 2))
    return {"finance": finance}


def test_collectors_read_the_year_in_bulk(year_data: dict[str, Any]) -> None:
    system = services.system_for(YEAR)
    inputs, assessed = services.inputs_build(YEAR, system)
    rows = {u["key"]: u for u in inputs["units"]}
    assert (
        len(rows)
        == len(assessed)
        == Government.objects.exclude(division_id="62").count() + (Department.objects.count())
    )
    lanzhou = rows["g:6201"]["inputs"]
    assert (lanzhou["records_serious"], lanzhou["records_general"]) == (1, 1)
    assert lanzhou["court_list_pending"] == 1  # decided the year before, still on the list
    chengguan = rows["g:620102"]["inputs"]
    assert (chengguan["reported"], chengguan["reported_on_time"]) == (3, 2)
    finance = rows[f"d:{year_data['finance'].pk}"]
    assert finance["inputs"]["records_minor"] == 1 and finance["group"] == "department-county"
    assert finance["name"] == "城关区财政局"  # its own name already says where it is
    assert rows["g:6201"]["group"] == "prefecture" and rows["g:620171"]["group"] == "prefecture"
    assert sum(1 for u in inputs["units"] if u["group"] == "prefecture") == 15


def test_run_versions_results_and_commits_the_snapshot(
    year_data: dict[str, Any], office: User
) -> None:
    run = services.assessment_run(year=YEAR, actor_name="test")
    assert run.units == Result.objects.filter(year=YEAR).count() == run.changed
    lanzhou = Result.objects.get(year=YEAR, unit_key="g:6201")
    # D1.1: 15 − (3 + 1) × 1.5 = 9 points; D1.2: 10 − 5 = 5: 11 points below full marks on the
    # deductions; rates with no sample take the peer mean.
    points = {row["code"]: row["points"] for row in lanzhou.detail}
    assert (points["D1.1"], points["D1.2"]) == ("9.0000", "5.0000")
    assert lanzhou.peers == 15 and lanzhou.rank == 15
    assert run.leaf_index is not None
    leaf = Leaf.objects.get(index=run.leaf_index)
    assert leaf.kind == "assessment" and json.loads(leaf.data)["snapshot"] == run.sha256
    assert AuditEvent.objects.filter(action="assessment.run", object_id=str(run.pk)).exists()

    again = services.assessment_run(year=YEAR, actor_name="test")
    assert again.snapshot == run.snapshot  # same inputs, same bytes
    assert again.changed == 0 and Result.objects.filter(year=YEAR).count() == run.units

    record(
        office,
        subject=government("6201"),
        reporter=government("620102"),
        severity="serious",
    )
    third = services.assessment_run(year=YEAR, actor_name="test")
    assert third.snapshot != run.snapshot and third.changed >= 1
    versions = Result.objects.filter(year=YEAR, unit_key="g:6201").order_by("version")
    assert [(r.version, r.current) for r in versions] == [(1, False), (2, True)]
    assert versions[0].total > versions[1].total  # the old version kept as it was


def test_verify_passes_and_names_what_was_altered(
    year_data: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    services.assessment_run(year=YEAR, actor_name="test")
    path = tmp_path / "snapshot.json"
    assert main(["assessment", "snapshot", "--year", str(YEAR), "--out", str(path)]) == 0
    assert main(["assessment", "verify", str(path)]) == 0
    assert "快照核验通过" in capsys.readouterr().out

    document = json.loads(path.read_text(encoding="utf-8"))
    document["results"][0]["total"] = "12.34"
    altered = tmp_path / "altered.json"
    altered.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert main(["assessment", "verify", str(altered)]) == 1
    err = capsys.readouterr().err
    assert "签名不成立" in err and f"{document['results'][0]['key']}：总分不符" in err

    document = json.loads(path.read_text(encoding="utf-8"))
    unit = next(u for u in document["inputs"]["units"] if u["key"] == "g:6201")
    unit["inputs"]["court_list_pending"] = 0
    altered.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert main(["assessment", "verify", str(altered)]) == 1
    assert "g:6201：总分不符" in capsys.readouterr().err


def test_verify_needs_no_database(
    year_data: dict[str, Any], tmp_path: Path, django_assert_num_queries: Any
) -> None:
    from govtrust.assessment.snapshot import verify

    run = services.assessment_run(year=YEAR, actor_name="test")
    with django_assert_num_queries(0):
        assert verify(run.snapshot).ok


def test_api_results_by_level_and_snapshot_access(
    year_data: dict[str, Any], office: User, make_user: Callable[..., User], client: Client
) -> None:
    services.assessment_run(year=YEAR, actor_name="test")
    client.force_login(office)
    rows = client.get(f"/api/v1/assessments/{YEAR}/results?level=prefecture").json()
    assert len(rows) == 15 and {"score", "grade", "rank"} <= set(rows[0])
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    bad = client.get(f"/api/v1/assessments/{YEAR}/results?level=city")
    assert bad.status_code == 400 and "层级" in bad.json()["detail"]
    snap = client.get(f"/api/v1/assessments/{YEAR}/snapshot")
    assert snap.status_code == 200 and snap.content.decode() == Run.objects.get().snapshot

    county = make_user("cg_reviewer", "credit_office", "620102")
    client.force_login(county)
    rows = client.get(f"/api/v1/assessments/{YEAR}/results?level=county").json()
    assert [r["unit"] for r in rows] == ["g:620102"]  # its own, not its peers'
    assert client.get(f"/api/v1/assessments/{YEAR}/results?level=prefecture").json() == []
    clerk = make_user("cg_clerk", "clerk", "620102", "城关区财政局")
    client.force_login(clerk)
    assert client.get(f"/api/v1/assessments/{YEAR}/snapshot").status_code == 403
    dept = client.get(f"/api/v1/assessments/{YEAR}/results?level=department").json()
    assert [r["unit"] for r in dept] == [f"d:{year_data['finance'].pk}"]


def test_only_the_provincial_office_runs(make_user: Callable[..., User]) -> None:
    county_office = make_user("cg_office", "credit_office", "620102")
    with pytest.raises(Forbidden):
        services.assessment_run(year=YEAR, actor=county_office)


def test_entered_scores_with_evidence(
    year_data: dict[str, Any], office: User, make_user: Callable[..., User]
) -> None:
    inspector = make_user("inspector", "inspector", "62")
    with pytest.raises(DomainError) as refused:
        services.entered_value_set(
            actor=inspector,
            year=YEAR,
            unit_key="g:6201",
            indicator="D1.3",
            value="120",
            evidence=" ",
            entered_as="inspector",
        )
    fields = dict(refused.value.errors)
    assert fields["value"] == "得分须为0到100之间的数字" and "evidence" in fields
    assert not EnteredValue.objects.exists()
    with pytest.raises(DomainError) as wrong_role:
        services.entered_value_set(
            actor=inspector,
            year=YEAR,
            unit_key="g:6201",
            indicator="D2.2",
            value="80",
            evidence="评估报告",
            entered_as="evaluator",
        )
    assert "entered_as" in dict(wrong_role.value.errors)
    services.entered_value_set(
        actor=inspector,
        year=YEAR,
        unit_key="g:6201",
        indicator="D1.3",
        value="50",
        evidence="督查通报〔2026〕3号：发现问题2个，整改1个",
        entered_as="inspector",
    )
    run = services.assessment_run(year=YEAR, actor=office)
    detail = {r["code"]: r for r in Result.objects.get(run=run, unit_key="g:6201").detail}
    assert (detail["D1.3"]["value"], detail["D1.3"]["points"]) == ("50", "5.0000")
    clerk = make_user("clerk2", "clerk", "620102", "城关区财政局")
    with pytest.raises(Forbidden):
        services.entered_value_set(
            actor=clerk,
            year=YEAR,
            unit_key="g:6201",
            indicator="D1.3",
            value="50",
            evidence="x",
            entered_as="inspector",
        )


def test_api_enters_a_score(make_user: Callable[..., User], client: Client) -> None:
    inspector = make_user("inspector_api", "inspector", "62")
    client.force_login(inspector)
    url = f"/api/v1/assessments/{YEAR}/entries"
    body = {
        "unit": "g:6201",
        "indicator": "D1.3",
        "value": "88",
        "evidence": "督查通报",
        "entered_as": "inspector",
    }
    made = client.post(url, body, content_type="application/json")
    assert made.status_code == 201 and made.json()["value"] == "88.00"
    bad = client.post(url, {**body, "value": "abc"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "value"
