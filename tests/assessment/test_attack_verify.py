"""Attacks on `govtrust assessment verify`: a tampered snapshot exits 1 naming what differs,
whatever its shape, and never with a traceback."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from govtrust.assessment import services
from govtrust.cli import main
from tests.assessment.test_run import YEAR, office, year_data  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshot(year_data: dict[str, Any], tmp_path: Path) -> dict[str, Any]:  # noqa: F811
    services.assessment_run(year=YEAR, actor_name="test")
    path = tmp_path / "s.json"
    assert main(["assessment", "snapshot", "--year", str(YEAR), "--out", str(path)]) == 0
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def _verify(tmp_path: Path, document: Any) -> int:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return main(["assessment", "verify", str(path)])


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d.__setitem__("results", ["x"]),
        lambda d: d.__setitem__("results", {"a": 1}),
        lambda d: d.__setitem__("results", [{"total": 1}]),
        lambda d: d["inputs"].__setitem__("units", "x"),
        lambda d: d["inputs"].__setitem__("units", [1, 2]),
        lambda d: d["inputs"].__setitem__("system", None),
        lambda d: d.__setitem__("public_key", "-----BEGIN PUBLIC KEY-----\nAAAA\n"),
        lambda d: d.__setitem__("signature", 5),
    ],
)
def test_malformed_snapshot_exits_1_without_traceback(
    snapshot: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str], tamper: Any
) -> None:
    document = copy.deepcopy(snapshot)
    tamper(document)
    assert _verify(tmp_path, document) == 1
    assert "快照核验未通过" in capsys.readouterr().err


def test_duplicate_result_is_named(
    snapshot: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = copy.deepcopy(snapshot)
    first = document["results"][0]
    document["results"].insert(0, {**first, "total": "99.99"})
    assert _verify(tmp_path, document) == 1
    assert f"{first['key']}：快照重复列出该单位的结果" in capsys.readouterr().err


def test_unpinned_key_is_said_with_its_fingerprint(
    snapshot: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --pubkey a re-signed snapshot checks against its own key: the output says so and
    shows the key's id to compare with the one the portal publishes."""
    assert _verify(tmp_path, snapshot) == 0
    out = capsys.readouterr().out
    assert "未指定公钥" in out and snapshot["key_id"] in out


def test_a_county_office_cannot_read_every_units_inputs(
    year_data: dict[str, Any],  # noqa: F811
    make_user: Any,
    client: Any,
) -> None:
    """A county's credit office reads its own result only: the snapshot (every unit's inputs,
    its peers' and those above it) is the provincial office's and inspectors'."""
    services.assessment_run(year=YEAR, actor_name="test")
    for name, role, code in (
        ("cg_office", "credit_office", "620102"),
        ("lz_office", "credit_office", "6201"),
        ("cg_inspector", "inspector", "620102"),
    ):
        client.force_login(make_user(name, role, code))
        assert client.get(f"/api/v1/assessments/{YEAR}/snapshot").status_code == 403, name
    client.force_login(make_user("p_inspector", "inspector", "62"))
    assert client.get(f"/api/v1/assessments/{YEAR}/snapshot").status_code == 200


def test_a_unit_does_not_score_itself(
    year_data: dict[str, Any],  # noqa: F811
    make_user: Any,
) -> None:
    """城关区's credit office and inspectors are assessed as 城关区人民政府: they may not enter
    its score (a conflict of interest); 兰州市's office above may."""
    from govtrust.core.errors import Forbidden

    entry: dict[str, Any] = {
        "year": YEAR,
        "unit_key": "g:620102",
        "indicator": "D1.3",
        "value": "100",
        "evidence": "自评：全部整改完毕",
        "entered_as": "inspector",
    }
    for name, role in (("cg_office", "credit_office"), ("cg_insp", "inspector")):
        with pytest.raises(Forbidden, match="本级政府"):
            services.entered_value_set(actor=make_user(name, role, "620102"), **entry)
    above = make_user("lz_office", "credit_office", "6201")
    assert services.entered_value_set(actor=above, **entry).value == 100


def test_entered_evidence_is_plain_and_bounded(
    year_data: dict[str, Any],  # noqa: F811
    make_user: Any,
) -> None:
    from govtrust.assessment.models import EnteredValue
    from govtrust.core.errors import DomainError

    inspector = make_user("p_insp", "inspector", "62")
    entry: dict[str, Any] = {
        "year": YEAR,
        "unit_key": "g:6201",
        "indicator": "D1.3",
        "value": "60",
        "entered_as": "inspector",
    }
    with pytest.raises(DomainError) as refused:
        services.entered_value_set(actor=inspector, evidence="督查通报" * 1000, **entry)
    assert "evidence" in dict(refused.value.errors)
    made = services.entered_value_set(actor=inspector, evidence="督查\x00通报\x073号", **entry)
    assert EnteredValue.objects.get(pk=made.pk).evidence == "督查通报3号"
