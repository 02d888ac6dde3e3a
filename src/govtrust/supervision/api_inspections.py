"""Inspections (专项督导) over HTTP (staff): plan and list inspections, read one with its
findings, record findings and take their steps. Access: directory/policy.py, as on the pages."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from govtrust.core.errors import DomainError, NotFound
from govtrust.directory.auth import api_user
from govtrust.supervision import selectors_inspections as selectors
from govtrust.supervision.models import Finding, Inspection
from govtrust.supervision.services import inspections as svc

router = Router(tags=["专项督导"])


class InspectionCreate(Schema):
    title: str
    period_start: datetime.date
    period_end: datetime.date
    target_codes: list[str] = Field(description="被督导政府的行政区划代码（本级直接管辖的下一级）")
    inspector_ids: list[int] = Field(description="督导组成员（本级督查员账号编号，至少两名）")
    leader_id: int | None = None
    item_codes: list[str] = Field(
        default_factory=list,
        description="督导事项代码（records_on_time、rectification_done、commitments_kept、"
        "suggestions_answered、training_held；不填为全部）",
    )


class TargetOut(Schema):
    government_code: str
    name: str


class ItemOut(Schema):
    code: str
    title: str
    clause: str


class FindingOut(Schema):
    id: int
    version: int
    number: int
    government_code: str
    unit: str
    item_code: str | None
    facts: str
    severity: str
    severity_label: str
    requirement: str
    rectify_working_days: int
    due_date: datetime.date | None
    state: str
    state_label: str
    answer: str
    answered_late: bool
    draft_record: str | None


class InspectionOut(Schema):
    id: int
    version: int
    number: str
    title: str
    organiser_code: str
    period_start: datetime.date
    period_end: datetime.date
    basis: str
    state: str
    state_label: str
    targets: list[TargetOut]
    team: list[str]
    checklist: list[ItemOut]


class InspectionDetail(InspectionOut):
    findings: list[FindingOut]


class FindingCreate(Schema):
    government_code: str
    facts: str
    severity: str = Field(description="general 一般 / major 较重 / serious 严重")
    requirement: str
    item_code: str = ""
    department_id: int | None = None
    rectify_working_days: int | None = Field(
        default=None, description="整改期限（工作日，自确认之日起；不填按本地政策）"
    )


class FindingStep(Schema):
    version: int
    reason: str = ""
    answer: str = ""


def _inspection(i: Inspection) -> dict[str, object]:
    return {
        "id": i.pk,
        "version": i.version,
        "number": i.number,
        "title": i.title,
        "organiser_code": i.division_code,
        "period_start": i.period_start,
        "period_end": i.period_end,
        "basis": i.basis,
        "state": i.state,
        "state_label": i.get_state_display(),
        "targets": [
            TargetOut(government_code=t.division_code, name=str(t.government))
            for t in i.targets.select_related("government")
        ],
        "team": [m.user.username for m in i.members.select_related("user")],
        "checklist": [ItemOut(code=c.code, title=c.title, clause=c.clause) for c in i.items.all()],
    }


def _finding(f: Finding) -> FindingOut:
    return FindingOut(
        id=f.pk,
        version=f.version,
        number=f.number,
        government_code=f.division_code,
        unit=f.unit,
        item_code=f.item.code if f.item else None,
        facts=f.facts,
        severity=f.severity,
        severity_label=f.get_severity_display(),
        requirement=f.requirement,
        rectify_working_days=f.rectify_working_days,
        due_date=f.due_date,
        state=f.state,
        state_label=f.get_state_display(),
        answer=f.answer,
        answered_late=f.answered_late,
        draft_record=f.draft_record.number if f.draft_record else None,
    )


@router.get("/inspections", response=list[InspectionOut], summary="专项督导（可查看的）")
def inspection_list(request: HttpRequest) -> list[InspectionOut]:
    """督查员只看到本人所在督导组的督导；其他业务人员看到本级组织的和督导本辖区的。"""
    return [
        InspectionOut(**_inspection(i))  # type: ignore[arg-type]
        for i in selectors.inspections_visible(api_user(request))[:500]
    ]


@router.post("/inspections", response={201: InspectionOut}, summary="制定专项督导计划")
def inspection_create(request: HttpRequest, body: InspectionCreate) -> Status[InspectionOut]:
    inspection = svc.inspection_plan(actor=api_user(request), data=svc.InspectionIn(**body.dict()))
    return Status(201, InspectionOut(**_inspection(inspection)))  # type: ignore[arg-type]


@router.get("/inspections/{inspection_id}", response=InspectionDetail, summary="专项督导及其问题")
def inspection_get(request: HttpRequest, inspection_id: int) -> InspectionDetail:
    user = api_user(request)
    inspection = selectors.inspections_visible(user).filter(pk=inspection_id).first()
    if inspection is None:
        raise NotFound()
    findings = selectors.findings_visible(user).filter(inspection=inspection)
    return InspectionDetail(
        **_inspection(inspection),  # type: ignore[arg-type]
        findings=[_finding(f) for f in findings],
    )


@router.post(
    "/inspections/{inspection_id}/findings",
    response={201: FindingOut},
    summary="记录发现问题（督导组成员）",
)
def finding_create(
    request: HttpRequest, inspection_id: int, body: FindingCreate
) -> Status[FindingOut]:
    finding = svc.finding_record(
        actor=api_user(request),
        inspection_id=inspection_id,
        data=svc.FindingIn(
            target_code=body.government_code,
            facts=body.facts,
            severity=body.severity,
            requirement=body.requirement,
            item_code=body.item_code,
            department_id=body.department_id,
            rectify_working_days=body.rectify_working_days,
        ),
    )
    return Status(201, _finding(finding))


@router.post(
    "/inspection-findings/{finding_id}/{step}",
    response=FindingOut,
    summary="办理督导问题",
    description="step：confirm 确认（督导组另一名成员）/ withdraw 撤销 / answer 答复整改情况"
    "（被督导单位）/ close 核验销号 / return 退回重新整改",
)
def finding_step(request: HttpRequest, finding_id: int, step: str, body: FindingStep) -> FindingOut:
    actor, pk, version = api_user(request), finding_id, body.version
    if step == "confirm":
        done = svc.finding_confirm(actor=actor, pk=pk, version=version)
    elif step == "withdraw":
        done = svc.finding_withdraw(actor=actor, pk=pk, version=version, reason=body.reason)
    elif step == "answer":
        done = svc.finding_answer(actor=actor, pk=pk, version=version, answer=body.answer)
    elif step == "close":
        done = svc.finding_close(actor=actor, pk=pk, version=version)
    elif step == "return":
        done = svc.finding_return(actor=actor, pk=pk, version=version, reason=body.reason)
    else:
        raise DomainError("不支持的办理步骤")
    return _finding(done)


__all__ = ["router"]
