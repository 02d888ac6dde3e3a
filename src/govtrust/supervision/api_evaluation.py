"""Third-party evaluation over HTTP (staff): evaluators, commissions, score uploads (multipart,
whole or not at all) and the scores of a year as the assessment reads them."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from govtrust.core.errors import DomainError, NotFound
from govtrust.core.sheets import SheetRefused
from govtrust.directory.auth import api_user
from govtrust.supervision import selectors_evaluation as selectors
from govtrust.supervision.models import EvaluationCommission, Evaluator, ScoreSheet
from govtrust.supervision.services import evaluation as svc

router = Router(tags=["第三方评估"])


class EvaluatorIn(Schema):
    name: str
    uscc: str = Field(description="统一社会信用代码（GB 32100）")


class EvaluatorOut(Schema):
    id: int
    name: str
    uscc: str


class IndicatorSchema(Schema):
    name: str
    low: Decimal = Field(description="最低分")
    high: Decimal = Field(description="最高分")


class CommissionIn(Schema):
    evaluator_id: int
    year: int
    scope: str
    indicators: list[IndicatorSchema]
    units: list[str] = Field(description="被评估单位：政府的行政区划代码或部门名称（#部门编号）")


class SheetOut(Schema):
    id: int
    version: int
    label: str
    sha256: str
    rows: int
    uploaded_at: datetime.datetime


class CommissionOut(Schema):
    id: int
    evaluator_id: int
    evaluator: str
    year: int
    scope: str
    indicators: list[IndicatorSchema]
    units: list[str]
    sheets: list[SheetOut]


class ScoreOut(Schema):
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


def _evaluator(e: Evaluator) -> EvaluatorOut:
    return EvaluatorOut(id=e.pk, name=e.name, uscc=e.uscc)


def _sheet(s: ScoreSheet) -> SheetOut:
    return SheetOut(
        id=s.pk,
        version=s.version,
        label=s.label,
        sha256=s.sha256,
        rows=s.rows,
        uploaded_at=s.uploaded_at,
    )


def _commission(c: EvaluationCommission) -> CommissionOut:
    return CommissionOut(
        id=c.pk,
        evaluator_id=c.evaluator_id,
        evaluator=c.evaluator.name,
        year=c.year,
        scope=c.scope,
        indicators=[
            IndicatorSchema(name=i.name, low=i.low, high=i.high) for i in c.indicators.all()
        ],
        units=[u.name for u in c.units.all()],
        sheets=[_sheet(s) for s in c.sheets.all()],
    )


@router.get("/evaluators", response=list[EvaluatorOut], summary="第三方评估机构（数据范围内）")
def evaluators(request: HttpRequest) -> list[EvaluatorOut]:
    return [_evaluator(e) for e in selectors.evaluators_visible(api_user(request))]


@router.post("/evaluators", response={201: EvaluatorOut}, summary="登记第三方评估机构")
def evaluator_create(request: HttpRequest, body: EvaluatorIn) -> Status[EvaluatorOut]:
    done = svc.evaluator_register(actor=api_user(request), name=body.name, uscc=body.uscc)
    return Status(201, _evaluator(done))


@router.get("/evaluations", response=list[CommissionOut], summary="评估委托及历次评估结果")
def commissions(request: HttpRequest) -> list[CommissionOut]:
    found = selectors.commissions_visible(api_user(request)).prefetch_related(
        "indicators", "units", "sheets"
    )
    return [_commission(c) for c in found]


@router.post("/evaluations", response={201: CommissionOut}, summary="登记评估委托")
def commission_create(request: HttpRequest, body: CommissionIn) -> Status[CommissionOut]:
    actor = api_user(request)
    done = svc.commission_register(
        actor=actor,
        evaluator_id=body.evaluator_id,
        year=body.year,
        scope=body.scope,
        indicators=[svc.IndicatorIn(i.name, i.low, i.high) for i in body.indicators],
        units=body.units,
    )
    found = selectors.commission_detail(actor, done.pk)
    if found is None:  # registered in reach a moment ago
        raise NotFound()
    return Status(201, _commission(found))


@router.post(
    "/evaluations/{commission_id}/scores",
    response={201: SheetOut},
    summary="上传评估结果（Excel 或 CSV；整表校验，有误则不导入）",
    description="表头：被评估单位、评估指标、得分（可加备注）。有误时返回 400，errors 中逐行说明。",
)
def scores_upload(
    request: HttpRequest, commission_id: int, file: File[UploadedFile]
) -> Status[SheetOut]:
    try:
        sheet = svc.scores_upload(
            actor=api_user(request),
            commission_id=commission_id,
            filename=file.name or "",
            source=file,
        )
    except SheetRefused as exc:
        raise DomainError(
            exc.detail,
            errors=[
                (f"第{row}行" if row else "文件", message) for row, _c, message in exc.problems
            ],
        ) from exc
    return Status(201, _sheet(sheet))


@router.get(
    "/evaluation-scores",
    response=list[ScoreOut],
    summary="某年度的第三方评估得分（各委托的当前版本，数据范围内）",
)
def scores(request: HttpRequest, year: int) -> list[ScoreOut]:
    if not 2000 <= year <= 2100:
        raise NotFound()
    return [ScoreOut(**row.__dict__) for row in selectors.scores_for(year, api_user(request))]
