"""Cases over HTTP: public filing and following (no sign-in), staff handling (token or session).
Parse, call a service or selector, render; the rules live in the services."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.db import transaction
from django.http import FileResponse, HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from govtrust.core.http import client_address
from govtrust.core.paging import Page, PageQuery, page_of
from govtrust.directory.auth import api_user
from govtrust.remedies import selectors
from govtrust.remedies.downloads import evidence_response
from govtrust.remedies.models import Case, CaseKind
from govtrust.remedies.services.filing import (
    Contact,
    Files,
    objection_file,
    promise_file,
    repair_apply,
    report_file,
)
from govtrust.remedies.services.followup import report_to_draft, self_correction_record
from govtrust.remedies.services.handling import actions_for, case_act
from govtrust.remedies.services.tracking import case_follow
from govtrust.remedies.workflow import STATUS_LABELS

public = Router(tags=["异议、修复与投诉举报（公众）"], auth=None)
staff = Router(tags=["异议、修复与投诉举报（办理）"])


def uploads(files: list[UploadedFile] | None) -> Files:
    return [(f.name or "附件", f) for f in files or []]


class Filed(Schema):
    number: str
    query_code: str
    due_date: datetime.date | None
    message: str


class StepOut(Schema):
    at: datetime.datetime
    by: str
    action: str
    status_label: str
    note: str


class PromiseOut(Schema):
    """What a broken-promise complaint adds (发改财金〔2023〕1103号)."""

    category: str
    category_label: str
    promise_kind: str
    promise_kind_label: str
    firm_name: str
    amount: Decimal | None
    verifier_name: str
    verdict: str  # "" / founded / unfounded
    verdict_label: str
    rectify_days: int | None
    decline_ground: str
    decline_ground_label: str
    breached: bool


class PublicCase(Schema):
    number: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    target_name: str
    record_number: str
    received_at: datetime.datetime
    due_date: datetime.date | None
    closed_at: datetime.datetime | None
    outcome_reason: str
    corrections: list[dict[str, Any]]
    promise: PromiseOut | None = None
    steps: list[StepOut]


class FollowIn(Schema):
    number: str
    code: str


def _filed(result: Any) -> Status[Filed]:
    return Status(
        201,
        Filed(
            number=result.case.number,
            query_code=result.query_code,
            due_date=result.case.due_date,
            message="已收到。请保存受理编号和查询码，凭其查询办理进度；查询码只显示这一次。",
        ),
    )


@public.post("/public/objections", response={201: Filed}, summary="对公示记录提出异议")
def objection_create(
    request: HttpRequest,
    record_number: Form[str],
    applicant_role: Form[Literal["subject", "public"]],
    contact_name: Form[str],
    contact_phone: Form[str],
    fields: Form[list[str]],
    content: Form[str],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
    website: Form[str] = "",
) -> Status[Filed]:
    return _filed(
        objection_file(
            record_number=record_number,
            applicant_role=applicant_role,
            contact=Contact(contact_name, contact_phone),
            fields=fields,
            content=content,
            files=uploads(files),
            address=client_address(request),
            honeypot=website,
        )
    )


@public.post("/public/repairs", response={201: Filed}, summary="申请信用修复")
def repair_create(
    request: HttpRequest,
    record_number: Form[str],
    contact_name: Form[str],
    contact_phone: Form[str],
    content: Form[str],
    signer: Form[str],
    commitment_signed: Form[bool],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
    website: Form[str] = "",
) -> Status[Filed]:
    return _filed(
        repair_apply(
            record_number=record_number,
            contact=Contact(contact_name, contact_phone),
            content=content,
            signer=signer,
            commitment_signed=commitment_signed,
            files=uploads(files),
            address=client_address(request),
            honeypot=website,
        )
    )


@public.post("/public/reports", response={201: Filed}, summary="投诉举报政务失信行为")
def report_create(
    request: HttpRequest,
    content: Form[str],
    government_id: Form[int | None] = None,
    department_id: Form[int | None] = None,
    anonymous: Form[bool] = False,
    contact_name: Form[str] = "",
    contact_phone: Form[str] = "",
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
    website: Form[str] = "",
) -> Status[Filed]:
    return _filed(
        report_file(
            government_id=government_id,
            department_id=department_id,
            anonymous=anonymous,
            contact=None if anonymous else Contact(contact_name, contact_phone),
            content=content,
            files=uploads(files),
            address=client_address(request),
            honeypot=website,
        )
    )


@public.post(
    "/public/promises",
    response={201: Filed},
    summary="企业投诉政府违约失信（发改财金〔2023〕1103号）",
)
def promise_create(
    request: HttpRequest,
    category: Form[str],
    promise_kind: Form[str],
    firm_name: Form[str],
    firm_uscc: Form[str],
    contact_name: Form[str],
    contact_phone: Form[str],
    content: Form[str],
    government_id: Form[int | None] = None,
    department_id: Form[int | None] = None,
    amount: Form[str] = "",
    promised_on: Form[str] = "",
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
    website: Form[str] = "",
) -> Status[Filed]:
    """Forwarded at once to the body above the accused unit, which verifies it. `category`:
    procurement 政府采购, bidding 招标投标, investment 招商引资, ppp 政府和社会资本合作, industry
    产业扶持, gov_investment 政府投资, arrears 拖欠账款 (`amount` in 元 required), other 其他;
    `promise_kind`: contract 合同约定 / policy 政策承诺."""
    return _filed(
        promise_file(
            government_id=government_id,
            department_id=department_id,
            category=category,
            promise_kind=promise_kind,
            firm_name=firm_name,
            firm_uscc=firm_uscc,
            amount=amount[:40],
            promised_on=promised_on[:20],
            contact=Contact(contact_name, contact_phone),
            content=content,
            files=uploads(files),
            address=client_address(request),
            honeypot=website,
        )
    )


@public.post("/public/cases/follow", response=PublicCase, summary="凭受理编号和查询码查询进度")
def case_follow_api(request: HttpRequest, body: FollowIn) -> dict[str, Any]:
    case = case_follow(number=body.number, code=body.code, address=client_address(request))
    return selectors.public_case(case)


class QueueOut(Schema):
    number: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    target_name: str
    received_at: datetime.datetime
    due_date: datetime.date | None
    working_days_left: int | None
    overdue: bool
    late: bool
    version: int
    category: str  # a broken-promise complaint's field; "" for the other kinds
    verdict: str  # its verification: "" / founded / unfounded


class CaseDetail(QueueOut):
    record_number: str
    content: str
    fields: list[str]
    anonymous: bool
    contact_name: str
    contact_phone: str
    commitment_text: str
    outcome_reason: str
    corrections: list[dict[str, Any]]
    draft_record: str
    promise: PromiseOut | None
    actions: list[dict[str, str]]
    evidence: list[dict[str, Any]]
    steps: list[StepOut]


def _promise_fields(case: Case) -> tuple[str, str]:
    if case.kind != CaseKind.PROMISE:
        return "", ""
    return case.promise.category, case.promise.verdict


def _queue_out(line: selectors.QueueLine) -> QueueOut:
    c = line.case
    category, verdict = _promise_fields(c)
    return QueueOut(
        category=category,
        verdict=verdict,
        number=c.number,
        kind=c.kind,
        kind_label=c.get_kind_display(),
        status=c.status,
        status_label=STATUS_LABELS[c.status],
        target_name=c.target_name,
        received_at=c.received_at,
        due_date=c.due_date,
        working_days_left=line.days_left,
        overdue=line.overdue,
        late=c.late,
        version=c.version,
    )


@staff.get("/cases", response=Page[QueueOut], summary="待办队列（逾期在前）")
def case_queue(
    request: HttpRequest,
    paging: Query[PageQuery],
    kind: Literal["", "objection", "repair", "report", "promise"] = "",
    open_only: bool = True,
) -> Page[QueueOut]:
    cases = selectors.queue(api_user(request), kind=kind, open_only=open_only)
    page = page_of(cases, paging, lambda case: case)
    return Page[QueueOut](
        count=page.count,
        offset=page.offset,
        limit=page.limit,
        items=[_queue_out(line) for line in selectors.queue_lines(page.items)],
    )


@staff.get("/cases/{number}", response=CaseDetail, summary="案件详情")
def case_detail(request: HttpRequest, number: str) -> CaseDetail:
    user = api_user(request)
    case = selectors.case_get(user, number)
    line = selectors.queue_line(case)
    name, phone = selectors.contact_of(case, user)
    view = selectors.public_case(case)
    return CaseDetail(
        **_queue_out(line).dict(),
        record_number=view["record_number"],
        content=case.content,
        fields=case.fields,
        anonymous=case.anonymous,
        contact_name=name,
        contact_phone=phone,
        commitment_text=case.commitment_text,
        outcome_reason=case.outcome_reason,
        corrections=case.corrections,
        draft_record=case.draft_record.number if case.draft_record else "",
        promise=view["promise"],
        actions=[{"name": t.name, "label": t.label, "by": t.by} for t in actions_for(user, case)],
        evidence=[
            {"id": e.pk, "label": e.label, "kind": e.kind, "size": e.size, "sha256": e.sha256}
            for e in case.evidence.all()
        ],
        steps=view["steps"],
    )


class ActionIn(Schema):
    action: str
    version: int
    reason: str = ""
    changes: dict[str, str] = {}
    withdraw: bool = False
    rectify_days: int | None = None  # a complaint found founded: the rectification period
    ground: str = ""  # a complaint's accused unit declining: DeclineGround


@staff.post("/cases/{number}/actions", response=CaseDetail, summary="办理（受理、决定、核实）")
def case_action(request: HttpRequest, number: str, body: ActionIn) -> CaseDetail:
    case_act(
        number=number,
        action=body.action,
        actor=api_user(request),
        version=body.version,
        reason=body.reason,
        changes=body.changes,
        withdraw=body.withdraw,
        rectify_days=body.rectify_days,
        ground=body.ground[:30],
    )
    return case_detail(request, number)


@staff.post(
    "/cases/{number}/draft-record", response={201: dict[str, str]}, summary="转为失信记录草稿"
)
def case_draft(request: HttpRequest, number: str) -> Status[dict[str, str]]:
    record = report_to_draft(number=number, actor=api_user(request))
    return Status(201, {"record_number": record.number})


@staff.get("/cases/{number}/evidence/{evidence_id}", summary="下载附件（仅办理单位）")
def case_evidence(request: HttpRequest, number: str, evidence_id: int) -> FileResponse:
    return evidence_response(
        selectors.evidence_read(number=number, evidence_id=evidence_id, user=api_user(request))
    )


class FiguresQuery(Schema):
    start: datetime.date
    end: datetime.date


@staff.get("/cases-figures", response=list[dict[str, Any]], summary="各单位办理情况")
def case_figures(request: HttpRequest, query: Query[FiguresQuery]) -> list[dict[str, Any]]:
    return selectors.figures(api_user(request), query.start, query.end)


class PromiseUnitOut(Schema):
    government_id: int | None
    department_id: int | None
    unit_name: str
    division_code: str
    year: int
    founded: int
    breached: int
    performed: int


@staff.get(
    "/promises-founded",
    response=list[PromiseUnitOut],
    summary="各单位经核实属实的违约失信投诉（年度考核读取）",
)
def promises_founded(request: HttpRequest, year: int) -> list[dict[str, Any]]:
    return selectors.promises_founded_per_unit(api_user(request), year)


class CorrectionOut(Schema):
    id: int
    record_number: str
    kind: str
    kind_label: str
    description: str
    corrected_on: datetime.date
    recorded_at: datetime.datetime
    evidence: list[str]


def _correction_out(finding: Any) -> CorrectionOut:
    return CorrectionOut(
        id=finding.pk,
        record_number=finding.record.number,
        kind=finding.kind,
        kind_label=finding.get_kind_display(),
        description=finding.description,
        corrected_on=finding.corrected_on,
        recorded_at=finding.recorded_at,
        evidence=[e.label for e in finding.evidence.all()],
    )


@staff.post("/self-corrections", response={201: CorrectionOut}, summary="登记主动纠错")
def correction_create(
    request: HttpRequest,
    record_number: Form[str],
    kind: Form[Literal["recovered", "remedied", "stopped"]],
    description: Form[str],
    corrected_on: Form[datetime.date],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[CorrectionOut]:
    with transaction.atomic():
        finding = self_correction_record(
            record_number=record_number,
            kind=kind,
            description=description,
            corrected_on=corrected_on,
            files=uploads(files),
            actor=api_user(request),
        )
    return Status(201, _correction_out(finding))


@staff.get(
    "/records/{number}/self-corrections", response=list[CorrectionOut], summary="主动纠错情况"
)
def correction_list(request: HttpRequest, number: str) -> list[CorrectionOut]:
    found = selectors.self_corrections(api_user(request), number).select_related("record")
    return [_correction_out(f) for f in found]
