"""Reads of third-party evaluation: the evaluators and commissions in reach, and the scores the
annual assessment reads (`scores_for`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Prefetch, QuerySet

from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.supervision.models import (
    EvaluationCommission,
    EvaluationScore,
    Evaluator,
    ScoreSheet,
)


def evaluators_visible(user: User) -> QuerySet[Evaluator]:
    return policy.within(Evaluator.objects.all(), user).annotate(
        commission_count=Count("commissions")
    )


def commissions_visible(user: User) -> QuerySet[EvaluationCommission]:
    return (
        policy.within(EvaluationCommission.objects.all(), user)
        .select_related("evaluator")
        .annotate(latest_version=Max("sheets__version"))
        .order_by("-year", "evaluator__name", "id")
    )


def commission_detail(user: User, pk: int) -> EvaluationCommission | None:
    return (
        commissions_visible(user)
        .filter(pk=pk)
        .prefetch_related(
            "indicators",
            "units",
            Prefetch("sheets", queryset=ScoreSheet.objects.select_related("uploaded_by")),
        )
        .first()
    )


def current_sheet(commission: EvaluationCommission) -> ScoreSheet | None:
    """The latest version: the one that counts (earlier versions stay, for the record)."""
    return commission.sheets.order_by("-version").first()


def score_table(sheet: ScoreSheet) -> tuple[list[str], list[tuple[str, list[Decimal | None]]]]:
    """A sheet's scores as units × indicators."""
    commission = sheet.commission
    indicators = list(commission.indicators.all())
    values = {
        (s.unit_id, s.indicator_id): s.value
        for s in EvaluationScore.objects.filter(sheet=sheet).only("unit", "indicator", "value")
    }
    rows = [
        (unit.name, [values.get((unit.pk, i.pk)) for i in indicators])
        for unit in commission.units.all()
    ]
    return [i.name for i in indicators], rows


@dataclass(frozen=True)
class ScoreRow:
    """One evaluator's score of one unit on one indicator, from the commission's current sheet,
    with the file it came from."""

    year: int
    commission_id: int
    evaluator: str
    evaluator_uscc: str
    scope: str
    indicator: str
    low: Decimal
    high: Decimal
    unit: str
    government_code: str
    department_id: int | None
    value: Decimal
    sheet_version: int
    sha256: str
    uploaded_at: datetime.datetime


def scores_for(year: int, user: User | None = None) -> list[ScoreRow]:
    """The third-party scores of a year, each commission's current version only: for the annual
    assessment. With a user, only the commissions in that user's reach (policy.within); without
    one, the whole province (the assessment's own computation)."""
    commissions = EvaluationCommission.objects.filter(year=year)
    if user is not None:
        commissions = policy.within(commissions, user)
    current = {
        row["commission"]: row["last"]
        for row in ScoreSheet.objects.filter(commission__in=commissions)
        .values("commission")
        .annotate(last=Max("version"))
    }
    if not current:
        return []
    sheets = ScoreSheet.objects.filter(commission__in=list(current)).select_related(
        "commission__evaluator"
    )
    chosen = [s for s in sheets if current[s.commission_id] == s.version]
    scores = (
        EvaluationScore.objects.filter(sheet__in=chosen)
        .select_related("indicator", "unit", "sheet")
        .order_by("sheet__commission_id", "unit__division_code", "unit_id", "indicator__position")
    )
    by_id = {s.pk: s for s in chosen}
    rows: list[ScoreRow] = []
    for score in scores:
        sheet = by_id[score.sheet_id]
        commission = sheet.commission
        rows.append(
            ScoreRow(
                year=commission.year,
                commission_id=commission.pk,
                evaluator=commission.evaluator.name,
                evaluator_uscc=commission.evaluator.uscc,
                scope=commission.scope,
                indicator=score.indicator.name,
                low=score.indicator.low,
                high=score.indicator.high,
                unit=score.unit.name,
                government_code=score.unit.division_code,
                department_id=score.unit.department_id,
                value=score.value,
                sheet_version=sheet.version,
                sha256=sheet.sha256,
                uploaded_at=sheet.uploaded_at,
            )
        )
    return rows
