"""Running the assessment: load the indicator system, read every input in bulk, compute with the
pure engine, snapshot and sign the inputs, commit the snapshot to the transparency log, and
store the results as new versions where they changed. Also: entering a score with evidence.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from govtrust.assessment import collectors, engine, snapshot
from govtrust.assessment.models import (
    RUN_TRANSITIONS,
    EnteredValue,
    IndicatorSystem,
    Level,
    Result,
    Run,
)
from govtrust.core import four_eyes
from govtrust.core.audit import audit_append
from govtrust.core.errors import Conflict, DomainError, NotFound
from govtrust.core.lifecycle import transition_apply
from govtrust.core.text import plain
from govtrust.directory import policy
from govtrust.directory.models import Department, Government, User
from govtrust.directory.models import Level as DivisionLevel
from govtrust.ledger import services as ledger

DATA = Path(__file__).parent / "data"
SHIPPED = ("indicators-v1.json",)
GOVERNMENT_LEVELS: dict[str, str] = {
    DivisionLevel.PREFECTURE: Level.PREFECTURE,
    DivisionLevel.COUNTY: Level.COUNTY,
    DivisionLevel.TOWNSHIP: Level.TOWNSHIP,
}
DEPARTMENT_LEVELS: dict[str, str] = {
    DivisionLevel.PROVINCE: Level.DEPARTMENT_PROVINCE,
    DivisionLevel.PREFECTURE: Level.DEPARTMENT_PREFECTURE,
    DivisionLevel.COUNTY: Level.DEPARTMENT_COUNTY,
    DivisionLevel.TOWNSHIP: Level.DEPARTMENT_TOWNSHIP,
}
FIRST_YEAR = 2024  # the shipped system applies from this year on


def shipped_systems() -> list[dict[str, Any]]:
    return [json.loads((DATA / name).read_text(encoding="utf-8")) for name in SHIPPED]


def system_load(data: dict[str, Any], *, year: int = FIRST_YEAR) -> IndicatorSystem:
    """Store a version of an indicator system (idempotent); invalid data changes nothing."""
    engine.check_system(data)
    system, _ = IndicatorSystem.objects.get_or_create(
        code=data["code"],
        version=data["version"],
        defaults={
            "year": year,
            "title": data.get("title", data["code"]),
            "data": data,
            "sha256": engine.digest(data),
        },
    )
    return system


def system_for(year: int) -> IndicatorSystem:
    """The latest version that applies to the year (the shipped ones loaded first)."""
    for data in shipped_systems():
        system_load(data)
    system = IndicatorSystem.objects.filter(year__lte=year).order_by("-year", "-version").first()
    if system is None:
        raise DomainError(f"{year}年没有适用的考评指标体系")
    return system


@dataclass(frozen=True)
class Unit:
    key: str
    name: str
    level: str
    division_code: str
    department_id: int | None


def units() -> tuple[list[Unit], collectors.Context]:
    """Every assessed unit (governments below the province, every department), two queries."""
    found: list[Unit] = []
    governments = Government.objects.filter(division__level__in=list(GOVERNMENT_LEVELS))
    for _pk, code, name, level in governments.values_list(
        "id", "division_id", "name", "division__level"
    ):
        found.append(Unit(f"g:{code}", name, GOVERNMENT_LEVELS[level], code, None))
    departments = Department.objects.values_list(
        "id", "name", "division_code", "government__division__level", "government__name"
    )
    ctx = collectors.Context(year=0)
    for pk, name, code, level, government in departments:
        place = government.removesuffix("人民政府").removesuffix("管理委员会")
        label = (
            name
            if level == DivisionLevel.PROVINCE or name.startswith(place)
            else (f"{place}{name}")
        )
        found.append(Unit(f"d:{pk}", label[:80], DEPARTMENT_LEVELS[level], code, pk))
        ctx.departments[pk] = f"d:{pk}"
    ctx.governments = {pk: f"g:{code}" for pk, code in governments.values_list("id", "division_id")}
    found.sort(key=lambda u: u.key)
    return found, ctx


def entered_values(year: int) -> dict[str, dict[str, str]]:
    """The latest entered score per (unit, indicator) for the year."""
    latest = (
        EnteredValue.objects.filter(year=year)
        .values("unit_key", "indicator")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    out: dict[str, dict[str, str]] = {}
    rows = EnteredValue.objects.filter(id__in=latest).values_list("unit_key", "indicator", "value")
    for key, indicator, value in rows:
        out.setdefault(key, {})[indicator] = format(Decimal(value).normalize(), "f")
    return out


def inputs_build(year: int, system: IndicatorSystem) -> tuple[dict[str, Any], list[Unit]]:
    """Everything the engine reads, as canonical data: the snapshot's `inputs`."""
    assessed, ctx = units()
    ctx.year = year
    counts = collectors.collect(ctx)
    entered = entered_values(year)
    fields = engine.formula_inputs()
    rows = []
    for unit in assessed:
        raw = counts.get(unit.key, {})
        row: dict[str, Any] = {
            "key": unit.key,
            "name": unit.name,
            "group": unit.level,
            "inputs": {name: raw.get(name, 0) for name in fields},
        }
        if unit.key in entered:
            row["entered"] = entered[unit.key]
        rows.append(row)
    inputs = {
        "schema": engine.SCHEMA,
        "year": year,
        "system": system.data,
        "parameters": {
            "collectors": sorted(collectors.COLLECTORS),
            "rounding": "ROUND_HALF_UP; rates 6, points 4, total 2 decimals",
        },
        "units": rows,
    }
    return inputs, assessed


def result_digest(result: dict[str, Any]) -> str:
    seen = {k: result[k] for k in ("total", "grade", "rank", "peers", "indicators")}
    return hashlib.sha256(engine.canonical(seen).encode()).hexdigest()


@dataclass(frozen=True)
class SnapshotEntry:
    """The log leaf committing to a run's snapshot."""

    year: int
    sha256: str
    kind: str = "assessment"
    record_number: str = ""

    def body(self) -> dict[str, Any]:
        return {"kind": self.kind, "year": self.year, "snapshot": self.sha256}

    def leaf_data(self, at: str) -> str:
        return ledger.leaf_data(self.body(), at)


def assessment_run(*, year: int, actor: User | None = None, actor_name: str = "") -> Run:
    """Run the assessment for a year (the provincial credit office, or the command line)."""
    if actor is not None:
        policy.require(actor, "assessment.run")
    if not 2000 <= year <= 2100:
        raise DomainError("年度无效", errors=[("year", "请填写四位年份，如 2026")])
    system = system_for(year)
    inputs, assessed = inputs_build(year, system)
    results = engine.compute(inputs)
    signed = snapshot.sign(inputs, results)
    text = engine.canonical(signed)
    sha = hashlib.sha256(text.encode()).hexdigest()
    name = actor.username if actor is not None else (actor_name or "cli")
    with transaction.atomic():
        number = (Run.objects.filter(year=year).aggregate(n=Max("number"))["n"] or 0) + 1
        appended = ledger.append([SnapshotEntry(year, sha)])
        run = Run.objects.create(
            year=year,
            number=number,
            system=system,
            snapshot=text,
            sha256=sha,
            leaf_index=appended[0].index,
            units=len(assessed),
            changed=0,
            created_by=actor,
            actor=name,
        )
        run.changed = _store(run, assessed, results)
        run.save(update_fields=["changed"])
        audit_append(
            actor=name,
            action="assessment.run",
            object_type="assessment_run",
            object_id=run.pk,
            after={
                "year": year,
                "number": number,
                "system": f"{system.code} v{system.version}",
                "units": run.units,
                "changed": run.changed,
                "snapshot": sha,
                "leaf": run.leaf_index,
            },
        )
    return run


def _store(run: Run, assessed: list[Unit], results: dict[str, dict[str, Any]]) -> int:
    """New versions for the results that changed (or are new); the others stay as they are."""
    current = {
        key: (pk, version, digest)
        for key, pk, version, digest in Result.objects.filter(
            year=run.year, current=True
        ).values_list("unit_key", "id", "version", "digest")
    }
    fresh, retired = [], []
    for unit in assessed:
        result = results[unit.key]
        digest = result_digest(result)
        before = current.get(unit.key)
        if before is not None and before[2] == digest:
            continue
        if before is not None:
            retired.append(before[0])
        fresh.append(
            Result(
                year=run.year,
                unit_key=unit.key,
                version=(before[1] + 1) if before else 1,
                current=True,
                run=run,
                level=unit.level,
                name=unit.name,
                division_code=unit.division_code,
                department_id=unit.department_id,
                total=Decimal(result["total"]),
                grade=result["grade"],
                rank=result["rank"],
                peers=result["peers"],
                detail=result["indicators"],
                digest=digest,
            )
        )
    for start in range(0, len(retired), 500):
        Result.objects.filter(id__in=retired[start : start + 500]).update(current=False)
    Result.objects.bulk_create(fresh, batch_size=1000)
    return len(fresh)


EVIDENCE_MAX = 2000  # characters of an entered score's evidence (本地政策: a form's limit)


def entered_value_set(
    *,
    actor: User,
    year: int,
    unit_key: str,
    indicator: str,
    value: str,
    evidence: str,
    entered_as: str,
) -> EnteredValue:
    """Enter (or correct, as a new row) a score for an entered indicator, with evidence."""
    policy.require(actor, "assessment.enter")
    target = _unit_for(unit_key)
    if target is None:
        raise DomainError(
            "考评对象不存在", errors=[("unit", "请填写 g:行政区划代码 或 d:部门编号")]
        )
    entry = EnteredValue(
        year=year,
        unit_key=unit_key,
        indicator=indicator,
        evidence=plain(evidence).strip(),
        entered_as=entered_as,
        division_code=target.division_code,
        department_id=target.department_id,
        entered_by=actor,
    )
    policy.require_reach(actor, entry)  # outside reach: not found, before any other answer
    policy.require_not_self_assessed(actor, target.division_code, target.department_id)
    system = system_for(year)
    leaf = next((x for x in engine.leaves(system.data) if x["code"] == indicator), None)
    errors: list[tuple[str, str]] = []
    if leaf is None or leaf["mode"] != "entered":
        errors.append(("indicator", "该指标不是录入指标"))
    elif entered_as not in leaf.get("entered_by", []):
        allowed = "、".join(engine.ENTERERS[e] for e in leaf.get("entered_by", []))
        errors.append(("entered_as", f"该指标由{allowed}录入"))
    elif not policy.may_enter_as(actor, entered_as):
        errors.append(("entered_as", f"您不能以{engine.ENTERERS[entered_as]}身份录入"))
    try:
        number = Decimal(value)
        if not number.is_finite() or not 0 <= number <= 100:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.append(("value", "得分须为0到100之间的数字"))
        number = Decimal(0)
    if not entry.evidence:
        errors.append(("evidence", "请填写依据（文件、报告或发现问题的编号）"))
    elif len(entry.evidence) > EVIDENCE_MAX:
        errors.append(("evidence", f"依据最多{EVIDENCE_MAX}字"))
    if errors:
        raise DomainError("录入内容有误，未保存", errors=errors)
    entry.value = number.quantize(Decimal("0.01"))
    with transaction.atomic():
        entry.save()
        audit_append(
            actor=actor.username,
            action="assessment.enter",
            object_type="assessment_entered_value",
            object_id=entry.pk,
            after={
                "year": year,
                "unit": unit_key,
                "indicator": indicator,
                "value": str(entry.value),
                "as": entered_as,
            },
        )
    return entry


def _unit_for(key: str) -> Unit | None:
    kind, _, ident = key.partition(":")
    if kind == "g":
        government = Government.objects.filter(division_id=ident).select_related("division").first()
        if government is None or government.division.level not in GOVERNMENT_LEVELS:
            return None
        level = GOVERNMENT_LEVELS[government.division.level]
        return Unit(key, government.name, level, government.division_id, None)
    if kind == "d" and ident.isdigit():
        department = Department.objects.filter(pk=int(ident)).first()
        if department is None:
            return None
        return Unit(key, department.name, "", department.division_code, department.pk)
    return None


RUN_PROPOSALS = four_eyes.Proposals(
    model=Run,
    table=RUN_TRANSITIONS,
    noun="考评结果",
    this="该次考评",
    own="考评结果",
)


def _latest_only(run: Run) -> None:
    latest = Run.objects.filter(year=run.year).aggregate(n=Max("number"))["n"]
    if run.number != latest:
        raise Conflict(f"{run.year}年度已有更新的考评运行，只能审核、公布最近一次运行的结果")


def run_decide(*, run_id: int, actor: User, name: str, version: int, reason: str = "") -> Run:
    """Approve or reject a run's results: a member of the provincial credit office other than
    the one who ran it (four eyes, core/four_eyes.py); only the latest run of its year."""
    policy.require(actor, "assessment.approve")
    if name not in ("approve", "reject"):
        raise DomainError("操作无效")

    def checks(current: Run) -> None:
        four_eyes.require_other_member(RUN_PROPOSALS, current, actor)
        _latest_only(current)

    with transaction.atomic():
        decided: Run
        decided, before = four_eyes.decide(
            RUN_PROPOSALS,
            pk=run_id,
            actor=actor,
            name=name,
            version=version,
            reason=reason,
            guard=checks,
        )
        audit_append(
            actor=actor.username,
            action="assessment.approve" if name == "approve" else "assessment.reject",
            object_type="assessment_run",
            object_id=decided.pk,
            before=before,
            after={
                "state": decided.state,
                "version": decided.version,
                "year": decided.year,
                "number": decided.number,
                "reason": decided.reason,
            },
        )
    return decided


def run_publish(*, run_id: int, actor: User, version: int) -> Run:
    """Publish an approved run: its year's current results become the public ones (the
    versions shown before stay, no longer public) and its snapshot is public."""
    policy.require(actor, "assessment.approve")
    transition = RUN_TRANSITIONS["publish"]
    with transaction.atomic():
        run = Run.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            raise NotFound()
        if run.state not in transition.sources:
            raise Conflict(f"该次考评当前状态为“{run.get_state_display()}”，不能公布")
        _latest_only(run)
        stale = "该次考评已被他人处理，请刷新后重试"
        if version != run.version:
            raise Conflict(stale)
        before = {"state": run.state, "version": run.version}
        transition_apply(
            Run,
            pk=run.pk,
            transition=transition,
            state=run.state,
            version=run.version,
            conflict=stale,
            state_field="state",
            published_by=actor,
            published_at=timezone.now(),
        )
        Result.objects.filter(year=run.year, public=True).update(public=False)
        shown = Result.objects.filter(year=run.year, current=True).update(public=True)
        run.refresh_from_db()
        audit_append(
            actor=actor.username,
            action="assessment.publish",
            object_type="assessment_run",
            object_id=run.pk,
            before=before,
            after={
                "state": run.state,
                "version": run.version,
                "year": run.year,
                "number": run.number,
                "results": shown,
                "snapshot": run.sha256,
            },
        )
    return run
