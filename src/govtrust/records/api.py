"""Records over HTTP: parse, call a service or selector, render. No rules live here."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from govtrust.core.paging import Page, PageQuery, page_of
from govtrust.directory.auth import api_user
from govtrust.records import selectors, services
from govtrust.records.models import Record, RecordEvent
from govtrust.records.schemas import ReasonIn, RecordIn
from govtrust.records.services import privacy
from govtrust.records.workflow import Status as RecordStatus

router = Router(tags=["失信记录"])


class RecordOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    version: int
    subject_kind: str
    subject_name: str
    subject_identifier: str
    source_type: str
    domain: str
    decision_number: str
    decision_date: datetime.date
    authority_name: str
    authority_uscc: str
    facts: str
    basis: str
    outcome: str
    amount: Decimal | None
    severity: str
    safety_area: str
    procedure: str = Field(description="决定程序：simple 简易程序 / general 普通程序")
    penalties: list[str] = Field(description="处罚种类代码")
    court_ground: int | None = Field(description="失信被执行人：法释〔2017〕7号第一条所列情形")
    extension_years: int
    minor_published: bool
    reporting_unit: str
    arose_on: datetime.date
    due_date: datetime.date
    due_provisional: bool
    submitted_at: datetime.datetime | None
    on_time: bool | None
    return_reason: str


class EventOut(Schema):
    at: datetime.datetime
    actor: str
    action: str
    from_status: str
    to_status: str
    note: str


class RecordDetail(RecordOut):
    history: list[EventOut]


class ListFilters(PageQuery):
    status: RecordStatus | None = None
    q: str | None = None


class VersionIn(Schema):
    version: int | None = None


class ReturnIn(ReasonIn):
    version: int | None = None


def _out(record: Record) -> RecordOut:
    return RecordOut(
        id=record.pk,
        number=record.number,
        status=record.status,
        status_label=record.get_status_display(),
        version=record.version,
        subject_kind=record.subject_kind,
        subject_name=record.subject_name,
        # Citizen ID numbers leave the server masked; the full number is never in this API.
        subject_identifier=record.subject_uscc or record.subject_ric_masked,
        source_type=record.source_type,
        domain=record.domain,
        decision_number=record.decision_number,
        decision_date=record.decision_date,
        authority_name=record.authority_name,
        authority_uscc=record.authority_uscc,
        facts=record.facts,
        basis=record.basis,
        outcome=record.outcome,
        amount=record.amount,
        severity=record.severity,
        safety_area=record.safety_area,
        procedure=record.procedure,
        penalties=list(record.penalties or []),
        court_ground=record.court_ground,
        extension_years=record.extension_years,
        minor_published=record.minor_published,
        reporting_unit=record.reporting_unit,
        arose_on=record.arose_on,
        due_date=record.due_date,
        due_provisional=record.due_provisional,
        submitted_at=record.submitted_at,
        on_time=record.on_time,
        return_reason=record.return_reason,
    )


def _detail(record: Record) -> RecordDetail:
    events: list[RecordEvent] = list(selectors.record_history(record=record))
    history = [
        EventOut(
            at=e.at,
            actor=e.actor.username,
            action=e.action,
            from_status=e.from_status,
            to_status=e.to_status,
            note=e.note,
        )
        for e in events
    ]
    return RecordDetail(**_out(record).model_dump(), history=history)


@router.get("/records", response=Page[RecordOut], summary="失信记录列表（限本单位及下级）")
def record_list(request: HttpRequest, filters: Query[ListFilters]) -> Page[RecordOut]:
    qs = selectors.record_list(user=api_user(request), status=filters.status, q=filters.q)
    return page_of(qs, filters, _out)


@router.post("/records", response={201: RecordDetail}, summary="录入失信记录（草稿）")
def record_create(request: HttpRequest, payload: RecordIn) -> Status[RecordDetail]:
    record = services.record_create(data=payload, actor=api_user(request))
    return Status(201, _detail(record))


class BulkReviewIn(Schema):
    ids: list[int]
    action: Literal["accept", "return"]
    reason: str = ""


class RefusalOut(Schema):
    id: str
    reason: str


class BulkReviewOut(Schema):
    done: list[str]
    refused: list[RefusalOut]


@router.post("/records/review", response=BulkReviewOut, summary="批量审核通过或退回")
def records_review(request: HttpRequest, payload: BulkReviewIn) -> BulkReviewOut:
    outcome = services.records_review_bulk(
        record_ids=payload.ids,
        actor=api_user(request),
        action=payload.action,
        reason=payload.reason,
    )
    return BulkReviewOut(
        done=outcome.done, refused=[RefusalOut(id=i, reason=r) for i, r in outcome.refused]
    )


@router.get("/records/{record_id}", response=RecordDetail, summary="失信记录详情及历史")
def record_get(request: HttpRequest, record_id: int) -> RecordDetail:
    return _detail(selectors.record_get(user=api_user(request), pk=record_id))


class IdentifierOut(Schema):
    subject_identifier: str


@router.post(
    "/records/{record_id}/reveal-identifier",
    response=IdentifierOut,
    summary="查看完整身份证号码（仅报送单位，记入审计日志）",
)
def record_reveal_identifier(request: HttpRequest, record_id: int) -> IdentifierOut:
    user = api_user(request)
    record = selectors.record_get(user=user, pk=record_id)
    return IdentifierOut(
        subject_identifier=privacy.record_reveal_identifier(record=record, actor=user)
    )


@router.post("/records/{record_id}/submit", response=RecordDetail, summary="报送")
def record_submit(
    request: HttpRequest, record_id: int, payload: VersionIn | None = None
) -> RecordDetail:
    user = api_user(request)
    record = selectors.record_get(user=user, pk=record_id)
    version = payload.version if payload else None
    return _detail(services.record_submit(record=record, actor=user, version=version))


@router.post("/records/{record_id}/accept", response=RecordDetail, summary="审核通过")
def record_accept(
    request: HttpRequest, record_id: int, payload: VersionIn | None = None
) -> RecordDetail:
    user = api_user(request)
    record = selectors.record_get(user=user, pk=record_id)
    version = payload.version if payload else None
    return _detail(services.record_accept(record=record, actor=user, version=version))


@router.post("/records/{record_id}/return", response=RecordDetail, summary="退回（须填写原因）")
def record_return(request: HttpRequest, record_id: int, payload: ReturnIn) -> RecordDetail:
    user = api_user(request)
    record = selectors.record_get(user=user, pk=record_id)
    return _detail(
        services.record_return(
            record=record, actor=user, reason=payload.reason, version=payload.version
        )
    )
