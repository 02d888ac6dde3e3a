"""The pure engine on hand-computed fixtures: formulas, normalisation, shrinkage, ranks, grades,
weight validation and determinism (no database)."""

from __future__ import annotations

import copy
import json
import random
from decimal import Decimal
from typing import Any

import pytest

from govtrust.assessment import engine
from govtrust.assessment.services import shipped_systems


def small_system(k: str = "2") -> dict[str, Any]:
    return {
        "code": "t",
        "version": 1,
        "grades": [
            {"name": "优秀", "min": "90"},
            {"name": "良好", "min": "80"},
            {"name": "一般", "min": "60"},
            {"name": "较差", "min": "0"},
        ],
        "shrinkage": {"k": k},
        "dimensions": [
            {
                "code": "A",
                "name": "甲",
                "weight": "60",
                "indicators": [
                    {
                        "code": "A1",
                        "name": "按时报送",
                        "weight": "40",
                        "mode": "computed",
                        "formula": "on_time_reporting",
                        "normalise": {"kind": "rate", "floor": "0.5"},
                        "source": "本地政策",
                    },
                    {
                        "code": "A2",
                        "name": "失信被执行人",
                        "weight": "20",
                        "mode": "computed",
                        "formula": "court_list_pending",
                        "normalise": {"kind": "deduct", "per_item": "5"},
                        "source": "本地政策",
                    },
                ],
            },
            {
                "code": "B",
                "name": "乙",
                "weight": "40",
                "indicators": [
                    {
                        "code": "B1",
                        "name": "督查",
                        "weight": "40",
                        "mode": "entered",
                        "entered_by": ["inspector"],
                        "missing": "1",
                        "normalise": {"kind": "score"},
                        "source": "本地政策",
                    }
                ],
            },
        ],
    }


def unit(
    key: str, group: str, reported: int, on_time: int, court: int, entered: str | None
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "key": key,
        "name": key,
        "group": group,
        "inputs": {"reported": reported, "reported_on_time": on_time, "court_list_pending": court},
    }
    if entered is not None:
        row["entered"] = {"B1": entered}
    return row


def inputs(k: str = "2") -> dict[str, Any]:
    return {
        "schema": engine.SCHEMA,
        "year": 2026,
        "system": small_system(k),
        "units": [
            unit("g:1", "county", 10, 9, 1, "80"),
            unit("g:2", "county", 0, 0, 5, None),
            unit("g:3", "county", 2, 0, 0, "100"),
            unit("g:4", "prefecture", 4, 4, 0, None),
        ],
    }


def test_hand_computed_scores_with_shrinkage() -> None:
    results = engine.compute(inputs())
    u1, u2, u3, u4 = (results[f"g:{n}"] for n in range(1, 5))
    # Peer mean of the county group: 9 / 12 = 0.75; k = 2.
    rate = u1["indicators"][0]
    assert rate["peer_mean"] == "0.750000" and rate["value"] == "0.900000"
    assert rate["adjusted"] == "0.875000"  # (9 + 2 × 0.75) / (10 + 2)
    assert rate["fraction"] == "0.750000"  # (0.875 − 0.5) / 0.5
    assert rate["points"] == "30.0000"
    assert rate["shrink_weight"] == "0.833333"  # n / (n + k)
    assert u1["indicators"][1]["points"] == "15.0000"  # 20 − 1 × 5
    assert u1["indicators"][2]["points"] == "32.0000"  # 80 / 100 × 40
    assert (u1["total"], u1["grade"], u1["rank"]) == ("77.00", "一般", 1)
    # No sample: the peer mean alone (0.75 → fraction 0.5); deduction floored at 0; not entered
    # counts at the missing rate (1).
    assert u2["indicators"][0]["value"] is None
    assert u2["indicators"][0]["points"] == "20.0000"
    assert u2["indicators"][1]["points"] == "0.0000"
    assert u2["indicators"][2]["note"].startswith("未录入")
    assert u2["total"] == "60.00"
    # Two of two late, shrunk: (0 + 1.5) / 4 = 0.375, below the floor → 0.
    assert u3["indicators"][0]["adjusted"] == "0.375000"
    assert u3["total"] == "60.00"
    # Equal totals share a rank; the group size is shown.
    assert (u2["rank"], u3["rank"], u3["peers"]) == (2, 2, 3)
    # A group of its own: peer mean 1.
    assert (u4["total"], u4["grade"], u4["rank"], u4["peers"]) == ("100.00", "优秀", 1, 1)


def test_without_shrinkage_a_small_unit_keeps_its_raw_rate() -> None:
    results = engine.compute(inputs(k="0"))
    assert results["g:1"]["indicators"][0]["adjusted"] == "0.900000"
    assert results["g:1"]["indicators"][0]["points"] == "32.0000"  # (0.9 − 0.5) / 0.5 × 40
    # Shrinkage pulls the small unit (2 reports, both late) toward the peers: with k = 0 it
    # scores 0 on the indicator either way, but a unit with 1 of 1 on time would score full.
    one = inputs(k="0")
    one["units"][2] = unit("g:3", "county", 1, 1, 0, "100")
    assert engine.compute(one)["g:3"]["indicators"][0]["points"] == "40.0000"
    shrunk = inputs(k="20")
    shrunk["units"][2] = unit("g:3", "county", 1, 1, 0, "100")
    adjusted = engine.compute(shrunk)["g:3"]["indicators"][0]["adjusted"]
    # Peer mean (9 + 0 + 1) / (10 + 0 + 1) = 0.909091; (1 + 20 × 0.909091) / 21 = 0.913420.
    assert adjusted == "0.913420"


def test_formula_dishonesty_weighted_and_satisfaction() -> None:
    raw = {name: Decimal(0) for name in engine.formula_inputs()}
    raw.update(records_serious=Decimal(2), records_general=Decimal(3))
    raw.update(records_minor=Decimal(4))
    params = {"serious": Decimal(3), "general": Decimal(1)}
    params["minor"] = Decimal("0.5")
    assert engine.FORMULAS["dishonesty_weighted"].fn(raw, params) == (Decimal(11), None)
    raw.update(suggestions_satisfied=Decimal(3), suggestions_basic=Decimal(2))
    raw.update(suggestions_unsatisfied=Decimal(1))
    p = {"satisfied": Decimal(1), "basic": Decimal("0.6")}
    p["unsatisfied"] = Decimal(0)
    ok, n = engine.FORMULAS["suggestions_satisfaction"].fn(raw, p)
    assert (ok, n) == (Decimal("4.2"), Decimal(6))


def test_shipped_system_is_valid_and_sums_to_100() -> None:
    for system in shipped_systems():
        assert engine.validate_system(system) == []
        assert all(leaf["source"] for leaf in engine.leaves(system))


def test_weights_must_sum_to_100_with_a_clear_message() -> None:
    bad = small_system()
    bad["dimensions"][0]["indicators"][0]["weight"] = "35"
    errors = engine.validate_system(bad)
    assert "维度“甲”的权重为60，但其下指标权重之和为55" in errors
    assert "全部指标权重之和须为100，现为95" in errors
    with pytest.raises(engine.InvalidSystem):
        engine.compute({**inputs(), "system": bad})


def test_other_invalid_systems_are_named() -> None:
    bad = small_system()
    bad["dimensions"][0]["indicators"][0]["formula"] = "nope"
    bad["dimensions"][1]["indicators"][0]["entered_by"] = []
    bad["grades"][0]["min"] = "50"
    bad["dimensions"][0]["indicators"][1]["source"] = ""
    errors = "\n".join(engine.validate_system(bad))
    assert "计算公式不存在" in errors
    assert "须注明由谁录入" in errors
    assert "等次分数线须从高到低排列" in errors
    assert "没有注明依据" in errors


def test_grade_bands_are_configurable() -> None:
    data = inputs()
    data["system"]["grades"] = [{"name": "好", "min": "70"}, {"name": "差", "min": "0"}]
    results = engine.compute(data)
    assert results["g:1"]["grade"] == "好" and results["g:2"]["grade"] == "差"


def test_deterministic_bytes_whatever_the_order() -> None:
    first = engine.canonical(engine.compute(inputs()))
    shuffled = copy.deepcopy(inputs())
    random.Random(7).shuffle(shuffled["units"])
    assert engine.canonical(engine.compute(shuffled)) == first
    assert json.loads(first)["g:1"]["total"] == "77.00"


def test_floats_are_refused() -> None:
    data = inputs()
    data["units"][0]["entered"] = {"B1": 80.5}
    with pytest.raises(TypeError):
        engine.compute(data)


def test_differences_name_what_changed() -> None:
    summary = engine.summary(engine.compute(inputs()))
    altered = copy.deepcopy(summary)
    altered[0]["total"] = "99.00"
    assert engine.differences(altered, summary) == ["g:1：总分不符（快照 99.00，重算 77.00）"]
    assert engine.differences(summary[1:], summary) == ["g:1：快照未列出该单位的结果"]


def test_every_input_has_a_chinese_label() -> None:
    assert set(engine.formula_inputs()) <= set(engine.INPUT_LABELS)
