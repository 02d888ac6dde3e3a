"""Broken-promise complaints (发改财金〔2023〕1103号): what their steps add to `case_act`.

二（二）: the complaint is verified by the body above the accused unit. Not founded: the firm is
told why. Founded: the accused unit must rectify, within the period the verifying body sets here
(local policy: the notice says only “立即推动整改”). Declining to rectify is 违约失信 whatever
the ground given; a reorganisation, a change of officials or of government is expressly no
ground (二（二）“以机构调整、人员变动等理由不履约的，均属于违约失信情形”; 优化营商环境条例
第三十一条). A breach drafts a dishonesty record (source 失信违约) for the verifying body, which
completes and submits it: 三（一） counts 违约失信 in the unit's government credit record.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.errors import Conflict, DomainError, Forbidden
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.records.models import Domain, Record, SubjectKind
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_create
from govtrust.remedies.models import Case, DeclineGround, PromiseCategory, PromiseComplaint
from govtrust.remedies.rules import CLOCKS, RECTIFY_DAYS_RANGE
from govtrust.remedies.workflow import CaseTransition

BASIS = (
    "《国家发展改革委关于完善政府诚信履约机制优化民营经济发展环境的通知》"
    "（发改财金〔2023〕1103号）二（二）：情况属实的，立即推动整改，拒不整改的，由认定部门确认为"
    "违约失信；以机构调整、人员变动等理由不履约的，均属于违约失信情形。"
    "《优化营商环境条例》第三十一条。"
)
_DOMAINS = {
    PromiseCategory.PROCUREMENT: Domain.PROCUREMENT,
    PromiseCategory.BIDDING: Domain.TRADING,
    PromiseCategory.INVESTMENT: Domain.INVESTMENT,
    PromiseCategory.PPP: Domain.PPP,
}
# Who takes each side's steps, as the filer's history names them (no personal names).
LABELS = {"verifier": "被投诉单位的上级机关", "accused": "被投诉单位"}


def default_rectify_days() -> int:
    return CLOCKS[("promise", "rectifying")].days


def may_see(user: User, case: Case) -> bool:
    """The credit offices whose scope holds the verifying body's division, and the accused."""
    if policy.permits(user, "cases.office") and policy.reaches(user, case):
        return True
    return policy.promise_accused(user, case.target_government_id, case.target_department_id)


def may_take(user: User, case: Case, step: CaseTransition) -> bool:
    complaint = case.promise
    if step.by == "verifier":
        return policy.promise_verifier(user, complaint.verifier_id)
    return policy.promise_accused(user, case.target_government_id, case.target_department_id)


def step_check(
    case: Case, step: CaseTransition, *, rectify_days: int | None, ground: str, today: datetime.date
) -> None:
    """Refuse, before anything is written, what a step cannot take."""
    if step.name == "found":
        low, high = RECTIFY_DAYS_RANGE
        if rectify_days is not None and not low <= rectify_days <= high:
            raise DomainError(
                f"整改期限应为{low}至{high}个工作日", errors=[("rectify_days", "期限不合理")]
            )
    if step.name == "decline" and ground not in DeclineGround.values:
        raise DomainError("请选择不予整改的理由", errors=[("ground", "从列出的理由中选择")])
    if step.name == "default" and (case.due_date is None or today <= case.due_date):
        raise Conflict("整改期限尚未届满，不能认定逾期未整改")


def step_apply(
    case: Case,
    step: CaseTransition,
    *,
    rectify_days: int | None,
    ground: str,
    at: datetime.datetime,
) -> dict[str, object]:
    """The complaint's part of a step; returns what the audit event adds."""
    complaint = case.promise
    changed: list[str] = []
    if step.name == "found":
        complaint.verdict, complaint.founded_at = "founded", at
        complaint.rectify_days = rectify_days or default_rectify_days()
        changed += ["verdict", "founded_at", "rectify_days"]
    elif step.name == "unfound":
        complaint.verdict = "unfounded"
        changed.append("verdict")
    if step.target == "breached":
        complaint.breached_at = at
        complaint.decline_ground = ground if step.name == "decline" else ""
        changed += ["breached_at", "decline_ground"]
    if changed:
        complaint.save(update_fields=changed)
    return {
        "verdict": complaint.verdict,
        "rectify_days": complaint.rectify_days,
        "ground": complaint.decline_ground,
    }


def _ground_text(case: Case, step: CaseTransition) -> str:
    complaint = case.promise
    if step.name == "decline":
        return f"被投诉单位以“{complaint.get_decline_ground_display()}”为由不予整改"
    if step.name == "default":
        return "整改期限届满未整改"
    return "整改不到位"


def breach_draft(case: Case, actor: User, step: CaseTransition) -> Record | None:
    """The draft record of a breach, for the verifying body, linked to the complaint. Drafted in
    a savepoint: when it cannot be (the accused unit has no USCC in the directory, a record of
    the same decision exists), the breach stands and the verifying body drafts it later from
    the case page (report_to_draft), told why."""
    try:
        with transaction.atomic():
            return _draft(case, actor, _ground_text(case, step))
    except DomainError as exc:
        audit_append(
            actor=actor.username,
            action="case.promise.draft_failed",
            object_type="case",
            object_id=case.number,
            after={"reason": exc.detail},
        )
        return None


def _draft(case: Case, actor: User, why: str) -> Record:
    complaint: PromiseComplaint = case.promise
    target = case.target_department or case.target_government
    if target is None or not target.uscc:
        raise DomainError("被投诉单位在名录中没有统一社会信用代码，请先在名录中补全")
    day = timezone.localdate(complaint.breached_at or timezone.now())
    amount = complaint.amount / Decimal(10000) if complaint.amount is not None else None
    verifier = complaint.verifier
    data = RecordIn.model_validate(
        {
            "subject_kind": SubjectKind.DEPARTMENT
            if case.target_department
            else SubjectKind.GOVERNMENT,
            "subject_name": case.target_name,
            "subject_identifier": target.uscc,
            "source_type": "breach",
            "domain": _DOMAINS.get(PromiseCategory(complaint.category), Domain.OTHER),
            "decision_number": f"违约失信认定{case.number}",
            "decision_date": day.isoformat(),
            "authority_name": verifier.name,
            "authority_uscc": verifier.uscc or "",
            "facts": (
                f"{complaint.firm_name}投诉{case.target_name}在{complaint.get_category_display()}"
                f"中不履行{complaint.get_promise_kind_display()}。经{verifier.name}核实属实，"
                f"{why}。投诉内容：{case.content}"
            )[:5000],
            "basis": BASIS,
            "outcome": f"认定为违约失信（{why}）",
            "amount": amount.quantize(Decimal("0.0001")) if amount is not None else None,
            "severity": "general",
            "arose_on": day.isoformat(),
        }
    )
    # The draft is the verifying body's: created in the name of its officer who found the
    # complaint founded (the accused unit, which declined, must not own or edit it), so that
    # officer reads and completes it; the case's audit event names who set it off.
    drafter = actor if policy.promise_verifier(actor, verifier.pk) else _founder(case) or actor
    record = record_create(data=data, actor=drafter, origin=case.number, reporting_unit=verifier)
    Case.objects.filter(pk=case.pk).update(draft_record=record, version=F("version") + 1)
    case.draft_record, case.version = record, case.version + 1
    audit_append(
        actor=actor.username,
        action="case.promise.draft",
        object_type="case",
        object_id=case.number,
        after={"record": record.number, "drafter": drafter.username},
    )
    return record


def _founder(case: Case) -> User | None:
    """The verifying body's officer who found the complaint founded."""
    event = case.events.filter(action="found").select_related("actor").order_by("-at").first()
    return event.actor if event is not None else None


def may_take_draft(user: User, case: Case) -> bool:
    """Whether to offer `user` the manual draft of a breach (the automatic one failed)."""
    return (
        case.kind == "promise"
        and case.status == "breached"
        and case.draft_record_id is None
        and policy.promise_verifier(user, case.promise.verifier_id)
    )


def promise_draft(case: Case, actor: User) -> Record:
    """The verifying body drafts the record of a breach whose automatic draft failed."""
    if not policy.promise_verifier(actor, case.promise.verifier_id):
        raise Forbidden(policy.CAPABILITIES["promises.verify"].refusal)
    if case.status != "breached":
        raise Conflict("只有认定为违约失信的投诉可以转为失信记录")
    if case.draft_record_id is not None:
        raise Conflict("该投诉已转为失信记录草稿")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.draft_record_id is not None:
            raise Conflict("该投诉已转为失信记录草稿")
        return _draft(case, actor, "拒不整改")
