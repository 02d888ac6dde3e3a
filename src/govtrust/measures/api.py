"""Measures, rectification and measure rules over HTTP (staff)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from govtrust.directory import policy
from govtrust.directory.auth import api_user
from govtrust.measures.models import Measure, MeasureRule
from govtrust.measures.selectors import measures_of, rectification_figures
from govtrust.measures.services import measure_rule_revise
from govtrust.measures.services.rectification import rectification_submit, rectification_verify

router = Router(tags=["惩戒措施"])


class MeasureOut(Schema):
    id: int
    version: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    due_date: datetime.date | None
    rule: str
    legal_source: str
    mitigation_note: str
    report: str
    return_reason: str
    submitted_late: bool | None


class RuleOut(Schema):
    code: str
    version: int
    title: str
    subject_kinds: list[str]
    sources: list[str]
    severities: list[str]
    domains: list[str]
    measures: list[dict[str, Any]]
    mitigation: dict[str, str]
    legal_source: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    note: str


class RevisionIn(Schema):
    changes: dict[str, Any]
    valid_from: datetime.date
    note: str
    legal_source: str


@router.get("/records/{number}/measures", response=list[MeasureOut], summary="记录的惩戒措施")
def record_measures(request: HttpRequest, number: str) -> list[MeasureOut]:
    found = measures_of(number=number, user=api_user(request))
    return [
        MeasureOut(
            id=m.pk,
            version=m.version,
            kind=m.kind,
            kind_label=m.get_kind_display(),
            status=m.status,
            status_label=m.get_status_display(),
            starts_on=m.starts_on,
            ends_on=m.ends_on,
            due_date=m.due_date,
            rule=f"{m.rule_code} v{m.rule_version}",
            legal_source=m.legal_source,
            mitigation_note=m.mitigation_note,
            report=m.report,
            return_reason=m.return_reason,
            submitted_late=m.submitted_late,
        )
        for m in found
    ]


@router.get("/measure-rules", response=list[RuleOut], summary="惩戒措施规则（含历史版本）")
def rules(request: HttpRequest) -> list[MeasureRule]:
    policy.require(api_user(request), "business.read")
    return list(MeasureRule.objects.all())


@router.post("/measure-rules/{code}/revisions", response={201: RuleOut}, summary="修订规则")
def revise(request: HttpRequest, code: str, body: RevisionIn) -> Status[MeasureRule]:
    revised = measure_rule_revise(
        code=code,
        changes=body.changes,
        valid_from=body.valid_from,
        note=body.note,
        legal_source=body.legal_source,
        actor=api_user(request),
    )
    return Status(201, revised)


class ReportIn(Schema):
    report: str
    version: int


class VerifyIn(Schema):
    accept: bool
    reason: str = ""
    version: int


class Done(Schema):
    id: int
    status: str
    status_label: str
    version: int


def _done(measure: Measure) -> Done:
    return Done(
        id=measure.pk,
        status=measure.status,
        status_label=measure.get_status_display(),
        version=measure.version,
    )


@router.post("/measures/{measure_id}/report", response=Done, summary="提交书面说明或整改报告")
def measure_report(request: HttpRequest, measure_id: int, body: ReportIn) -> Done:
    return _done(
        rectification_submit(
            measure_id=measure_id, report=body.report, version=body.version, actor=api_user(request)
        )
    )


@router.post("/measures/{measure_id}/verify", response=Done, summary="核验整改（通过或退回）")
def measure_verify(request: HttpRequest, measure_id: int, body: VerifyIn) -> Done:
    return _done(
        rectification_verify(
            measure_id=measure_id,
            accept=body.accept,
            reason=body.reason,
            version=body.version,
            actor=api_user(request),
        )
    )


@router.get("/rectification-figures", response=list[dict[str, Any]], summary="各单位整改情况")
def figures(request: HttpRequest) -> list[dict[str, Any]]:
    return rectification_figures(api_user(request), timezone.localdate())
