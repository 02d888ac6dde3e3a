"""The annual assessment over HTTP: results by level, the signed snapshot of the latest run."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from govtrust.assessment.selectors import (
    results_public,
    results_visible,
    snapshot_latest,
    snapshot_public,
)
from govtrust.assessment.services import entered_value_set
from govtrust.directory.auth import SessionAuth, TokenAuth, api_user
from govtrust.directory.models import User

router = Router(tags=["年度考评"])


def _public(request: HttpRequest) -> bool:
    """No sign-in: the public, who read only what was published."""
    return True


# Signed-in staff keep their in-scope view; everyone else reads the published results.
OPEN = [TokenAuth(), SessionAuth(), _public]


class ResultOut(Schema):
    unit: str
    name: str
    level: str
    division_code: str
    score: str
    grade: str
    rank: int
    peers: int
    version: int


@router.get(
    "/assessments/{year}/results",
    response=list[ResultOut],
    auth=OPEN,
    summary="考评结果（按层级）：公众看已公布的，工作人员看职责范围内的",
)
def results(request: HttpRequest, year: int, level: str) -> list[ResultOut]:
    user = getattr(request, "auth", None)
    if isinstance(user, User):
        rows = results_visible(user, year=year, level=level)
    else:
        rows = results_public(year=year, level=level)
    return [
        ResultOut(
            unit=r.unit_key,
            name=r.name,
            level=r.level,
            division_code=r.division_code,
            score=format(r.total, "f"),
            grade=r.grade,
            rank=r.rank,
            peers=r.peers,
            version=r.version,
        )
        for r in rows
    ]


@router.get(
    "/assessments/{year}/snapshot",
    auth=OPEN,
    summary="签名输入快照（规范 JSON）：公众取已公布的，信用主管部门和督查员取最近一次的",
)
def snapshot(request: HttpRequest, year: int) -> HttpResponse:
    user = getattr(request, "auth", None)
    if isinstance(user, User):
        run = snapshot_latest(user, year=year)
    else:
        run = snapshot_public(year)
    response = HttpResponse(run.snapshot.encode(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="assessment-{year}-snapshot.json"'
    response["X-Snapshot-SHA256"] = run.sha256
    return response


class EntryIn(Schema):
    unit: str  # g:<division code> or d:<department id>
    indicator: str  # an entered indicator's code, e.g. D1.3
    value: str  # 0-100
    evidence: str
    entered_as: str  # inspector / evaluator / office


class EntryOut(Schema):
    id: int
    unit: str
    indicator: str
    value: str


@router.post(
    "/assessments/{year}/entries", response={201: EntryOut}, summary="录入考评指标得分（附依据）"
)
def enter(request: HttpRequest, year: int, payload: EntryIn) -> Status[EntryOut]:
    entry = entered_value_set(
        actor=api_user(request),
        year=year,
        unit_key=payload.unit,
        indicator=payload.indicator,
        value=payload.value,
        evidence=payload.evidence,
        entered_as=payload.entered_as,
    )
    out = EntryOut(
        id=entry.pk, unit=entry.unit_key, indicator=entry.indicator, value=str(entry.value)
    )
    return Status(201, out)
