"""Every write of inspections (专项督导, plan 三(一)1, 四): the organiser's credit office plans an
inspection (scope, period, team, checklist) and concludes it; the team's inspectors record
findings with evidence and a severity, a second member confirms each (the rectification clock
starts), the inspected unit answers, the team closes or returns it; a confirmed serious finding
becomes a draft dishonesty record through the records app's own service. The worker reminds the
inspected unit before and after its deadline; deadlines move when the calendar changes.
Who may do what, and where: directory/policy.py. Clocks: supervision/rules_inspections.py."""

from __future__ import annotations

import dataclasses
import datetime
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.clock import plausible, today_beijing
from govtrust.core.errors import Conflict, DomainError, Forbidden, NotFound
from govtrust.core.lifecycle import transition_apply
from govtrust.core.text import plain
from govtrust.core.workdays.engine import add_working_days
from govtrust.directory import policy
from govtrust.directory.models import Department, User
from govtrust.records.models import Record, SubjectKind
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_create
from govtrust.remedies.services.evidence import check_uploads, file_store
from govtrust.supervision import rules_inspections as rules
from govtrust.supervision.models import (
    ChecklistItem,
    Finding,
    FindingAttachment,
    FindingReminder,
    FindingSeverity,
    FindingState,
    Inspection,
    InspectionMember,
    InspectionState,
    InspectionTarget,
)
from govtrust.supervision.workflow import FINDING_TRANSITIONS, INSPECTION_TRANSITIONS

STALE = "该问题已被他人处理，请刷新后重试"
TEXT_MAX = 4000
MAX_PERIOD_DAYS = 366
MAX_ID = 2**31  # an account id beyond any the database holds (SQLite cannot even compare it)
Files = list[tuple[str, IO[bytes]]]

# A finding confirmed and not withdrawn: the deadline runs or has run.
CONFIRMED = (FindingState.RECTIFYING, FindingState.ANSWERED, FindingState.CLOSED)
OPEN = (FindingState.RECORDED, FindingState.RECTIFYING, FindingState.ANSWERED)


def checklist_template() -> dict[str, Any]:
    """The shipped checklist template (data/inspection_checklist.json) with the plan's clauses."""
    source = resources.files("govtrust.supervision").joinpath("data/inspection_checklist.json")
    data: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class InspectionIn:
    title: str
    period_start: datetime.date
    period_end: datetime.date
    target_codes: list[str]
    inspector_ids: list[int]
    leader_id: int | None = None
    item_codes: list[str] = field(default_factory=list)  # empty: the whole template


def _text(value: str, name: str, label: str, limit: int, errors: list[tuple[str, str]]) -> str:
    value = plain(value).strip()
    if not value:
        errors.append((name, f"请填写{label}"))
    elif len(value) > limit:
        errors.append((name, f"{label}不能超过{limit}字"))
    return value


def _refuse(errors: list[tuple[str, str]]) -> None:
    if errors:
        raise DomainError(errors[0][1], errors=errors)


def _next_number(organiser_code: str, year: int) -> str:
    prefix = f"{organiser_code}-{year}-"
    taken = Inspection.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1:03d}"


@transaction.atomic
def inspection_plan(*, actor: User, data: InspectionIn) -> Inspection:
    """A credit office plans an inspection of governments directly below its own, with a team
    of its own government's inspectors and the checklist items chosen from the template."""
    policy.require(actor, "inspections.plan")
    errors: list[tuple[str, str]] = []
    title = _text(data.title, "title", "督导名称", 120, errors)
    start, end = data.period_start, data.period_end
    if not plausible(start) or not plausible(end):
        errors.append(("period_start", "督导期间不在合理范围内，请核对"))
    elif end < start:
        errors.append(("period_end", "督导结束日期不能早于开始日期"))
    elif (end - start).days > MAX_PERIOD_DAYS:
        errors.append(("period_end", "督导期间不能超过一年"))
    reachable = {g.division_id: g for g in policy.inspection_targets(actor)}
    codes = sorted({plain(c).strip() for c in data.target_codes if plain(c).strip()})
    if not codes:
        errors.append(("target_codes", "请选择被督导的政府"))
    elif any(code not in reachable for code in codes):
        errors.append(
            ("target_codes", "被督导单位应为本级政府直接管辖的下一级政府（省：各市州和兰州新区）")
        )
    ids = [pk for pk in data.inspector_ids if 0 < pk < MAX_ID]  # others match no account
    team = {u.pk: u for u in policy.inspectors_for(actor).filter(pk__in=ids)}
    if not data.inspector_ids:
        errors.append(("inspector_ids", "请选择督导组成员"))
    elif len(team) != len(set(data.inspector_ids)):
        errors.append(("inspector_ids", "督导组成员应为本级政府的督查员账号"))
    elif len(team) < 2:
        errors.append(("inspector_ids", "督导组至少需要两名督查员（问题须由另一名成员确认）"))
    leader = data.leader_id if data.leader_id in team else next(iter(sorted(team)), None)
    template = checklist_template()["items"]
    chosen = [i for i in template if not data.item_codes or i["code"] in data.item_codes]
    if data.item_codes and len(chosen) != len(set(data.item_codes)):
        errors.append(("item_codes", "督导事项应从清单模板中选择"))
    elif not chosen:
        errors.append(("item_codes", "请至少选择一项督导事项"))
    _refuse(errors)
    try:
        with transaction.atomic():
            inspection = Inspection.objects.create(
                number=_next_number(actor.scope_code, start.year),
                title=title,
                organiser=actor.unit,
                division_code=actor.scope_code,
                period_start=start,
                period_end=end,
                basis=checklist_template()["basis"][:300],
                created_by=actor,
            )
    except IntegrityError as exc:  # a second plan racing for the same number
        raise Conflict("编号已被同时登记的督导占用，请重试") from exc
    for code in codes:
        InspectionTarget.objects.create(
            inspection=inspection, government=reachable[code], division_code=code
        )
    for pk in sorted(team):
        InspectionMember.objects.create(inspection=inspection, user=team[pk], leader=pk == leader)
    for position, item in enumerate(chosen, start=1):
        ChecklistItem.objects.create(
            inspection=inspection,
            position=position,
            code=item["code"],
            title=item["title"],
            clause=item["clause"][:200],
            method=item.get("method", "")[:200],
        )
    audit_append(
        actor=actor.username,
        action="inspection.plan",
        object_type="inspection",
        object_id=inspection.number,
        after={
            "title": title,
            "period": [start.isoformat(), end.isoformat()],
            "targets": codes,
            "team": [team[pk].username for pk in sorted(team)],
            "items": [i["code"] for i in chosen],
        },
    )
    return inspection


def _team_inspection(actor: User, inspection_id: int) -> Inspection:
    """An inspection the actor is on the team of; any other is not found."""
    policy.require(actor, "inspections.inspect")
    inspection = (
        policy.inspections_in_reach(Inspection.objects.all(), actor)
        .filter(pk=inspection_id)
        .first()
    )
    if inspection is None:
        raise NotFound()
    return inspection


def _store(finding: Finding, stage: str, files: Files) -> list[dict[str, str]]:
    stored = [
        FindingAttachment.objects.create(
            finding=finding, stage=stage, **dataclasses.asdict(file_store(name, handle))
        )
        for name, handle in files
    ]
    return [{"label": a.label, "sha256": a.sha256} for a in stored]


@dataclass(frozen=True)
class FindingIn:
    target_code: str
    facts: str
    severity: str
    requirement: str
    item_code: str = ""
    department_id: int | None = None
    rectify_working_days: int | None = None  # None: the local policy's for the severity


@transaction.atomic
def finding_record(
    *, actor: User, inspection_id: int, data: FindingIn, files: Files | None = None
) -> Finding:
    """An inspector of the team records a finding about one inspected government."""
    inspection = _team_inspection(actor, inspection_id)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)  # numbers in turn
    if inspection.state != InspectionState.UNDERWAY:
        raise Conflict("该督导已结束，不能再记录问题")
    errors: list[tuple[str, str]] = []
    target = inspection.targets.filter(division_code=data.target_code[:12]).first()
    if target is None:
        errors.append(("target_code", "该政府不在本次督导范围内"))
    item = None
    if data.item_code:
        item = inspection.items.filter(code=data.item_code[:32]).first()
        if item is None:
            errors.append(("item_code", "督导事项不在本次督导清单中"))
    facts = _text(data.facts, "facts", "问题描述", TEXT_MAX, errors)
    requirement = _text(data.requirement, "requirement", "整改要求", TEXT_MAX, errors)
    if data.severity not in FindingSeverity.values:
        errors.append(("severity", "严重程度应为一般、较重或严重"))
    days = data.rectify_working_days or rules.rectify_days(data.severity)
    if not 1 <= days <= rules.MAX_RECTIFY_WORKING_DAYS:
        errors.append(
            ("rectify_working_days", f"整改期限应为1至{rules.MAX_RECTIFY_WORKING_DAYS}个工作日")
        )
    department = None
    if data.department_id and target is not None:
        department = Department.objects.filter(
            pk=data.department_id, government=target.government
        ).first()
        if department is None:
            errors.append(("department_id", "责任部门应为被督导政府的所属部门"))
    _refuse(errors)
    assert target is not None  # noqa: S101 (refused above)
    files = files or []
    check_uploads(files)
    last = inspection.findings.aggregate(last=Max("number"))["last"] or 0
    finding = Finding.objects.create(
        inspection=inspection,
        target=target,
        item=item,
        division_code=target.division_code,
        department=department,
        number=last + 1,
        facts=facts,
        severity=data.severity,
        requirement=requirement,
        rectify_working_days=days,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    evidence = _store(finding, FindingAttachment.Stage.EVIDENCE, files)
    _audit(actor, "finding.record", finding, evidence=evidence, days=days)
    return finding


def _audit(actor: User | str, action: str, finding: Finding, **after: Any) -> None:
    audit_append(
        actor=actor if isinstance(actor, str) else actor.username,
        action=action,
        object_type="inspection",
        object_id=finding.inspection.number,
        after={
            "finding": finding.number,
            "unit": finding.unit,
            "severity": finding.severity,
            "state": finding.state,
            **after,
        },
    )


def _step(actor: User, finding: Finding, name: str, version: int, **changes: Any) -> Finding:
    transition = FINDING_TRANSITIONS[name]
    if finding.state not in transition.sources:
        raise Conflict(f"该问题当前状态为“{finding.get_state_display()}”，不能{transition.label}")
    transition_apply(
        Finding,
        pk=finding.pk,
        transition=transition,
        state=finding.state,
        version=version,
        conflict=STALE,
        state_field="state",
        **changes,
    )
    finding.refresh_from_db()
    return finding


def _team_finding(actor: User, pk: int) -> Finding:
    """A finding of an inspection the actor is on the team of."""
    policy.require(actor, "inspections.inspect")
    finding = (
        policy.findings_in_reach(Finding.objects.all(), actor)
        .filter(pk=pk)
        .select_related("inspection", "target__government", "department")
        .first()
    )
    if finding is None:
        raise NotFound()
    return finding


def _not_recorder(actor: User, finding: Finding, what: str) -> None:
    if finding.recorded_by_id == actor.pk:
        raise Forbidden(f"不能{what}本人记录的问题，须由督导组另一名成员{what}")


def deadline_of(finding: Finding) -> tuple[datetime.date, bool]:
    assert finding.confirmed_on is not None  # noqa: S101 (confirmed findings only)
    due = add_working_days(finding.confirmed_on, finding.rectify_working_days)
    return due.due_date, due.provisional


@transaction.atomic
def finding_confirm(*, actor: User, pk: int, version: int) -> Finding:
    """A second member of the team confirms the finding: the rectification clock starts."""
    finding = _team_finding(actor, pk)
    _not_recorder(actor, finding, "确认")
    today = today_beijing()
    due = add_working_days(today, finding.rectify_working_days)
    done = _step(
        actor,
        finding,
        "confirm",
        version,
        confirmed_by=actor,
        confirmed_on=today,
        due_date=due.due_date,
        due_provisional=due.provisional,
    )
    _audit(actor, "finding.confirm", done, due_date=due.due_date.isoformat())
    return done


@transaction.atomic
def finding_withdraw(*, actor: User, pk: int, version: int, reason: str) -> Finding:
    finding = _team_finding(actor, pk)
    reason = plain(reason).strip()[:200]
    if not reason:
        raise DomainError("请填写撤销理由", errors=[("reason", "必填")])
    done = _step(actor, finding, "withdraw", version, reason=reason)
    _audit(actor, "finding.withdraw", done, reason=reason)
    return done


@transaction.atomic
def finding_answer(
    *, actor: User, pk: int, version: int, answer: str, files: Files | None = None
) -> Finding:
    """The inspected unit answers with what it rectified, with evidence."""
    policy.require(actor, "inspections.answer")
    finding = (
        Finding.objects.filter(
            policy.answerable_q(actor, division="division_code", department="department_id"),
            pk=pk,
        )
        .select_related("inspection", "target__government", "department")
        .first()
    )
    if finding is None:
        raise NotFound()
    errors: list[tuple[str, str]] = []
    answer = _text(answer, "answer", "整改情况", TEXT_MAX, errors)
    _refuse(errors)
    files = files or []
    check_uploads(files)
    today = today_beijing()
    late = finding.due_date is not None and today > finding.due_date
    done = _step(
        actor,
        finding,
        "answer",
        version,
        answer=answer,
        answered_by=actor,
        answered_on=today,
        answered_late=late,
    )
    evidence = _store(done, FindingAttachment.Stage.ANSWER, files)
    _audit(actor, "finding.answer", done, late=late, evidence=evidence)
    return done


@transaction.atomic
def finding_close(*, actor: User, pk: int, version: int) -> Finding:
    """A member of the team other than the one who recorded it verifies and closes it."""
    finding = _team_finding(actor, pk)
    _not_recorder(actor, finding, "核验销号")
    done = _step(actor, finding, "close", version, closed_by=actor, closed_on=today_beijing())
    _audit(actor, "finding.close", done)
    return done


@transaction.atomic
def finding_return(*, actor: User, pk: int, version: int, reason: str) -> Finding:
    """Not rectified enough: back to the unit, within the same deadline."""
    finding = _team_finding(actor, pk)
    reason = plain(reason).strip()[:200]
    if not reason:
        raise DomainError("请填写退回理由", errors=[("reason", "必填")])
    done = _step(actor, finding, "return", version, reason=reason)
    _audit(actor, "finding.return", done, reason=reason)
    return done


@transaction.atomic
def finding_to_draft(*, actor: User, pk: int) -> Record:
    """One step: the draft dishonesty record of a confirmed serious finding, created by the
    organiser's credit office through the records app's service and linked to the finding; the
    office completes and submits it like any other draft."""
    policy.require(actor, "inspections.plan")
    finding = (
        policy.findings_in_reach(Finding.objects.all(), actor)
        .filter(pk=pk)
        .select_related("inspection", "target__government", "department", "item")
        .first()
    )
    if finding is None or not policy.inspection_organising(actor, finding.inspection):
        raise NotFound()
    if finding.severity != FindingSeverity.SERIOUS or finding.state not in CONFIRMED:
        raise Conflict("只有经督导组确认的严重问题可以转为失信记录草稿")
    if finding.draft_record_id is not None:
        raise Conflict("该问题已转为失信记录草稿")
    subject = finding.department or finding.target.government
    if not subject.uscc:
        raise DomainError("被督导单位在名录中没有统一社会信用代码，请先在名录中补全")
    assert finding.confirmed_on is not None  # noqa: S101 (CONFIRMED)
    day = finding.confirmed_on.isoformat()
    origin = f"专项督导{finding.inspection.number}-{finding.number}"
    item = f"（督导事项：{finding.item.title}，{finding.item.clause}）" if finding.item else ""
    data = RecordIn.model_validate(
        {
            "subject_kind": SubjectKind.DEPARTMENT
            if finding.department
            else SubjectKind.GOVERNMENT,
            "subject_name": subject.name,
            "subject_identifier": subject.uscc,
            "source_type": "breach",
            "domain": "other",
            "decision_number": origin,
            "decision_date": day,
            "authority_name": actor.unit.name,
            "authority_uscc": actor.unit.uscc or "",
            "facts": f"{finding.facts}{item}"[:5000],
            "basis": f"{finding.inspection.basis}（请补充认定依据）"[:2000],
            "outcome": f"督导组确认为严重问题，要求整改：{finding.requirement}"[:2000],
            "severity": "serious",
            "arose_on": day,
        }
    )
    record = record_create(data=data, actor=actor, origin=origin)
    if not Finding.objects.filter(pk=finding.pk, draft_record=None).update(
        draft_record=record, version=F("version") + 1
    ):
        raise Conflict("该问题已转为失信记录草稿")
    _audit(actor, "finding.draft", finding, record=record.number)
    return record


@transaction.atomic
def inspection_conclude(*, actor: User, pk: int, version: int) -> Inspection:
    """The organiser ends the inspection once every finding is closed or withdrawn."""
    policy.require(actor, "inspections.plan")
    inspection = policy.inspections_in_reach(Inspection.objects.all(), actor).filter(pk=pk).first()
    if inspection is None or not policy.inspection_organising(actor, inspection):
        raise NotFound()
    still = inspection.findings.filter(state__in=OPEN).count()
    if still:
        raise Conflict(f"尚有{still}个问题未销号或撤销，不能结束督导")
    transition = INSPECTION_TRANSITIONS["conclude"]
    if inspection.state not in transition.sources:
        raise Conflict(f"该督导当前状态为“{inspection.get_state_display()}”，不能结束")
    transition_apply(
        Inspection,
        pk=inspection.pk,
        transition=transition,
        state=inspection.state,
        version=version,
        conflict="该督导已被他人处理，请刷新后重试",
        state_field="state",
    )
    inspection.refresh_from_db()
    audit_append(
        actor=actor.username,
        action="inspection.conclude",
        object_type="inspection",
        object_id=inspection.number,
        after={"state": inspection.state},
    )
    return inspection


@transaction.atomic
def finding_deadlines_recompute() -> int:
    """After the calendar changed: every running rectification deadline again from its
    confirmation day (registered with the working-day engine, as the records, cases and
    measures apps register theirs)."""
    changed = 0
    running = Finding.objects.select_for_update(of=("self",)).filter(
        state__in=(FindingState.RECTIFYING, FindingState.ANSWERED), confirmed_on__isnull=False
    )
    for finding in running.select_related("inspection", "target__government", "department"):
        due, provisional = deadline_of(finding)
        if due == finding.due_date and provisional == finding.due_provisional:
            continue
        before = str(finding.due_date)
        Finding.objects.filter(pk=finding.pk).update(due_date=due, due_provisional=provisional)
        _audit(
            "system",
            "finding.deadline_recompute",
            finding,
            due_before=before,
            due_date=due.isoformat(),
        )
        changed += 1
    return changed


def finding_reminders_send(*, today: datetime.date | None = None) -> int:
    """The worker's daily job: a reminder to the inspected unit the configured working days
    before its rectification deadline, and one once it has passed; once per deadline and kind."""
    today = today or today_beijing()
    horizon = add_working_days(today, rules.remind_before()).due_date
    due = Finding.objects.filter(state=FindingState.RECTIFYING, due_date__lte=horizon)
    created = 0
    for finding in due.select_related("inspection", "target__government", "department"):
        assert finding.due_date is not None  # noqa: S101 (filtered)
        kind = "overdue" if finding.due_date < today else "due_soon"
        try:
            with transaction.atomic():
                FindingReminder.objects.create(
                    finding=finding,
                    due_date=finding.due_date,
                    kind=kind,
                    division_code=finding.division_code,
                )
        except IntegrityError:  # sent already, by this run's predecessor or another worker
            continue
        created += 1
        _audit("system", "finding.remind", finding, kind=kind, due=finding.due_date.isoformat())
    return created


def inspection_report_pdf(*, actor: User, pk: int) -> tuple[Inspection, bytes]:
    """The inspection report as PDF (Chinese, table headers repeated on each page): for the
    organiser and the team only, as it names every inspected government's findings. A
    sensitive read: audited."""
    from govtrust.core.pdf import render_pdf
    from govtrust.supervision.selectors_inspections import inspection_figures

    inspection = (
        policy.inspections_in_reach(Inspection.objects.all(), actor)
        .select_related("organiser")
        .filter(pk=pk)
        .first()
    )
    if inspection is None or not (
        policy.inspection_organising(actor, inspection)
        or policy.inspection_acting(actor, inspection)
    ):
        raise NotFound()
    findings = list(
        inspection.findings.exclude(state=FindingState.WITHDRAWN).select_related(
            "target__government", "department", "item", "draft_record"
        )
    )
    pdf = render_pdf(
        "supervision/inspections/report_pdf.html",
        {
            "inspection": inspection,
            "targets": list(inspection.targets.select_related("government")),
            "team": list(inspection.members.select_related("user")),
            "items": list(inspection.items.all()),
            "findings": findings,
            "figures": inspection_figures(inspection, findings),
            "made_at": timezone.now(),
            "made_by": actor,
            "source": rules.SOURCE,
        },
    )
    audit_append(
        actor=actor.username,
        action="inspection.report",
        object_type="inspection",
        object_id=inspection.number,
        after={"findings": len(findings), "bytes": len(pdf)},
    )
    return inspection, pdf


__all__ = [
    "FindingIn",
    "InspectionIn",
    "checklist_template",
    "finding_answer",
    "finding_close",
    "finding_confirm",
    "finding_deadlines_recompute",
    "finding_record",
    "finding_reminders_send",
    "finding_return",
    "finding_to_draft",
    "finding_withdraw",
    "inspection_conclude",
    "inspection_plan",
    "inspection_report_pdf",
]
