"""Every write on third-party evaluation (第三方评估, plan 三(一)1, 四): the credit office
registers an evaluator (its unified social credit code checked, GB 32100) and its commission
(year, scope, indicators with their score ranges, the units evaluated), and uploads the
evaluator's scores as Excel. A sheet is taken whole or not at all: an unknown unit or indicator,
a score out of its indicator's range, a duplicate, a file that cannot be read refuse it with an
error report and write nothing. An accepted sheet is kept with its file and the file's SHA-256;
a re-upload is the next version, never an overwrite."""

from __future__ import annotations

import hashlib
import os
import secrets
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.clock import today_beijing
from govtrust.core.errors import Conflict, DomainError, NotFound
from govtrust.core.identifiers import check_uscc
from govtrust.core.sheets import SheetRefused, error_report, read_table
from govtrust.core.text import plain
from govtrust.directory import policy
from govtrust.directory.models import Department, Government, User
from govtrust.remedies.services.evidence import clean_label
from govtrust.supervision.models import (
    EvaluatedUnit,
    EvaluationCommission,
    EvaluationIndicator,
    EvaluationScore,
    Evaluator,
    ScoreSheet,
)

# The columns of a score sheet (the template the office hands the evaluator has them).
UNIT, INDICATOR, SCORE, NOTE = "被评估单位", "评估指标", "得分", "备注"
HEADER = (UNIT, INDICATOR, SCORE)
MAX_INDICATORS = 100
MAX_UNITS = 500
SCORE_LIMIT = Decimal("99999.99")  # the field's capacity (7 digits, 2 decimals)


def _folder() -> Path:
    """Score files live with the other uploads (backed up with them: core/backup FILE_DIRS)."""
    path = Path(settings.VAR_DIR) / "uploads" / "evaluations"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sheet_path(sheet: ScoreSheet) -> Path:
    return _folder() / sheet.stored_name


def _key(value: str) -> str:
    """How names are matched: half-width, no spaces (as typed in Excel by hand)."""
    return "".join(unicodedata.normalize("NFKC", value).split())


@dataclass(frozen=True)
class IndicatorIn:
    name: str
    low: Decimal
    high: Decimal


def _office(actor: User) -> None:
    policy.require(actor, "evaluations.manage")


@transaction.atomic
def evaluator_register(*, actor: User, name: str, uscc: str) -> Evaluator:
    _office(actor)
    errors: list[tuple[str, str]] = []
    name = plain(name).strip()
    if not name:
        errors.append(("name", "请填写评估机构名称"))
    elif len(name) > 100:
        errors.append(("name", "评估机构名称不能超过100字"))
    checked = check_uscc(uscc or "")
    if not checked.valid:
        errors.append(("uscc", checked.message))
    if errors:
        raise DomainError(errors[0][1], errors=errors)
    duplicate = Conflict(
        f"统一社会信用代码为{checked.normalized}的评估机构已登记", errors=[("uscc", "已登记")]
    )
    if Evaluator.objects.filter(division_code=actor.scope_code, uscc=checked.normalized).exists():
        raise duplicate
    try:
        with transaction.atomic():
            evaluator = Evaluator.objects.create(
                name=name,
                uscc=checked.normalized,
                division_code=actor.scope_code,
                created_by=actor,
            )
    except IntegrityError as exc:
        raise duplicate from exc
    audit_append(
        actor=actor.username,
        action="evaluation.evaluator_register",
        object_type="evaluator",
        object_id=evaluator.pk,
        after={"name": name, "uscc": checked.normalized},
    )
    return evaluator


def parse_indicators(text: str) -> list[IndicatorIn]:
    """Indicators as the form takes them, one a line: 名称,最低分,最高分 (Chinese or ASCII
    commas); refused in words when a line cannot be read."""
    found: list[IndicatorIn] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = unicodedata.normalize("NFKC", line).strip()
        if not line:
            continue
        parts = [part.strip() for part in line.replace("、", ",").split(",")]
        if len(parts) != 3:
            raise DomainError(
                f"评估指标第{number}行格式应为“名称,最低分,最高分”", errors=[("indicators", line)]
            )
        try:
            low, high = Decimal(parts[1]), Decimal(parts[2])
        except InvalidOperation as exc:
            raise DomainError(
                f"评估指标第{number}行的分值不是数字", errors=[("indicators", line)]
            ) from exc
        found.append(IndicatorIn(parts[0], low, high))
    return found


def _indicators(items: list[IndicatorIn]) -> list[IndicatorIn]:
    if not items:
        raise DomainError("请至少填写一个评估指标", errors=[("indicators", "必填")])
    if len(items) > MAX_INDICATORS:
        raise DomainError(f"评估指标最多{MAX_INDICATORS}个")
    seen: set[str] = set()
    clean: list[IndicatorIn] = []
    for item in items:
        name = plain(item.name).strip()
        if not name or len(name) > 60:
            raise DomainError("评估指标名称应为1至60字", errors=[("indicators", name)])
        if _key(name) in seen:
            raise DomainError(f"评估指标“{name}”重复", errors=[("indicators", name)])
        seen.add(_key(name))
        if not (item.low.is_finite() and item.high.is_finite()):
            raise DomainError(f"评估指标“{name}”的分值不是数字")
        if not (-SCORE_LIMIT <= item.low < item.high <= SCORE_LIMIT):
            raise DomainError(
                f"评估指标“{name}”的分值范围无效：最低分应小于最高分",
                errors=[("indicators", name)],
            )
        clean.append(IndicatorIn(name, item.low, item.high))
    return clean


def _units(actor: User, names: list[str]) -> list[tuple[str, Government, Department | None]]:
    """Each line: a government's division code, or a department's name (or the id number the
    department list shows, as #12) within the office's reach."""
    governments = policy.within(Government.objects.all(), actor)
    departments = policy.within(Department.objects.select_related("government"), actor)
    found: list[tuple[str, Government, Department | None]] = []
    seen: set[str] = set()
    for raw in names:
        line = _key(raw)
        if not line:
            continue
        government: Government | None
        department: Department | None = None
        if line.isdigit():
            government = governments.filter(division_id=line).first()
            if government is None:
                raise DomainError(
                    f"被评估单位“{line}”：无此政府或不在您的数据范围内", errors=[("units", line)]
                )
            name = government.name
        else:
            if line.startswith("#") and line[1:].isdigit():
                matches = list(departments.filter(pk=int(line[1:]))[:2])
            else:
                matches = list(departments.filter(name=line)[:2])
            if not matches:
                raise DomainError(
                    f"被评估单位“{line}”：无此部门或不在您的数据范围内", errors=[("units", line)]
                )
            if len(matches) > 1:
                raise DomainError(
                    f"被评估单位“{line}”有多个同名部门，请写作“#部门编号”",
                    errors=[("units", line)],
                )
            department = matches[0]
            government = department.government
            name = department.name
        if _key(name) in seen:
            raise DomainError(f"被评估单位“{name}”重复", errors=[("units", name)])
        seen.add(_key(name))
        found.append((name, government, department))
    if not found:
        raise DomainError("请至少填写一个被评估单位", errors=[("units", "必填")])
    if len(found) > MAX_UNITS:
        raise DomainError(f"被评估单位最多{MAX_UNITS}个")
    return found


@transaction.atomic
def commission_register(
    *,
    actor: User,
    evaluator_id: int,
    year: int,
    scope: str,
    indicators: list[IndicatorIn],
    units: list[str],
) -> EvaluationCommission:
    """The office commissions an evaluator for a year: what it evaluates and on what scale."""
    _office(actor)
    evaluator = policy.within(Evaluator.objects.all(), actor).filter(pk=evaluator_id).first()
    if evaluator is None:
        raise NotFound()
    scope = plain(scope).strip()
    if not scope:
        raise DomainError("请填写评估范围", errors=[("scope", "必填")])
    if len(scope) > 200:
        raise DomainError("评估范围不能超过200字", errors=[("scope", "过长")])
    if not 2017 <= year <= today_beijing().year + 1:  # the plan was issued in 2017
        raise DomainError("评估年度应在2017年至明年之间", errors=[("year", "年度无效")])
    clean = _indicators(indicators)
    chosen = _units(actor, units)
    duplicate = Conflict(f"该评估机构{year}年度“{scope}”的委托已登记")
    if EvaluationCommission.objects.filter(evaluator=evaluator, year=year, scope=scope).exists():
        raise duplicate
    try:
        with transaction.atomic():
            commission = EvaluationCommission.objects.create(
                evaluator=evaluator,
                year=year,
                scope=scope,
                division_code=evaluator.division_code,
                created_by=actor,
            )
    except IntegrityError as exc:
        raise duplicate from exc
    EvaluationIndicator.objects.bulk_create(
        EvaluationIndicator(commission=commission, position=n, name=i.name, low=i.low, high=i.high)
        for n, i in enumerate(clean, start=1)
    )
    EvaluatedUnit.objects.bulk_create(
        EvaluatedUnit(
            commission=commission,
            name=name,
            government=government,
            department=department,
            division_code=government.division_id,
        )
        for name, government, department in chosen
    )
    audit_append(
        actor=actor.username,
        action="evaluation.commission_register",
        object_type="evaluation_commission",
        object_id=commission.pk,
        after={
            "evaluator": evaluator.name,
            "year": year,
            "scope": scope,
            "indicators": [[i.name, str(i.low), str(i.high)] for i in clean],
            "units": [name for name, _g, _d in chosen],
        },
    )
    return commission


def _score(text: str) -> Decimal | None:
    try:
        value = Decimal(unicodedata.normalize("NFKC", text).strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _refuse(detail: str, titles: list[str], rows: list[tuple[int, list[str], list[str]]]) -> None:
    problems = [(number, "", "；".join(messages)) for number, _values, messages in rows]
    raise SheetRefused(detail, problems, error_report(titles, rows))


def _check_rows(
    commission: EvaluationCommission, titles: list[str], rows: list[tuple[int, list[str]]]
) -> list[tuple[EvaluatedUnit, EvaluationIndicator, Decimal]]:
    """Every row checked; any problem refuses the whole sheet with the rows that have one."""
    units = {_key(u.name): u for u in commission.units.all()}
    units.update({u.division_code: u for u in commission.units.all() if u.department_id is None})
    indicators = {_key(i.name): i for i in commission.indicators.all()}
    at = {title: titles.index(title) for title in HEADER}
    taken: dict[tuple[int, int], int] = {}
    good: list[tuple[EvaluatedUnit, EvaluationIndicator, Decimal]] = []
    bad: list[tuple[int, list[str], list[str]]] = []
    for number, values in rows:
        cells = values + [""] * (len(titles) - len(values))
        unit_name, indicator_name, raw = (cells[at[t]] for t in HEADER)
        problems: list[str] = []
        unit = units.get(_key(unit_name))
        if unit is None:
            problems.append(
                f"被评估单位“{unit_name}”不在本次委托的单位中" if unit_name else "被评估单位为空"
            )
        indicator = indicators.get(_key(indicator_name))
        if indicator is None:
            problems.append(
                f"评估指标“{indicator_name}”不在本次委托的指标中"
                if indicator_name
                else "评估指标为空"
            )
        value = _score(raw)
        if value is None:
            problems.append(f"得分“{raw}”不是数字" if raw else "得分为空")
        elif indicator is not None and not indicator.low <= value <= indicator.high:
            problems.append(
                f"得分{value}超出指标“{indicator.name}”的范围"
                f"（{indicator.low.normalize():f}～{indicator.high.normalize():f}）"
            )
        if unit is not None and indicator is not None:
            first = taken.setdefault((unit.pk, indicator.pk), number)
            if first != number:
                problems.append(f"与第{first}行重复：同一单位同一指标只能有一个得分")
        if problems:
            bad.append((number, values, problems))
        elif unit is not None and indicator is not None and value is not None:
            good.append((unit, indicator, value.quantize(Decimal("0.01"))))
    if bad:
        detail = f"评估结果有{len(bad)}行错误，未导入任何数据，请下载错误报告修改后重新上传"
        _refuse(detail, titles, bad)
    if not good:
        _refuse("表格中没有评估得分", titles, [])
    return good


def scores_upload(
    *, actor: User, commission_id: int, filename: str, source: IO[bytes]
) -> ScoreSheet:
    """Take an evaluator's score sheet for a commission, whole or not at all (SheetRefused,
    with an error report, on any problem). Accepted: stored under a random name with its
    SHA-256, as the commission's next version."""
    _office(actor)
    commission = (
        policy.within(EvaluationCommission.objects.all(), actor)
        .filter(pk=commission_id)
        .select_related("evaluator")
        .first()
    )
    if commission is None:
        raise NotFound()
    try:
        titles, rows, data = read_table(source, filename, header=HEADER)
    except DomainError as exc:  # unreadable, wrong encoding, wrong kind, no header
        report = error_report(["文件"], [(0, [clean_label(filename)], [exc.detail])])
        raise SheetRefused(exc.detail, [(0, "", exc.detail)], report) from exc
    scores = _check_rows(commission, titles, rows)
    return _keep(actor, commission, filename, data, scores)


@transaction.atomic
def _keep(
    actor: User,
    commission: EvaluationCommission,
    filename: str,
    data: bytes,
    scores: list[tuple[EvaluatedUnit, EvaluationIndicator, Decimal]],
) -> ScoreSheet:
    digest = hashlib.sha256(data).hexdigest()
    # Lock the commission: two uploads at once take versions one after the other.
    EvaluationCommission.objects.select_for_update().filter(pk=commission.pk).first()
    previous = commission.sheets.aggregate(last=Max("version"))["last"] or 0
    stored_name = secrets.token_hex(16) + Path(clean_label(filename)).suffix.lower()[:8]
    temporary = _folder() / (stored_name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, _folder() / stored_name)
    try:
        with transaction.atomic():
            sheet = ScoreSheet.objects.create(
                commission=commission,
                version=previous + 1,
                stored_name=stored_name,
                label=clean_label(filename),
                size=len(data),
                sha256=digest,
                rows=len(scores),
                uploaded_by=actor,
                uploaded_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise Conflict("该委托的评估结果正在被他人上传，请刷新后重试") from exc
    EvaluationScore.objects.bulk_create(
        EvaluationScore(sheet=sheet, unit=unit, indicator=indicator, value=value)
        for unit, indicator, value in scores
    )
    audit_append(
        actor=actor.username,
        action="evaluation.scores_upload",
        object_type="evaluation_commission",
        object_id=commission.pk,
        after={
            "evaluator": commission.evaluator.name,
            "year": commission.year,
            "version": sheet.version,
            "file": sheet.label,
            "sha256": digest,
            "scores": len(scores),
        },
    )
    return sheet


def sheet_read(*, actor: User, sheet_id: int) -> tuple[ScoreSheet, bytes]:
    """The stored file of a score sheet, for those who reach it (a sensitive read: audited)."""
    sheet = (
        policy.within(ScoreSheet.objects.all(), actor)
        .filter(pk=sheet_id)
        .select_related("commission")
        .first()
    )
    if sheet is None:
        raise NotFound()
    data = sheet_path(sheet).read_bytes()
    audit_append(
        actor=actor.username,
        action="evaluation.sheet_download",
        object_type="score_sheet",
        object_id=sheet.pk,
        after={"commission": sheet.commission_id, "version": sheet.version, "sha256": sheet.sha256},
    )
    return sheet, data


__all__ = [
    "HEADER",
    "IndicatorIn",
    "commission_register",
    "evaluator_register",
    "parse_indicators",
    "scores_upload",
    "sheet_read",
]
