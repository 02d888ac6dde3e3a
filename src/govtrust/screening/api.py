"""Screening of award candidates over HTTP (staff): at once, or kept with judgements and a
certificate."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from govtrust.directory import policy
from govtrust.directory.auth import api_user
from govtrust.directory.models import User
from govtrust.documents.services.issue import verify_url
from govtrust.ledger.models import Checkpoint
from govtrust.screening.candidates import candidates_read, results_xlsx
from govtrust.screening.engine import Candidate, Result, judgement_record
from govtrust.screening.models import Screening
from govtrust.screening.selectors import checkpoint_label, counts, pending
from govtrust.screening.services import (
    screening_certify,
    screening_judge,
    screening_once,
    screening_read,
    screening_run,
    stored_result,
)

# The same tag as the measures router: one section of the API documentation, as before the split.
router = Router(tags=["惩戒措施"])


class CandidateIn(Schema):
    name: str = Field(max_length=120)
    identifier: str = Field("", max_length=40, description="统一社会信用代码或身份证号码")
    unit: str = Field("", max_length=120)


class ScreeningIn(Schema):
    candidates: list[CandidateIn] = Field(max_length=20000)


class MatchOut(Schema):
    record_number: str
    subject_name: str
    reason: str
    score: float
    features: list[str]
    measures: list[dict[str, Any]]
    until: datetime.date | None
    needs_review: bool


class ResultOut(Schema):
    row: int
    name: str
    candidate_key: str
    verdict: str
    verdict_label: str
    until: datetime.date | None
    matches: list[MatchOut]
    dismissed: int


def _screener(request: HttpRequest) -> User:
    user = api_user(request)
    policy.require(user, "screening.run")
    return user


@router.post("/screenings", response=list[ResultOut], summary="评优评先信用审查")
def screening(request: HttpRequest, body: ScreeningIn) -> list[ResultOut]:
    candidates = [
        Candidate(row=i, name=c.name, identifier=c.identifier, unit=c.unit)
        for i, c in enumerate(body.candidates, start=1)
    ]
    return _results(screening_once(candidates=candidates, actor=_screener(request)))


@router.post(
    "/screenings/upload",
    response=list[ResultOut],
    summary="上传候选名单（Excel 或 CSV）审查；?format=xlsx 下载 Excel 结果",
)
def screening_upload(
    request: HttpRequest, file: File[UploadedFile], format: str = "json"
) -> list[ResultOut] | HttpResponse:
    user = _screener(request)
    results = screening_once(candidates=candidates_read(file, file.name or "名单.xlsx"), actor=user)
    if format == "xlsx":
        checkpoint = checkpoint_label(Checkpoint.objects.first())
        response = HttpResponse(
            results_xlsx([stored_result(r) for r in results], checkpoint=checkpoint),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="screening.xlsx"'
        return response
    return _results(results)


def _results(results: list[Result]) -> list[ResultOut]:
    return [
        ResultOut(
            row=r.candidate.row,
            name=r.candidate.name,
            candidate_key=r.candidate.key,
            verdict=r.verdict,
            verdict_label=r.verdict_label,
            until=r.until,
            matches=[MatchOut(**vars(m)) for m in r.matches],
            dismissed=r.dismissed,
        )
        for r in results
    ]


class KeptIn(ScreeningIn):
    title: str = Field(max_length=120, description="评选活动名称")


class KeptOut(Schema):
    number: str
    version: int
    title: str
    checkpoint: str
    counts: dict[str, int]
    pending: int
    results: list[dict[str, Any]]


def _kept(screening: Screening) -> KeptOut:
    return KeptOut(
        number=screening.number,
        version=screening.version,
        title=screening.title,
        checkpoint=checkpoint_label(screening),
        counts=counts(screening),
        pending=pending(screening),
        results=screening.results,
    )


@router.post(
    "/screenings/kept",
    response={201: KeptOut},
    summary="审查并保存结果（可复核、出具证明）",
)
def screening_kept(request: HttpRequest, body: KeptIn) -> Status[KeptOut]:
    candidates = [
        Candidate(row=i, name=c.name, identifier=c.identifier, unit=c.unit)
        for i, c in enumerate(body.candidates, start=1)
    ]
    kept = screening_run(
        title=body.title,
        candidates=candidates,
        source_name="API 请求",
        # The caller holds the exact bytes it sent: the certificate binds the list by them.
        source_sha256=hashlib.sha256(request.body).hexdigest(),
        actor=api_user(request),
    )
    return Status(201, _kept(kept))


@router.get("/screenings/kept/{number}", response=KeptOut, summary="保存的审查结果")
def screening_kept_read(request: HttpRequest, number: str) -> KeptOut:
    return _kept(screening_read(number, api_user(request)))


class KeptJudgementIn(Schema):
    row: int
    record_number: str = Field(max_length=24)
    confirmed: bool
    note: str = Field("", max_length=200)
    version: int


@router.post(
    "/screenings/kept/{number}/judgements", response=KeptOut, summary="复核保存结果中的名称匹配"
)
def screening_kept_judge(request: HttpRequest, number: str, body: KeptJudgementIn) -> KeptOut:
    judged = screening_judge(
        number=number,
        row=body.row,
        record_number=body.record_number,
        confirmed=body.confirmed,
        note=body.note,
        version=body.version,
        actor=api_user(request),
    )
    return _kept(judged)


@router.post(
    "/screenings/kept/{number}/certificate",
    response={201: dict[str, Any]},
    summary="出具审查证明（PDF）",
)
def screening_certificate(request: HttpRequest, number: str) -> Status[dict[str, Any]]:
    document = screening_certify(number=number, actor=api_user(request))
    return Status(
        201,
        {
            "code": document.code,
            "sha256": document.sha256,
            "verify_url": verify_url(document.code),
            "download_url": reverse("api:document_pdf", args=[document.code]),
        },
    )


class JudgementIn(Schema):
    candidate_key: str = Field(max_length=128)
    record_number: str = Field(max_length=24)
    confirmed: bool
    note: str = Field("", max_length=200)


@router.post("/screenings/judgements", response={201: dict[str, Any]}, summary="复核名称匹配")
def judgement(request: HttpRequest, body: JudgementIn) -> Status[dict[str, Any]]:
    saved = judgement_record(
        candidate_key=body.candidate_key,
        record_number=body.record_number,
        confirmed=body.confirmed,
        note=body.note,
        actor=api_user(request),
    )
    return Status(201, {"confirmed": saved.confirmed, "record_number": body.record_number})
