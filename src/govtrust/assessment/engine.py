"""The scoring engine: pure Python, no Django, so a published snapshot can be recomputed anywhere.

Input (the snapshot's `inputs`): the indicator system (indicators.json), the year, and per unit
its key, peer group, raw inputs (counts read by the collectors) and entered scores. Output: per
unit its total 0–100, grade, rank among its peers and, per indicator, every step from raw value
to points. Arithmetic is Decimal throughout (28 digits), rounded half-up at fixed places: rates
and fractions to 6 decimals, points to 4, the total to 2. Units are processed in key order and
every mapping is emitted with sorted keys, so the same inputs give the same bytes.

Normalisation (per indicator, `normalise.kind`):

- `rate`: a computed proportion p = successes / n (on-time reports, rectifications, ...). Small
  samples are shrunk toward the peer mean (empirical Bayes, a Beta prior of strength k centred
  on the peers' pooled rate m = Σsuccesses / Σn over the unit's peer group):
      p̃ = (successes + k·m) / (n + k)
  A unit with n = 0 gets m; a large unit keeps nearly its own p. With no sample in the whole
  group m = 1 (nothing to be late on). Then fraction = clamp((p̃ − floor) / (1 − floor), 0, 1).
- `deduct`: a count (weighted records, pending court-list entries): points = max(0, weight −
  value × per_item) (the NDRC city monitoring deducts per entry), fraction = points / weight.
- `score`: an entered score 0–100 (inspectors, evaluators, the office): fraction = score / 100;
  not entered: fraction = `missing` (default 1: no finding, no deduction), noted on the result.

points = weight × fraction; total = Σ points; grade = the first band whose `min` ≤ total.
Rank: competition ranking within the peer group by the rounded total (equal totals share a rank:
1, 2, 2, 4), listed by unit key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from typing import Any

SCHEMA = "govtrust-assessment/1"
ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)
Q6, Q4, Q2 = Decimal("0.000001"), Decimal("0.0001"), Decimal("0.01")
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_UP)

# Entered indicators name who may enter them; the platform maps these to roles (policy.py).
ENTERERS = {
    "inspector": "督查员",
    "evaluator": "第三方评估机构（由信用办录入）",
    "office": "信用办",
}
NORMALISATIONS = ("rate", "deduct", "score")


class InvalidSystem(ValueError):
    """An indicator system that cannot be used; `errors` are Chinese, one per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("；".join(errors))
        self.errors = errors


def canonical(value: Any) -> str:
    """Canonical JSON (sorted keys, no spaces, non-ASCII kept): the snapshot's bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(value: Any) -> str:
    return hashlib.sha256(canonical(value).encode()).hexdigest()


def _dec(value: Any) -> Decimal:
    if type(value) is int:
        return Decimal(value)
    if isinstance(value, float):  # floats never enter: their decimal expansion is not stable
        raise TypeError("浮点数不能作为考评输入，请使用字符串形式的小数")
    return Decimal(str(value))


def _q(value: Decimal, places: Decimal) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def _s(value: Decimal) -> str:
    return format(value, "f")


# ---- formulas ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A named formula over a unit's raw inputs: `kind` "rate" returns (successes, n), "count"
    returns (value, None). `inputs` are the raw fields it reads (what the collectors supply)."""

    label: str
    kind: str
    inputs: tuple[str, ...]
    fn: Callable[[Mapping[str, Decimal], Mapping[str, Decimal]], tuple[Decimal, Decimal | None]]


def _ratio(ok: str, total: str) -> Callable[..., tuple[Decimal, Decimal | None]]:
    return lambda raw, params: (raw[ok], raw[total])


FORMULAS: dict[str, Formula] = {
    "dishonesty_weighted": Formula(
        "已入库政务失信记录：严重×权重 + 一般×权重 + 轻微×权重（本单位为失信主体，当年决定）",
        "count",
        ("records_serious", "records_general", "records_minor"),
        lambda raw, p: (
            raw["records_serious"] * p["serious"]
            + raw["records_general"] * p["general"]
            + raw["records_minor"] * p["minor"],
            None,
        ),
    ),
    "court_list_pending": Formula(
        "本单位列入失信被执行人的已入库记录（截至年末）",
        "count",
        ("court_list_pending",),
        lambda raw, p: (raw["court_list_pending"], None),
    ),
    "on_time_reporting": Formula(
        "按时报送条数 / 当年首次报送条数（本单位为报送单位）",
        "rate",
        ("reported_on_time", "reported"),
        _ratio("reported_on_time", "reported"),
    ),
    "rectification_on_time": Formula(
        "按期提交整改的限期整改措施 / 当年到期的限期整改措施",
        "rate",
        ("rectified_on_time", "rectifications_due"),
        _ratio("rectified_on_time", "rectifications_due"),
    ),
    "cases_on_time": Formula(
        "未逾期办结的异议和投诉举报 / 当年办结的异议和投诉举报",
        "rate",
        ("cases_on_time", "cases_closed"),
        _ratio("cases_on_time", "cases_closed"),
    ),
    "suggestions_on_time": Formula(
        "按期答复的建议提案 / 当年答复期限届满的建议提案（未答复计为逾期）",
        "rate",
        ("suggestions_on_time", "suggestions_due"),
        _ratio("suggestions_on_time", "suggestions_due"),
    ),
    "suggestions_satisfaction": Formula(
        "（满意×权重 + 基本满意×权重 + 不满意×权重）/ 有评价的建议提案",
        "rate",
        ("suggestions_satisfied", "suggestions_basic", "suggestions_unsatisfied"),
        lambda raw, p: (
            raw["suggestions_satisfied"] * p["satisfied"]
            + raw["suggestions_basic"] * p["basic"]
            + raw["suggestions_unsatisfied"] * p["unsatisfied"],
            raw["suggestions_satisfied"]
            + raw["suggestions_basic"]
            + raw["suggestions_unsatisfied"],
        ),
    ),
    "plan_tasks_reported": Formula(
        "当年报告了进展（未退回）的方案任务 / 本单位负责的方案任务",
        "rate",
        ("plan_tasks_reported", "plan_tasks"),
        _ratio("plan_tasks_reported", "plan_tasks"),
    ),
}


INPUT_LABELS: dict[str, str] = {
    "records_serious": "严重失信记录",
    "records_general": "一般失信记录",
    "records_minor": "轻微失信记录",
    "court_list_pending": "失信被执行人记录",
    "reported": "首次报送",
    "reported_on_time": "按时报送",
    "rectifications_due": "到期限期整改",
    "rectified_on_time": "按期提交整改",
    "cases_closed": "办结异议和投诉举报",
    "cases_on_time": "未逾期办结",
    "suggestions_due": "答复期限届满的建议提案",
    "suggestions_on_time": "按期答复",
    "suggestions_satisfied": "满意",
    "suggestions_basic": "基本满意",
    "suggestions_unsatisfied": "不满意",
    "plan_tasks": "负责的方案任务",
    "plan_tasks_reported": "已报告进展的任务",
}


def formula_inputs() -> list[str]:
    """Every raw input field some formula reads, sorted."""
    return sorted({name for f in FORMULAS.values() for name in f.inputs})


# ---- the indicator system ------------------------------------------------------------------


def _number(value: Any, where: str, errors: list[str]) -> Decimal | None:
    try:
        number = _dec(value)
    except (InvalidOperation, TypeError, ValueError):
        errors.append(f"{where}不是有效的数字：{value!r}")
        return None
    if not number.is_finite():
        errors.append(f"{where}不是有效的数字：{value!r}")
        return None
    return number


def validate_system(system: Mapping[str, Any]) -> list[str]:
    """Every problem of an indicator system, in Chinese; empty when it may be used."""
    errors: list[str] = []
    if not isinstance(system.get("version"), int) or system["version"] < 1:
        errors.append("指标体系缺少版本号（正整数）")
    dimensions = system.get("dimensions")
    if not isinstance(dimensions, list) or not dimensions:
        return [*errors, "指标体系至少要有一个维度"]
    codes: set[str] = set()
    total = ZERO
    for dimension in dimensions:
        name = dimension.get("name") or dimension.get("code") or "?"
        leaves = dimension.get("indicators") or []
        if not leaves:
            errors.append(f"维度“{name}”没有指标")
        leaf_sum = ZERO
        for leaf in leaves:
            code, label = leaf.get("code", ""), leaf.get("name") or leaf.get("code") or "?"
            where = f"指标“{label}”"
            if not code or code in codes:
                errors.append(f"{where}的编号为空或重复：{code!r}")
            codes.add(code)
            weight = _number(leaf.get("weight"), f"{where}的权重", errors)
            if weight is not None:
                if weight <= 0:
                    errors.append(f"{where}的权重必须大于0")
                leaf_sum += weight
            if not leaf.get("source"):
                errors.append(f"{where}没有注明依据（文件条款或“本地政策”）")
            mode, norm = leaf.get("mode"), (leaf.get("normalise") or {}).get("kind")
            if mode == "computed":
                if leaf.get("formula") not in FORMULAS:
                    errors.append(f"{where}的计算公式不存在：{leaf.get('formula')!r}")
                elif norm == "score" or norm not in NORMALISATIONS:
                    errors.append(f"{where}的标准化方法不适用：{norm!r}")
                else:
                    formula = FORMULAS[leaf["formula"]]
                    if (formula.kind == "rate") != (norm == "rate"):
                        errors.append(f"{where}：比率公式须用 rate 标准化，计数公式须用 deduct")
                for key, value in (leaf.get("params") or {}).items():
                    _number(value, f"{where}的参数 {key}", errors)
            elif mode == "entered":
                if norm != "score":
                    errors.append(f"{where}是录入指标，标准化方法须为 score")
                enterers = leaf.get("entered_by") or []
                if not enterers or any(e not in ENTERERS for e in enterers):
                    errors.append(f"{where}须注明由谁录入（inspector、evaluator 或 office）")
                missing = _number(leaf.get("missing", "1"), f"{where}的未录入得分率", errors)
                if missing is not None and not ZERO <= missing <= ONE:
                    errors.append(f"{where}的未录入得分率须在0到1之间")
            else:
                errors.append(f"{where}的类型须为 computed（计算）或 entered（录入）")
            for key in ("floor", "per_item"):
                if key in (leaf.get("normalise") or {}):
                    _number(leaf["normalise"][key], f"{where}的 {key}", errors)
        declared = _number(dimension.get("weight", leaf_sum), f"维度“{name}”的权重", errors)
        if declared is not None and declared != leaf_sum:
            errors.append(f"维度“{name}”的权重为{_s(declared)}，但其下指标权重之和为{_s(leaf_sum)}")
        total += leaf_sum
    if total != HUNDRED:
        errors.append(f"全部指标权重之和须为100，现为{_s(total)}")
    bands = system.get("grades") or []
    found = [_number(b.get("min"), f"等次“{b.get('name')}”的分数线", errors) for b in bands]
    mins = [m for m in found if m is not None]
    if not bands or len(mins) != len(found):
        errors.append("等次分数线缺失")
    elif mins != sorted(mins, reverse=True) or mins[-1] != ZERO or len(set(mins)) != len(mins):
        errors.append("等次分数线须从高到低排列、互不相同，且最低一档为0")
    k = _number((system.get("shrinkage") or {}).get("k", "0"), "收缩参数 k", errors)
    if k is not None and k < 0:
        errors.append("收缩参数 k 不能为负数")
    return errors


def check_system(system: Mapping[str, Any]) -> None:
    errors = validate_system(system)
    if errors:
        raise InvalidSystem(errors)


def leaves(system: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The indicators in order, each with its dimension's code and name."""
    found = []
    for dimension in system["dimensions"]:
        for leaf in dimension["indicators"]:
            found.append(
                {**leaf, "dimension": dimension["code"], "dimension_name": dimension["name"]}
            )
    return found


def grade_of(system: Mapping[str, Any], total: Decimal) -> str:
    for band in system["grades"]:
        if total >= _dec(band["min"]):
            return str(band["name"])
    return str(system["grades"][-1]["name"])


# ---- computing -----------------------------------------------------------------------------


def _raw(unit: Mapping[str, Any]) -> dict[str, Decimal]:
    given = unit.get("inputs") or {}
    return {name: _dec(given.get(name, 0)) for name in formula_inputs()}


@dataclass(frozen=True)
class _Leaf:
    """An indicator's constants, converted once per computation."""

    code: str
    mode: str
    weight: Decimal
    weight_text: str
    formula: Formula | None
    params: dict[str, Decimal]
    floor: Decimal
    per_item: Decimal
    missing: Decimal


def _prepare(leaf: Mapping[str, Any]) -> _Leaf:
    norm = leaf.get("normalise") or {}
    weight = _dec(leaf["weight"])
    return _Leaf(
        code=leaf["code"],
        mode=leaf["mode"],
        weight=weight,
        weight_text=_s(weight),
        formula=FORMULAS[leaf["formula"]] if leaf["mode"] == "computed" else None,
        params={key: _dec(value) for key, value in (leaf.get("params") or {}).items()},
        floor=_dec(norm.get("floor", "0")),
        per_item=_dec(norm.get("per_item", "0")),
        missing=_q(_dec(leaf.get("missing", "1")), Q6),
    )


def _peer_means(
    tree: list[_Leaf], units: list[Mapping[str, Any]], raws: dict[str, dict[str, Decimal]]
) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    """(group, indicator) -> (pooled mean m, Σn) for every rate indicator."""
    sums: dict[tuple[str, str], list[Decimal]] = {}
    rate_leaves = [leaf for leaf in tree if leaf.formula and leaf.formula.kind == "rate"]
    for unit in units:
        raw = raws[unit["key"]]
        for leaf in rate_leaves:
            assert leaf.formula is not None  # noqa: S101 - filtered above, for the type checker
            ok, n = leaf.formula.fn(raw, leaf.params)
            acc = sums.setdefault((unit["group"], leaf.code), [ZERO, ZERO])
            acc[0] += ok
            acc[1] += n or ZERO
    return {key: ((_q(ok / n, Q6) if n > 0 else ONE), n) for key, (ok, n) in sorted(sums.items())}


_NOT_ENTERED = "未录入，按未录入得分率计（本地政策）"


def _indicator(
    leaf: _Leaf,
    unit: Mapping[str, Any],
    raw: Mapping[str, Decimal],
    peers: Mapping[tuple[str, str], tuple[Decimal, Decimal]],
    k: Decimal,
) -> dict[str, Any]:
    weight = leaf.weight
    row: dict[str, Any] = {"code": leaf.code, "weight": leaf.weight_text, "mode": leaf.mode}
    formula = leaf.formula
    if formula is None:
        entered = (unit.get("entered") or {}).get(leaf.code)
        if entered is None:
            fraction = leaf.missing
            row.update(value=None, note=_NOT_ENTERED)
        else:
            value = min(max(_dec(entered), ZERO), HUNDRED)
            fraction = _q(value / HUNDRED, Q6)
            row.update(value=_s(value))
    else:
        value, n = formula.fn(raw, leaf.params)
        given = unit.get("inputs") or {}
        row["inputs"] = {name: given.get(name, 0) for name in formula.inputs}
        if formula.kind == "rate":
            mean, _pool = peers[(unit["group"], leaf.code)]
            n = n or ZERO
            rate = _q(value / n, Q6) if n > 0 else None
            adjusted = _q((value + k * mean) / (n + k), Q6) if n + k > 0 else mean
            floor = leaf.floor
            fraction = _q(min(max((adjusted - floor) / (ONE - floor), ZERO), ONE), Q6)
            row.update(
                value=_s(rate) if rate is not None else None,
                n=_s(n),
                peer_mean=_s(mean),
                adjusted=_s(adjusted),
                shrink_weight=_s(_q(n / (n + k), Q6) if n + k > 0 else ZERO),
            )
        else:
            points = max(weight - value * leaf.per_item, ZERO)
            fraction = _q(points / weight, Q6)
            row.update(value=_s(value), deduction=_s(_q(value * leaf.per_item, Q4)))
    row["fraction"] = _s(fraction)
    row["points"] = _s(_q(weight * fraction, Q4))
    return row


def compute(inputs: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Every unit's result, keyed by unit key (see the module's docstring)."""
    system = inputs["system"]
    check_system(system)
    with localcontext(_CONTEXT):
        k = _dec((system.get("shrinkage") or {}).get("k", "0"))
        units = sorted(inputs["units"], key=lambda u: u["key"])
        raws = {unit["key"]: _raw(unit) for unit in units}
        tree = [_prepare(leaf) for leaf in leaves(system)]
        peers = _peer_means(tree, units, raws)
        results: dict[str, dict[str, Any]] = {}
        for unit in units:
            rows = [_indicator(leaf, unit, raws[unit["key"]], peers, k) for leaf in tree]
            total = _q(sum((_dec(r["points"]) for r in rows), ZERO), Q2)
            results[unit["key"]] = {
                "key": unit["key"],
                "group": unit["group"],
                "total": _s(total),
                "grade": grade_of(system, total),
                "indicators": rows,
            }
        _rank(results)
    return results


def _rank(results: dict[str, dict[str, Any]]) -> None:
    groups: dict[str, list[dict[str, Any]]] = {}
    for result in results.values():
        groups.setdefault(result["group"], []).append(result)
    for members in groups.values():
        members.sort(key=lambda r: (-_dec(r["total"]), r["key"]))
        previous, rank = None, 0
        for position, result in enumerate(members, start=1):
            if result["total"] != previous:
                rank, previous = position, result["total"]
            result["rank"] = rank
            result["peers"] = len(members)


def summary(results: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What a snapshot publishes beside its inputs: key, total, grade, rank, by key."""
    return [
        {"key": r["key"], "total": r["total"], "grade": r["grade"], "rank": r["rank"]}
        for _key, r in sorted(results.items())
    ]


def differences(
    claimed: Iterable[Mapping[str, Any]], recomputed: Iterable[Mapping[str, Any]]
) -> list[str]:
    """What differs between the published summary and the recomputed one, in Chinese."""
    mine = {r["key"]: r for r in recomputed}
    theirs = {r["key"]: r for r in claimed}
    problems = []
    for key in sorted(set(mine) | set(theirs)):
        if key not in theirs:
            problems.append(f"{key}：快照未列出该单位的结果")
            continue
        if key not in mine:
            problems.append(f"{key}：快照列出的结果没有对应的输入")
            continue
        for field, label in (("total", "总分"), ("grade", "等次"), ("rank", "排名")):
            if theirs[key].get(field) != mine[key][field]:
                problems.append(
                    f"{key}：{label}不符（快照 {theirs[key].get(field)}，重算 {mine[key][field]}）"
                )
    return problems
