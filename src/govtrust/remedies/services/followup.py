"""After a case: a substantiated report becomes a draft record; units record self-corrections."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.errors import Conflict, DomainError, Forbidden, NotFound
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.measures.services import measures_mitigate
from govtrust.records.models import Record, SubjectKind
from govtrust.records.schemas import RecordIn
from govtrust.records.selectors import record_get
from govtrust.records.services import record_create
from govtrust.remedies.models import Case, CaseKind, CorrectionKind, SelfCorrection
from govtrust.remedies.services.evidence import check_uploads, evidence_store
from govtrust.remedies.services.filing import Files
from govtrust.remedies.services.handling import may_see
from govtrust.remedies.services.promises import promise_draft


@transaction.atomic
def report_to_draft(*, number: str, actor: User) -> Record:
    """One click: the draft dishonesty record of a substantiated report, linked to it. The
    credit office completes and submits it like any other draft."""
    # The capability before the look-up, as the form's: a role that may never do this is told
    # so (403) rather than that the case is not found.
    policy.require(actor, "cases.office")
    case = Case.objects.filter(number=number[:24]).first()
    if case is not None and case.kind == CaseKind.PROMISE and may_see(actor, case):
        return promise_draft(case, actor)  # a breach whose automatic draft did not succeed
    if case is None or case.kind != CaseKind.REPORT or not may_see(actor, case):
        raise NotFound()
    if case.status != "substantiated":
        raise Conflict("只有经查属实的投诉举报可以转为失信记录")
    if case.draft_record_id is not None:
        raise Conflict("该投诉举报已转为失信记录草稿")
    target = case.target_department or case.target_government
    if target is None or not target.uscc:
        raise DomainError("被举报单位在名录中没有统一社会信用代码，请先在名录中补全")
    day = timezone.localdate(case.closed_at) if case.closed_at else timezone.localdate()
    data = RecordIn.model_validate(
        {
            "subject_kind": SubjectKind.DEPARTMENT
            if case.target_department
            else SubjectKind.GOVERNMENT,
            "subject_name": case.target_name,
            "subject_identifier": target.uscc,
            "source_type": "breach",
            "domain": "other",
            "decision_number": f"投诉举报{case.number}",
            "decision_date": day.isoformat(),
            "authority_name": actor.unit.name,
            "authority_uscc": actor.unit.uscc or "",
            "facts": case.content[:5000],
            "basis": "经核查，投诉举报反映的问题属实（请补充依据）",
            "outcome": case.outcome_reason[:2000] or "经查属实",
            "severity": "general",
            "arose_on": day.isoformat(),
        }
    )
    record = record_create(data=data, actor=actor, origin=case.number)
    # Conditioned on the version read: of two clicks at once, one links its draft and the
    # other's draft is rolled back with its transaction.
    if not Case.objects.filter(pk=case.pk, version=case.version, draft_record=None).update(
        draft_record=record, version=F("version") + 1
    ):
        raise Conflict("该投诉举报已转为失信记录草稿")
    case.draft_record, case.version = record, case.version + 1
    audit_append(
        actor=actor.username,
        action="case.report.draft",
        object_type="case",
        object_id=case.number,
        after={"record": record.number},
    )
    return record


@transaction.atomic
def self_correction_record(
    *,
    record_number: str,
    kind: str,
    description: str,
    corrected_on: datetime.date,
    files: Files,
    actor: User,
) -> SelfCorrection:
    """主动纠错: recorded by the unit that reported the record (or its credit office)."""
    policy.require(actor, "corrections.record")
    record = Record.objects.filter(number=record_number[:24]).first()
    if record is None:
        raise NotFound()
    record = record_get(user=actor, pk=record.pk)  # scope: 404 outside it
    if not policy.permits(actor, "cases.office") and not policy.is_reporting_unit(
        actor, record.reporting_government_id, record.reporting_department_id
    ):
        raise Forbidden("由报送该记录的单位或信用主管部门登记主动纠错")
    if record.subject_kind != SubjectKind.CIVIL_SERVANT:
        raise DomainError("主动纠错适用于公务员的失信记录")
    if kind not in CorrectionKind.values:
        raise DomainError("请选择纠错情形", errors=[("kind", "从列出的情形中选择")])
    description = description.strip()
    if not 10 <= len(description) <= 5000:
        raise DomainError("情况说明应为10至5000字", errors=[("description", "10至5000字")])
    if corrected_on > timezone.localdate() or corrected_on < record.decision_date:
        raise DomainError(
            "纠错日期应在决定日期之后、今天之前", errors=[("corrected_on", "日期不合理")]
        )
    check_uploads(files)
    finding = SelfCorrection.objects.create(
        record=record,
        kind=kind,
        description=description,
        corrected_on=corrected_on,
        recorded_by=actor,
        division_code=record.division_code,
    )
    stored = evidence_store(files, correction=finding)
    measures_mitigate(record=record, correction_kind=kind, actor=actor)
    audit_append(
        actor=actor.username,
        action="record.self_correction",
        object_type="record",
        object_id=record.number,
        after={"kind": kind, "corrected_on": corrected_on, "files": len(stored)},
    )
    return finding
