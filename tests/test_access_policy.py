"""The access policy as a table: every role, placed at each position relative to the unit that
owns the data, against every API operation and page family that reads or writes business data.

Positions, relative to 城关区 (620102) whose finance bureau (department A) reported the record:
own unit (a government-level account of 城关区), own department (department A), other department
(department B of 城关区), sibling (七里河区 620103), parent (兰州市 6201), child (a township of
城关区). Expected answers: 200/201 (or 400/409 where the write was allowed but its body is
refused on purpose, so that nothing changes and the table stays order-free), 403 for a role that
may not, 404 for an object outside reach.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.utils import timezone

from govtrust.config.api import api
from govtrust.core.models import AuditEvent
from govtrust.directory.models import Department, User
from govtrust.directory.services import token_create
from govtrust.disclosure.models import Publication, RedactionChange
from govtrust.disclosure.services import publication_publish
from govtrust.documents.models import Document, DocumentKind
from govtrust.documents.services.reports import report_issue
from govtrust.measures.models import Measure, MeasureKind, MeasureRule
from govtrust.records.models import ImportBatch, Record
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_submit
from govtrust.records.services.bulk import report_file
from govtrust.remedies.models import Case
from govtrust.remedies.services.filing import Contact, objection_file
from govtrust.remedies.services.filing import report_file as report_file_case
from govtrust.remedies.services.followup import report_to_draft
from govtrust.remedies.services.handling import case_act
from govtrust.screening.engine import Candidate
from govtrust.screening.models import Screening
from govtrust.screening.services import screening_run
from govtrust.supervision.models import PlanTaskUnit
from govtrust.supervision.services import inspections as inspection_svc
from govtrust.supervision.services import training as training_svc
from govtrust.supervision.services.evaluation import (
    IndicatorIn,
    commission_register,
    evaluator_register,
    scores_upload,
)
from govtrust.supervision.services.plan_tasks import plan_tasks_load, progress_report_submit
from govtrust.supervision.services.suggestions import SuggestionIn, suggestion_register
from tests.conftest import TODAY, government, new_uscc, record_payload

pytestmark = pytest.mark.django_db

ROLES = ("clerk", "reviewer", "credit_office", "inspector", "sysadmin", "secadmin", "auditor")
ADMINS = {"sysadmin", "secadmin", "auditor"}
POSITIONS = ("own_unit", "own_dept", "other_dept", "sibling", "parent", "child")
PLACES = {  # position -> (division code, department)
    "own_unit": ("620102", None),
    "own_dept": ("620102", "城关区财政局"),
    "other_dept": ("620102", "城关区教育局"),
    "sibling": ("620103", None),
    "parent": ("6201", None),
    "child": ("620102001", None),
}


@dataclass
class World:
    record: Record
    measure: Measure
    case_number: str
    evidence_id: int
    screening: str
    document: str
    batch: str
    chengguan: int  # 城关区人民政府's id
    users: dict[tuple[str, str], User]
    report: str  # a substantiated report against department A, its draft record made
    draft: str  # that draft record's number
    notice: str  # the draft criticism notice of the record
    far: Record  # an accepted, unpublished record of 天水市, out of every position's reach
    plan_task: int  # 三（二）3 of the plan
    plan_unit: int  # 兰州市人民政府 answering for it (the "parent" position)
    plan_report: int  # its 2025 progress report, by 兰州市's credit office, with a PDF
    plan_attachment: int
    suggestion: int  # a deputy's suggestion assigned to 城关区人民政府 ("own_unit")
    evaluator: int  # a third-party evaluator registered by 兰州市's credit office ("parent")
    evaluation: int  # its commission for 2025, evaluating 城关区人民政府
    evaluation_sheet: int  # the commission's accepted score sheet
    # 兰州市's inspection of 城关区, its team 兰州市's inspector ("parent") and one more, and a
    # finding about 城关区人民政府 recorded by the first, with a PDF
    inspection: int
    finding: int
    finding_attachment: int
    training: int  # a training session held by 城关区财政局 ("own_dept")
    training_import: int  # an attendance list 城关区财政局's clerk sent, refused, with a report


@pytest.fixture
def world(make_user: Callable[..., User], make_department: Callable[..., Department]) -> World:
    """GIVEN a record of 城关区财政局 accepted by 城关区's reviewer, with its measures, an
    objection to it with a PDF, a kept screening and a credit report issued by 城关区's reviewer,
    and one account for every role at every position."""
    cache.clear()
    make_department("620102", "城关区教育局")
    users = {
        (role, position): make_user(f"{role}_{position}", role, *PLACES[position])
        for role in ROLES
        for position in POSITIONS
    }
    clerk, reviewer = users["clerk", "own_dept"], users["reviewer", "own_unit"]
    bureau = clerk.department
    assert bureau is not None
    data = RecordIn.model_validate(
        record_payload(
            subject_kind="department",
            subject_name=bureau.name,
            subject_identifier=bureau.uscc,
            decision_date=str(TODAY - datetime.timedelta(days=30)),
            arose_on=str(TODAY - datetime.timedelta(days=30)),
        )
    )
    record = record_submit(record=record_create(data=data, actor=clerk), actor=clerk)
    record = record_accept(record=record, actor=reviewer)
    measure = Measure.objects.filter(record=record, kind=MeasureKind.EXPLANATION).first()
    assert measure is not None
    office = make_user("office_province", "credit_office", "62")
    publication = publication_publish(record=record, actor=office)
    filed = objection_file(
        record_number=publication.number,
        applicant_role="subject",
        contact=Contact("王伟", "13812345678"),
        fields=["facts"],
        content="公示的失信事实与处罚决定书不一致，款项已于决定前付清。",
        files=[("证明.pdf", _pdf())],
        address="203.0.113.9",
    )
    case = filed.case
    screening = screening_run(
        title="年度先进评选",
        candidates=[Candidate(row=1, name="王伟", identifier="", unit="")],
        source_name="名单.xlsx",
        actor=reviewer,
    )
    chengguan = government("620102")
    chengguan.uscc = new_uscc("620102")
    chengguan.save(update_fields=["uscc"])
    document = report_issue(kind="government", pk=chengguan.pk, public=False, actor=reviewer)
    batch = ImportBatch.objects.create(
        unit=clerk.unit,
        created_by=clerk,
        department=clerk.department,
        division_code="620102",
        filename="records.xlsx",
        stored_name=f"access-{new_uscc('620102')}",  # its error report is written below
        size=1,
        sha256="0" * 64,
        kind="xlsx",
        mode="all_or_nothing",
        has_report=True,
    )
    report_file(batch).write_bytes(b"PK error report")
    office = users["credit_office", "own_unit"]
    report = report_file_case(
        government_id=None,
        department_id=bureau.pk,
        anonymous=False,
        contact=Contact("李娜", "13912345678"),
        content="该局拖欠中标企业工程款两年未付，多次催要无果。",
        files=[],
        address="203.0.113.10",
    ).case
    report = case_act(number=report.number, action="accept", actor=office, version=report.version)
    report = case_act(
        number=report.number,
        action="substantiate",
        actor=office,
        version=report.version,
        reason="经查属实",
    )
    draft = report_to_draft(number=report.number, actor=office)
    notice = Document.objects.filter(record=record, kind=DocumentKind.CRITICISM).first()
    assert notice is not None
    plan_tasks_load()
    plan_unit = PlanTaskUnit.objects.get(task__code="三（二）3", division_code="6201")
    plan_report = progress_report_submit(
        actor=users["credit_office", "parent"],
        unit_id=plan_unit.pk,
        year=2025,
        text="已按期推送本年度政务失信记录，并在信用甘肃网站公示。",
        percent=50,
        files=[("进展.pdf", _pdf())],
    )
    suggestion = suggestion_register(
        actor=office,
        data=SuggestionIn(
            kind="deputy",
            session="兰州市第十七届人大五次会议",
            number="0001",
            title="关于加快老旧小区改造的建议",
            proposer="张伟",
            government_code="620102",
            assigned_on=TODAY - datetime.timedelta(days=30),
        ),
    )
    training, training_import = _training(users["clerk", "own_dept"])
    evaluator = evaluator_register(
        actor=users["credit_office", "parent"], name="某评估公司", uscc=new_uscc("620100")
    )
    evaluation = commission_register(
        actor=users["credit_office", "parent"],
        evaluator_id=evaluator.pk,
        year=2025,
        scope="各县区政府政务诚信建设情况",
        indicators=[IndicatorIn("信用信息归集", Decimal(0), Decimal(100))],
        units=["620102"],
    )
    sheet = scores_upload(
        actor=users["credit_office", "parent"],
        commission_id=evaluation.pk,
        filename="得分.csv",
        source=io.BytesIO("被评估单位,评估指标,得分\n620102,信用信息归集,90\n".encode()),
    )
    return World(
        record=record,
        measure=measure,
        case_number=case.number,
        evidence_id=case.evidence.get().pk,
        screening=screening.number,
        document=document.code,
        batch=str(batch.pk),
        chengguan=chengguan.pk,
        users=users,
        report=report.number,
        draft=draft.number,
        notice=notice.code,
        far=_far_record(make_user),
        plan_task=plan_unit.task_id,
        plan_unit=plan_unit.pk,
        plan_report=plan_report.pk,
        plan_attachment=plan_report.attachments.get().pk,
        suggestion=suggestion.pk,
        evaluator=evaluator.pk,
        evaluation=evaluation.pk,
        evaluation_sheet=sheet.pk,
        training=training,
        training_import=training_import,
        **_inspection(users, make_user),
    )


def _inspection(
    users: dict[tuple[str, str], User], make_user: Callable[..., User]
) -> dict[str, int]:
    inspector = users["inspector", "parent"]
    inspection = inspection_svc.inspection_plan(
        actor=users["credit_office", "parent"],
        data=inspection_svc.InspectionIn(
            title="城关区政务诚信专项督导",
            period_start=TODAY,
            period_end=TODAY + datetime.timedelta(days=30),
            target_codes=["620102"],
            inspector_ids=[inspector.pk, make_user("inspector_lz_b", "inspector", "6201").pk],
        ),
    )
    finding = inspection_svc.finding_record(
        actor=inspector,
        inspection_id=inspection.pk,
        data=inspection_svc.FindingIn(
            target_code="620102", facts="失信记录逾期报送", severity="general", requirement="补报"
        ),
        files=[("佐证.pdf", _pdf())],
    )
    return {
        "inspection": inspection.pk,
        "finding": finding.pk,
        "finding_attachment": finding.attachments.get().pk,
    }


def _training(clerk: User) -> tuple[int, int]:
    """A session of 城关区财政局 and an attendance list its clerk sent (refused: unknown
    session), whose error report repeats the list's rows."""
    course = training_svc.course_create(actor=clerk, code="ZWCX-01", title="政务诚信")
    session = training_svc.session_create(
        actor=clerk,
        data=training_svc.SessionIn(
            course_id=course.pk, code="CZ-01", mode="online", held_on=TODAY, hours="2"
        ),
    )
    text = "场次编号,姓名,身份证号码\nNO-SUCH,王伟,620102198001011234\n".encode()
    batch = training_svc.attendance_import(
        actor=clerk, source=io.BytesIO(text), filename="名单.csv"
    )
    assert batch.report is not None
    return session.pk, batch.pk


def _far_record(make_user: Callable[..., User]) -> Record:
    """An accepted record of 天水市 (6205), awaiting publication: no position reaches it."""
    clerk = make_user("clerk_far", "clerk", "6205")
    reviewer = make_user("reviewer_far", "reviewer", "6205")
    make_user("office_far", "credit_office", "6205")
    data = RecordIn.model_validate(
        record_payload(
            subject_kind="government",
            subject_name="天水市人民政府",
            subject_identifier=new_uscc("6205"),
            decision_date=str(TODAY - datetime.timedelta(days=30)),
            arose_on=str(TODAY - datetime.timedelta(days=30)),
        )
    )
    record = record_submit(record=record_create(data=data, actor=clerk), actor=clerk)
    return record_accept(record=record, actor=reviewer)


def _pdf() -> Any:
    return io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


# ---- expected answers --------------------------------------------------------------------


def reads(role: str, position: str) -> int:
    """Business data of 城关区财政局: every business role reaches it from its own unit, its
    own department and above; a department's clerks and reviewers not from another department."""
    if role in ADMINS:
        return 403
    if position in ("sibling", "child"):
        return 404
    if position == "other_dept" and role in ("clerk", "reviewer"):
        return 404
    return 200


def government_level(role: str, position: str) -> int:
    """Objects of 城关区 itself, owned by no department (its credit report, its screening)."""
    if role in ADMINS:
        return 403
    if position in ("sibling", "child"):
        return 404
    if position in ("own_dept", "other_dept") and role in ("clerk", "reviewer"):
        return 404
    return 200


def screening_reads(role: str, position: str) -> int:
    return 403 if role == "inspector" else government_level(role, position)


def unit_answers(role: str, position: str) -> int:
    """The reporting unit alone hands in explanations: 城关区's own accounts and department A;
    400 because the report sent is too short (allowed, refused in words, nothing changed)."""
    answer = reads(role, position)
    if answer != 200:
        return answer
    if role not in ("clerk", "reviewer") or position == "parent":
        return 403
    return 400


def office_verifies(role: str, position: str) -> int:
    """Verification is the credit office's (other roles are refused before any look-up); 409
    because nothing was handed in yet."""
    if role != "credit_office":
        return 403
    answer = reads(role, position)
    return 409 if answer == 200 else answer


def cases(role: str, position: str) -> int:
    """The objection: the credit office in reach, and the reporting unit (objections to its own
    records); others get 404, the inspectors and administrators 403."""
    if role in ADMINS or role == "inspector":
        return 403
    if role == "credit_office":
        return 200 if position not in ("sibling", "child") else 404
    return 200 if position in ("own_unit", "own_dept") else 404


def transition_by(*roles: str) -> Expect:
    """A record transition the record's state refuses (it is accepted): 404 outside reach
    (the record is looked up first), then 403 for the roles that may not take it, 409 for
    those that may."""

    def expect(role: str, position: str) -> int:
        answer = reads(role, position)
        if answer != 200:
            return answer
        return 409 if role in roles else 403

    return expect


def reveal(role: str, position: str) -> int:
    """The subject is a department: 400 (no ID number) wherever the record is reached."""
    answer = reads(role, position)
    return 400 if answer == 200 else answer


def case_step(role: str, position: str) -> int:
    """An office step at a stale version: 409 for the credit office in reach; the reporting
    unit may see the case but not take the office's step (403); others as for cases."""
    answer = cases(role, position)
    if answer != 200:
        return answer
    return 409 if role == "credit_office" else 403


def issues_report(role: str, position: str) -> int:
    """A public credit report of 城关区 itself: 201 wherever 城关区 is reached; its
    departments' clerks and reviewers do not reach the government as a subject."""
    answer = government_level(role, position)
    return 201 if answer == 200 else answer


def imports(role: str, position: str) -> int:
    return reads(role, position)


def figures(role: str, position: str) -> int:
    return 403 if role in ADMINS else 200


def import_report(role: str, position: str) -> int:
    """An upload's error report repeats full ID numbers: the uploading unit's clerks and
    reviewers alone (PIPL art. 51); others who reach the upload 403."""
    answer = imports(role, position)
    if answer != 200:
        return answer
    return 200 if role in ("clerk", "reviewer") and position in ("own_unit", "own_dept") else 403


def drafts_record(role: str, position: str) -> int:
    """A substantiated report made a draft record: the credit office's alone (403 before any
    look-up for the others); 409 in reach because its draft is made already."""
    if role != "credit_office":
        return 403
    return 404 if position in ("sibling", "child") else 409


def plan_reports(role: str, position: str) -> int:
    """A progress report on a plan task by 兰州市人民政府 ("parent"): its own staff who act for
    the whole government report (a bad body: 400, nothing changes); other business staff do not
    answer for it (404); inspectors and administrators may not report (403)."""
    if role in ADMINS or role == "inspector":
        return 403
    return 400 if position == "parent" else 404


def plan_attachment(role: str, position: str) -> int:
    """兰州市's report's attachment: read where 兰州市人民政府's reports are reached."""
    if role in ADMINS:
        return 403
    return 200 if position == "parent" else 404


def registers_suggestion(role: str, position: str) -> int:
    """Any credit office registers (an empty title: 400, nothing stored); others 403."""
    return 400 if role == "credit_office" else 403


def answers_suggestion(role: str, position: str) -> int:
    """The suggestion assigned to 城关区人民政府: its staff acting for the whole government
    answer (a bad result code: 400), the credit office wherever its account is hosted; a
    department's clerks and reviewers and other units 404."""
    if role in ADMINS or role == "inspector":
        return 403
    if position == "own_unit" or (
        position in ("own_dept", "other_dept") and role == "credit_office"
    ):
        return 400
    return 404


def inspection_reads(role: str, position: str) -> int:
    """兰州市's inspection of 城关区 and its finding: its team's inspector ("parent") alone of the
    inspectors; other staff where 兰州市 (the organiser) or 城关区 (the inspected) is reached,
    a department's clerks and reviewers not (they read findings named to their department)."""
    if role == "inspector":
        return 200 if position == "parent" else 404
    return government_level(role, position)


def inspection_report(role: str, position: str) -> int:
    """The inspection's report names every finding: the organiser's office and the team only."""
    if role in ADMINS:
        return 403
    return 200 if position == "parent" and role in ("credit_office", "inspector") else 404


def plans_inspection(role: str, position: str) -> int:
    """Any credit office plans (an empty title: 400, nothing stored); others 403."""
    return 400 if role == "credit_office" else 403


def inspects(role: str, position: str) -> int:
    """The team's steps: inspectors only (others 403), the team's inspector ("parent") refused
    in words (400: a bad body), any other inspector 404."""
    if role != "inspector":
        return 403
    return 400 if position == "parent" else 404


def concludes(role: str, position: str) -> int:
    """Ending the inspection: the organiser's office alone (refused in words, 302: a finding is
    open); other credit offices 404; other roles 403."""
    if role != "credit_office":
        return 403
    return 302 if position == "parent" else 404


def registers_training(role: str, position: str) -> int:
    """A unit's clerks, reviewers and credit office register its training (a bad body: 400,
    nothing stored); inspectors and administrators 403."""
    return 400 if role in ("clerk", "reviewer", "credit_office") else 403


def records_attendance(role: str, position: str) -> int:
    """Attendance at 城关区财政局's session: those who register training and reach it (an
    empty list: 400); others in reach 403 before any look-up, the rest 404."""
    if role in ADMINS or role == "inspector":
        return 403
    return 400 if reads(role, position) == 200 else 404


def training_report(role: str, position: str) -> int:
    """The error report of 城关区财政局's attendance list repeats full ID numbers: the sending
    unit's staff who register training (城关区's own accounts and the bureau's), as for the
    records import's report; others who reach the list 403."""
    answer = reads(role, position)
    if answer != 200:
        return answer
    if role == "inspector" or position == "parent":
        return 403
    return 200


def snapshot_reads(role: str, position: str) -> int:
    """An assessment's full snapshot (every unit's inputs): the provincial credit office and
    inspectors only; every position here is below the province, so 403 for all."""
    return 403


def enters_score(role: str, position: str) -> int:
    """A score entered for 城关区人民政府 (a bad value: 400, nothing stored) by inspectors and
    the credit office reaching it; others 403; out of reach 404; 城关区's own staff 403: no one
    scores the government it is assessed as (policy.require_not_self_assessed)."""
    if role not in ("credit_office", "inspector"):
        return 403
    if position in ("own_unit", "own_dept", "other_dept"):
        return 403
    return 404 if position in ("sibling", "child") else 400


def office_only(role: str, position: str) -> int:
    """A credit office's own page or refusal in words (any position); others 403."""
    return 400 if role == "credit_office" else 403


def evaluation_reads(role: str, position: str) -> int:
    """The commission of 兰州市's credit office: read by the business staff of 兰州市 (owned by
    no department, so a department's staff below do not reach it); 404 elsewhere."""
    if role in ADMINS:
        return 403
    return 200 if position == "parent" else 404


def evaluation_writes(role: str, position: str) -> int:
    """A credit office's step on 兰州市's commission: 400 (a bad body) in reach, 404 outside;
    others 403 before any look-up."""
    if role != "credit_office":
        return 403
    return 400 if position == "parent" else 404


def provincial_only(role: str, position: str) -> int:
    """The provincial credit office's steps: no position of the table is the province."""
    return 403


Expect = Callable[[str, str], int]
API: list[
    tuple[str, str, Callable[[World], str], Callable[[World], dict[str, Any]] | None, Expect]
] = [
    ("get", "record", lambda w: f"/api/v1/records/{w.record.pk}", None, reads),
    ("get", "measures", lambda w: f"/api/v1/records/{w.record.number}/measures", None, reads),
    (
        "get",
        "self-corrections",
        lambda w: f"/api/v1/records/{w.record.number}/self-corrections",
        None,
        reads,
    ),
    ("get", "document", lambda w: f"/api/v1/documents/{w.document}.pdf", None, government_level),
    ("get", "screening", lambda w: f"/api/v1/screenings/kept/{w.screening}", None, screening_reads),
    ("get", "case", lambda w: f"/api/v1/cases/{w.case_number}", None, cases),
    ("get", "plan tasks", lambda w: "/api/v1/plan-tasks", None, figures),
    ("get", "suggestions", lambda w: "/api/v1/suggestions", None, figures),
    ("get", "evaluators", lambda w: "/api/v1/evaluators", None, figures),
    ("get", "evaluations", lambda w: "/api/v1/evaluations", None, figures),
    ("get", "evaluation scores", lambda w: "/api/v1/evaluation-scores?year=2025", None, figures),
    (
        "get",
        "inspections",
        lambda w: "/api/v1/inspections",
        None,
        lambda r, p: 403 if r in ADMINS else 200,
    ),
    ("get", "inspection", lambda w: f"/api/v1/inspections/{w.inspection}", None, inspection_reads),
    ("get", "training courses", lambda w: "/api/v1/training-courses", None, figures),
    ("get", "trainings", lambda w: "/api/v1/trainings", None, figures),
    (
        "get",
        "training attendance",
        lambda w: f"/api/v1/trainings/{w.training}/attendance",
        None,
        reads,
    ),
    (
        "get",
        "training coverage",
        lambda w: f"/api/v1/training-coverage?year={TODAY.year}",
        None,
        figures,
    ),
    (
        "get",
        "assessment results",
        lambda w: "/api/v1/assessments/2026/results?level=county",
        None,
        figures,
    ),
    (
        "get",
        "assessment snapshot",
        lambda w: "/api/v1/assessments/2026/snapshot",
        None,
        snapshot_reads,
    ),
    ("get", "plan reports", lambda w: f"/api/v1/plan-tasks/{w.plan_task}/reports", None, figures),
    (
        "get",
        "evidence",
        lambda w: f"/api/v1/cases/{w.case_number}/evidence/{w.evidence_id}",
        None,
        cases,
    ),
    ("get", "import", lambda w: f"/api/v1/imports/{w.batch}", None, imports),
    ("get", "rectification-figures", lambda w: "/api/v1/rectification-figures", None, figures),
    (
        "get",
        "cases-figures",
        lambda w: "/api/v1/cases-figures?start=2025-01-01&end=2026-12-31",
        None,
        figures,
    ),
    (
        "get",
        "promises-founded",
        lambda w: "/api/v1/promises-founded?year=2026",
        None,
        lambda role, _position: 200 if role in ("reviewer", "credit_office", "inspector") else 403,
    ),
    ("get", "measure-rules", lambda w: "/api/v1/measure-rules", None, figures),
    (
        "post",
        "accept",
        lambda w: f"/api/v1/records/{w.record.pk}/accept",
        lambda w: {"version": w.record.version},
        transition_by("reviewer", "credit_office"),
    ),
    (
        "post",
        "submit",
        lambda w: f"/api/v1/records/{w.record.pk}/submit",
        lambda w: {"version": w.record.version},
        transition_by("clerk"),
    ),
    (
        "post",
        "reveal-identifier",
        lambda w: f"/api/v1/records/{w.record.pk}/reveal-identifier",
        lambda w: {},
        reveal,
    ),
    (
        "post",
        "credit-report",
        lambda w: "/api/v1/credit-reports",
        lambda w: {"subject_kind": "government", "subject_id": w.chengguan, "public": True},
        issues_report,
    ),
    (
        "post",
        "case-action",
        lambda w: f"/api/v1/cases/{w.case_number}/actions",
        lambda w: {"action": "accept", "version": 999},
        case_step,
    ),
    (
        "post",
        "measure-report",
        lambda w: f"/api/v1/measures/{w.measure.pk}/report",
        lambda w: {"report": "太短", "version": w.measure.version},
        unit_answers,
    ),
    ("get", "import-report", lambda w: f"/api/v1/imports/{w.batch}/report", None, import_report),
    (
        "post",
        "draft-record",
        lambda w: f"/api/v1/cases/{w.report}/draft-record",
        lambda w: {},
        drafts_record,
    ),
    (
        "post",
        "measure-verify",
        lambda w: f"/api/v1/measures/{w.measure.pk}/verify",
        lambda w: {"accept": True, "reason": "", "version": w.measure.version},
        office_verifies,
    ),
]


def files(role: str, position: str) -> int:
    """A clerk files records and uploads for its own unit wherever it sits: 201 for the
    record; 400 for an upload whose file is no workbook (allowed, refused in words)."""
    return 201 if role == "clerk" else 403


def uploads(role: str, position: str) -> int:
    return 400 if role == "clerk" else 403


def court_list(role: str, position: str) -> int:
    """The court's list of dishonest debtors is the credit office's to import."""
    return 400 if role == "credit_office" else 403


def judges_kept(role: str, position: str) -> int:
    """A judgement on a kept screening at a stale version: only the judging roles (403 before
    any look-up for the others), 404 outside reach, 409 for those who may."""
    if role not in ("reviewer", "credit_office"):
        return 403
    answer = government_level(role, position)
    return 409 if answer == 200 else answer


def certifies(role: str, position: str) -> int:
    """The certificate of a screening with nothing awaiting review: those who may screen and
    reach the screening get it (201)."""
    if role not in ("clerk", "reviewer", "credit_office"):
        return 403
    answer = government_level(role, position)
    return 201 if answer == 200 else answer


def corrects(role: str, position: str) -> int:
    """A self-correction of a department's record: the reporting unit and the credit office in
    reach; 400 because self-corrections are for civil servants' records (allowed, refused in
    words); a unit that reaches the record but did not report it 403."""
    if role not in ("clerk", "reviewer", "credit_office"):
        return 403
    answer = reads(role, position)
    if answer != 200:
        return answer
    if role != "credit_office" and position == "parent":
        return 403
    return 400


def reviews_bulk(role: str, position: str) -> int:
    """Bulk review: the reviewing roles get 200 with every record refused in words (the record
    is accepted already, or not found outside reach); other roles 403 as a whole."""
    return 200 if role in ("reviewer", "credit_office") else 403


def screens(allowed: int) -> Expect:
    """Screening a list: those who may screen, wherever they sit (the list is theirs)."""

    def expect(role: str, position: str) -> int:
        return allowed if role in ("clerk", "reviewer", "credit_office") else 403

    return expect


def judges(role: str, position: str) -> int:
    """A judgement on a name match of a record anywhere in the province (a candidate can match
    any record in the credit database); it applies in the judge's own division (201)."""
    return 201 if role in ("reviewer", "credit_office") else 403


def provincial_rules(role: str, position: str) -> int:
    """Measure rules are the provincial credit office's alone: none of these positions is the
    province (the province's own answer is checked beside the table)."""
    return 403


def redirected(expect: Expect) -> Expect:
    """A page's form answers an allowed but refused step with a redirect and the refusal in
    words, where the API answers 409."""

    def page(role: str, position: str) -> int:
        answer = expect(role, position)
        return 302 if answer == 409 else answer

    return page


def sysadmin_only(role: str, position: str) -> int:
    """规则与参考数据导入: the system administrator's alone, wherever any other account sits;
    200 for the sysadmin's POST with no file (refused in words, nothing changed)."""
    return 200 if role == "sysadmin" else 403


BUSINESS = ("clerk", "reviewer", "credit_office", "inspector")
HANDLERS = ("clerk", "reviewer", "credit_office")  # cases, corrections, screenings


def in_words(capable: tuple[str, ...], expect: Expect) -> Expect:
    """A back-office form post: 403 from the page for a role without the capability, 404 for
    an object out of reach, and otherwise a redirect (302) with the service's answer in words
    (its refusals included: the form shows them on the page it returns to)."""

    def page(role: str, position: str) -> int:
        if role not in capable:
            return 403
        return 404 if expect(role, position) == 404 else 302

    return page


def only(*roles: str, allowed: int = 200) -> Expect:
    """A page or list that shows nothing of one unit's data beyond what its selector scopes
    (the API list test checks those selectors): answered by role alone."""
    return lambda role, position: allowed if role in roles else 403


def edits(role: str, position: str) -> int:
    """Editing the (accepted) record: clerks in reach get the form back with the refusal."""
    if role != "clerk":
        return 403
    return reads(role, position)


class Write:
    """One write operation of the table. `body` is called once per call (uploads are read once);
    `multipart` sends a form with files instead of JSON."""

    def __init__(
        self,
        name: str,
        path: Callable[[World], str],
        body: Callable[[World], dict[str, Any]],
        expect: Expect,
        *,
        multipart: bool = False,
    ) -> None:
        self.name, self.path, self.body, self.expect = name, path, body, expect
        self.multipart = multipart

    def send(self, client: Client, world: World, **headers: Any) -> int:
        if self.multipart:
            return client.post(self.path(world), data=self.body(world), **headers).status_code
        return client.post(
            self.path(world), data=self.body(world), content_type="application/json", **headers
        ).status_code


def _not_a_workbook() -> SimpleUploadedFile:
    return SimpleUploadedFile("records.xlsx", b"not a workbook at all")


def _tomorrow() -> str:
    return str(timezone.localdate() + datetime.timedelta(days=1))


WRITES: list[Write] = [
    Write(
        "evaluator-register",
        lambda w: "/api/v1/evaluators",
        lambda w: {"name": "某评估公司", "uscc": "123"},
        office_only,
    ),
    Write(
        "evaluation-register",
        lambda w: "/api/v1/evaluations",
        lambda w: {
            "evaluator_id": w.evaluator,
            "year": 2025,
            "scope": "",
            "indicators": [],
            "units": [],
        },
        evaluation_writes,
    ),
    Write(
        "evaluation-scores-upload",
        lambda w: f"/api/v1/evaluations/{w.evaluation}/scores",
        lambda w: {"file": SimpleUploadedFile("得分.xlsx", b"not a workbook")},
        evaluation_writes,
        multipart=True,
    ),
    Write(
        "inspection-plan",
        lambda w: "/api/v1/inspections",
        lambda w: {
            "title": "",
            "period_start": str(TODAY),
            "period_end": str(TODAY),
            "target_codes": ["620102"],
            "inspector_ids": [],
        },
        plans_inspection,
    ),
    Write(
        "finding-record",
        lambda w: f"/api/v1/inspections/{w.inspection}/findings",
        lambda w: {"government_code": "620102", "facts": "", "severity": "x", "requirement": ""},
        inspects,
    ),
    Write(
        "finding-withdraw",
        lambda w: f"/api/v1/inspection-findings/{w.finding}/withdraw",
        lambda w: {"version": 1, "reason": ""},
        inspects,
    ),
    Write(
        "finding-answer",
        lambda w: f"/api/v1/inspection-findings/{w.finding}/answer",
        lambda w: {"version": 1, "answer": ""},
        answers_suggestion,  # the inspected government's, as the suggestion assigned to it
    ),
    Write(
        "training-course",
        lambda w: "/api/v1/training-courses",
        lambda w: {"code": "K-9", "title": ""},
        registers_training,
    ),
    Write(
        "training-session",
        lambda w: "/api/v1/trainings",
        lambda w: {
            "course_id": 0,
            "code": "X-9",
            "mode": "online",
            "held_on": str(TODAY),
            "hours": 0,
        },
        registers_training,
    ),
    Write(
        "training-attendance",
        lambda w: f"/api/v1/trainings/{w.training}/attendance",
        lambda w: [],  # type: ignore[arg-type,return-value]
        records_attendance,
    ),
    Write(
        "assessment-enter",
        lambda w: "/api/v1/assessments/2026/entries",
        lambda w: {
            "unit": "g:620102",
            "indicator": "D1.3",
            "value": "abc",
            "evidence": "督查通报",
            "entered_as": "inspector",
        },
        enters_score,
    ),
    Write(
        "suggestion-register",
        lambda w: "/api/v1/suggestions",
        lambda w: {
            "kind": "deputy",
            "session": "第一次会议",
            "number": "9",
            "title": "",
            "proposer": "李娜",
            "government_code": "620102",
            "assigned_on": str(TODAY),
        },
        registers_suggestion,
    ),
    Write(
        "suggestion-reply",
        lambda w: f"/api/v1/suggestions/{w.suggestion}/reply",
        lambda w: {"version": 1, "result": "E", "reply": "已办理"},
        answers_suggestion,
    ),
    Write(
        "plan-report",
        lambda w: f"/api/v1/plan-task-units/{w.plan_unit}/reports",
        lambda w: {"year": 2025, "text": "进展", "percent": 101},
        plan_reports,
    ),
    Write(
        "plan-report-verify",
        lambda w: f"/api/v1/plan-reports/{w.plan_report}/verify",
        lambda w: {"version": 999},
        provincial_only,
    ),
    Write("record-create", lambda w: "/api/v1/records", lambda w: record_payload(), files),
    Write(
        "import-upload",
        lambda w: "/api/v1/imports",
        lambda w: {"file": _not_a_workbook(), "mode": "all_or_nothing"},
        uploads,
        multipart=True,
    ),
    Write(
        "court-list-upload",
        lambda w: "/api/v1/imports",
        lambda w: {"file": _not_a_workbook(), "court_list": "true"},
        court_list,
        multipart=True,
    ),
    Write(
        "kept-judgement",
        lambda w: f"/api/v1/screenings/kept/{w.screening}/judgements",
        lambda w: {"row": 1, "record_number": w.record.number, "confirmed": True, "version": 999},
        judges_kept,
    ),
    Write(
        "certificate",
        lambda w: f"/api/v1/screenings/kept/{w.screening}/certificate",
        lambda w: {},
        certifies,
    ),
    Write(
        "self-correction",
        lambda w: "/api/v1/self-corrections",
        lambda w: {
            "record_number": w.record.number,
            "kind": "recovered",
            "description": "已主动追回全部款项并向社会说明情况。",
            "corrected_on": str(TODAY),
        },
        corrects,
        multipart=True,
    ),
    Write(
        "return",
        lambda w: f"/api/v1/records/{w.record.pk}/return",
        lambda w: {"reason": "请补充处罚决定书", "version": w.record.version},
        transition_by("reviewer", "credit_office"),
    ),
    Write(
        "review-bulk",
        lambda w: "/api/v1/records/review",
        lambda w: {"ids": [w.record.pk], "action": "accept"},
        reviews_bulk,
    ),
    Write(
        "screening-kept",
        lambda w: "/api/v1/screenings/kept",
        lambda w: {"title": "年度评优", "candidates": [{"name": "李娜", "identifier": ""}]},
        screens(201),
    ),
    Write(
        "screening-once",
        lambda w: "/api/v1/screenings",
        lambda w: {"candidates": [{"name": "李娜", "identifier": ""}]},
        screens(200),
    ),
    Write(
        "judgement",
        lambda w: "/api/v1/screenings/judgements",
        lambda w: {"candidate_key": "k" * 64, "record_number": w.record.number, "confirmed": False},
        judges,
    ),
    Write(
        "screening-upload",
        lambda w: "/api/v1/screenings/upload",
        lambda w: {"file": _not_a_workbook()},
        screens(400),
        multipart=True,
    ),
    Write(
        "measure-rule-revision",
        lambda w: "/api/v1/measure-rules/CS-AWARDS/revisions",
        lambda w: {"changes": {}, "valid_from": _tomorrow(), "note": "", "legal_source": ""},
        provincial_rules,
    ),
]


def _edit_form(world: World) -> dict[str, Any]:
    """A valid edit of the record (so the service, not the form, gives the answer)."""
    return {**record_payload(), "version": world.record.version}


PAGE_WRITES: list[tuple[str, Callable[[World], str], Callable[[World], dict[str, Any]], Expect]] = [
    (
        "evaluator register",
        lambda w: "/backoffice/evaluations/evaluators",
        lambda w: {"name": "某评估公司", "uscc": "123"},
        lambda r, p: 302 if r == "credit_office" else 403,
    ),
    (
        "evaluation register",
        lambda w: "/backoffice/evaluations/commissions",
        lambda w: {"evaluator_id": str(w.evaluator), "year": "2025", "scope": ""},
        lambda r, p: 302 if evaluation_writes(r, p) == 400 else evaluation_writes(r, p),
    ),
    (
        "evaluation upload",
        lambda w: f"/backoffice/evaluations/{w.evaluation}/upload",
        lambda w: {"file": SimpleUploadedFile("得分.xlsx", b"not a workbook")},
        lambda r, p: 302 if evaluation_writes(r, p) == 400 else evaluation_writes(r, p),
    ),
    (
        "suggestion list import",
        lambda w: "/backoffice/suggestions/import",
        lambda w: {"kind": "deputy", "session": "第一次会议", "file": _not_a_workbook()},
        lambda r, p: 302 if r == "credit_office" else 403,
    ),
    (
        "inspection plan",
        lambda w: "/backoffice/inspections/plan",
        lambda w: {"title": "", "target_codes": "620102"},
        lambda r, p: 302 if plans_inspection(r, p) == 400 else 403,
    ),
    (
        "finding record",
        lambda w: f"/backoffice/inspections/{w.inspection}/findings",
        lambda w: {"target_code": "620102", "facts": "", "severity": "x"},
        lambda r, p: 302 if inspects(r, p) == 400 else inspects(r, p),
    ),
    (
        "finding answer",
        lambda w: f"/backoffice/inspections/findings/{w.finding}/answer",
        lambda w: {"version": "1", "answer": ""},
        lambda r, p: 302 if answers_suggestion(r, p) == 400 else answers_suggestion(r, p),
    ),
    (
        "inspection conclude",
        lambda w: f"/backoffice/inspections/{w.inspection}/conclude",
        lambda w: {"version": "1"},
        concludes,
    ),
    (
        "training course",
        lambda w: "/backoffice/training/courses/new",
        lambda w: {"code": "K-9", "title": ""},
        lambda r, p: 302 if registers_training(r, p) == 400 else 403,  # refused in words
    ),
    (
        "training session",
        lambda w: "/backoffice/training/sessions/new",
        lambda w: {"course_id": "0", "code": "X-9", "mode": "online", "hours": "0"},
        lambda r, p: 302 if registers_training(r, p) == 400 else 403,
    ),
    (
        "training list upload",
        lambda w: "/backoffice/training/import",
        lambda w: {"file": _not_a_workbook()},
        lambda r, p: 302 if registers_training(r, p) == 400 else 403,
    ),
    (
        "assessment run",
        lambda w: "/backoffice/assessment/run",
        lambda w: {"year": "2026"},
        provincial_only,
    ),
    (
        "assessment decide",
        lambda w: "/backoffice/assessment/runs/0/decide",
        lambda w: {},
        provincial_only,
    ),
    (
        "assessment publish",
        lambda w: "/backoffice/assessment/runs/0/publish",
        lambda w: {},
        provincial_only,
    ),
    (
        "assessment objection decide",
        lambda w: "/backoffice/assessment/objections/0/decide",
        lambda w: {},
        provincial_only,
    ),
    (
        "assessment objection",  # nothing published for 2026: no result to object to
        lambda w: "/backoffice/assessment/2026/g:620102/object",
        lambda w: {"reason": "得分有误"},
        lambda r, p: 404 if r in ("clerk", "reviewer", "credit_office") else 403,
    ),
    (
        "suggestion register",
        lambda w: "/backoffice/suggestions/register",
        lambda w: {"kind": "deputy", "title": "", "government_code": "620102"},
        lambda r, p: 302 if registers_suggestion(r, p) == 400 else 403,
    ),
    (
        "suggestion reply",
        lambda w: f"/backoffice/suggestions/{w.suggestion}/reply",
        lambda w: {"version": "1", "result": "E", "reply": "已办理"},
        lambda r, p: 302 if answers_suggestion(r, p) == 400 else answers_suggestion(r, p),
    ),
    (
        "plan report",
        lambda w: f"/backoffice/plan-tasks/{w.plan_task}/units/{w.plan_unit}/report",
        lambda w: {"year": "2025", "text": "进展", "percent": "101"},
        # refused in words on the task page (302) where plan_reports answers 400
        lambda r, p: 302 if plan_reports(r, p) == 400 else plan_reports(r, p),
    ),
    (
        "plan report verify",
        lambda w: f"/backoffice/plan-tasks/{w.plan_task}/reports/{w.plan_report}/decide",
        lambda w: {"version": "999", "decision": "verify"},
        provincial_only,
    ),
    (
        "plan task assign",
        lambda w: f"/backoffice/plan-tasks/{w.plan_task}/assign",
        lambda w: {"group": "1", "department": "1"},
        provincial_only,
    ),
    ("record edit", lambda w: f"/records/{w.record.pk}/edit/", _edit_form, edits),
    (
        "record new",
        lambda w: "/records/new/",
        lambda w: {},
        lambda r, p: 200 if r == "clerk" else 403,
    ),
    (
        "rule revision",
        lambda w: "/backoffice/measures/rules/CS-AWARDS/revise/",
        lambda w: {"valid_from": _tomorrow()},
        provincial_rules,
    ),
    (
        "record accept page",
        lambda w: f"/records/{w.record.pk}/accept/",
        lambda w: {"version": w.record.version},
        redirected(transition_by("reviewer", "credit_office")),
    ),
    (
        "import upload page",
        lambda w: "/records/imports/",
        lambda w: {"file": _not_a_workbook(), "mode": "all_or_nothing"},
        lambda r, p: 400 if r == "clerk" else 403,  # the refusal shown on the page
    ),
    (
        "publish page",
        lambda w: "/backoffice/publish/",
        lambda w: {"ids": [w.record.pk]},
        lambda r, p: 302 if r == "credit_office" else 403,  # published already: refused in words
    ),
    (
        "publish page, a record out of reach",
        lambda w: "/backoffice/publish/",
        lambda w: {"ids": [w.far.pk]},
        only("credit_office", allowed=302),  # refused in words by the one policy: see below
    ),
    (
        "record identifier page",
        lambda w: f"/records/{w.record.pk}/identifier/",
        lambda w: {},
        in_words(BUSINESS, reveal),
    ),
    (
        "review bulk page",
        lambda w: "/records/review/bulk/",
        lambda w: {"ids": [w.record.pk], "action": "accept"},
        in_words(("reviewer", "credit_office"), reviews_bulk),
    ),
    (
        "reminders marked read",
        lambda w: "/records/reminders/",
        lambda w: {},
        only("clerk", allowed=302),
    ),
    (
        "case act page",
        lambda w: f"/backoffice/cases/{w.case_number}/act/",
        lambda w: {"action": "accept", "version": 999},
        in_words(HANDLERS, case_step),
    ),
    (
        "case draft page",
        lambda w: f"/backoffice/cases/{w.report}/draft/",
        lambda w: {},
        in_words(("credit_office",), drafts_record),
    ),
    (
        "measure report page",
        lambda w: f"/backoffice/measures/{w.record.number}/{w.measure.pk}/report/",
        lambda w: {"report": "太短", "version": w.measure.version},
        in_words(("clerk", "reviewer"), unit_answers),
    ),
    (
        "measure verify page",
        lambda w: f"/backoffice/measures/{w.record.number}/{w.measure.pk}/verify/",
        lambda w: {"accept": "1", "reason": "", "version": w.measure.version},
        in_words(("credit_office",), office_verifies),
    ),
    (
        "self-correction page",
        lambda w: f"/backoffice/measures/{w.record.number}/self-correction/",
        lambda w: {
            "kind": "recovered",
            "description": "已主动追回全部款项并向社会说明情况。",
            "corrected_on": str(TODAY),
        },
        in_words(HANDLERS, corrects),
    ),
    (
        "screening upload page",
        lambda w: "/backoffice/screenings/",
        lambda w: {"title": "年度评优", "file": _not_a_workbook()},
        only(*HANDLERS),  # the list page again, with the refusal in words
    ),
    (
        "screening judge page",
        lambda w: f"/backoffice/screenings/{w.screening}/judge/",
        lambda w: {"row": 1, "record": w.record.number, "decision": "confirm", "version": 999},
        in_words(("reviewer", "credit_office"), judges_kept),
    ),
    (
        "screening certificate page",
        lambda w: f"/backoffice/screenings/{w.screening}/certificate/",
        lambda w: {},
        in_words(HANDLERS, certifies),
    ),
    (
        "credit report page",
        lambda w: f"/backoffice/documents/reports/government/{w.chengguan}/",
        lambda w: {"public": "1"},
        in_words(BUSINESS, issues_report),
    ),
    (
        "notice publish page",
        lambda w: f"/backoffice/documents/notices/{w.notice}/publish/",
        lambda w: {},
        in_words(("credit_office",), government_level),
    ),
    (
        "notice edit",
        lambda w: f"/backoffice/documents/notices/{w.notice}/edit/",
        lambda w: {"title": "", "version": "1"},
        in_words(("credit_office",), government_level),
    ),
    (
        "redaction rules page",
        lambda w: "/backoffice/redaction/",
        lambda w: {"action": "preview", "sample": "王伟"},
        provincial_rules,
    ),
    (
        "holiday file import",
        lambda w: "/accounts/system/imports/",
        lambda w: {"kind": "holidays", "step": "apply", "content": ""},
        sysadmin_only,
    ),
    (
        "division file import",
        lambda w: "/accounts/system/imports/",
        lambda w: {"kind": "divisions", "step": "apply", "content": ""},
        sysadmin_only,
    ),
]


PAGES: list[tuple[str, Callable[[World], str], Expect]] = [
    ("inspections", lambda w: "/backoffice/inspections/", only(*BUSINESS)),
    ("inspection", lambda w: f"/backoffice/inspections/{w.inspection}/", inspection_reads),
    ("finding", lambda w: f"/backoffice/inspections/findings/{w.finding}/", inspection_reads),
    (
        "finding attachment",
        lambda w: f"/backoffice/inspections/attachments/{w.finding_attachment}",
        inspection_reads,
    ),
    (
        "inspection report",
        lambda w: f"/backoffice/inspections/{w.inspection}/report.pdf",
        inspection_report,
    ),
    ("training", lambda w: "/backoffice/training/", figures),
    ("training session", lambda w: f"/backoffice/training/sessions/{w.training}/", reads),
    ("training import", lambda w: f"/backoffice/training/imports/{w.training_import}/", reads),
    (
        "training import report",
        lambda w: f"/backoffice/training/imports/{w.training_import}/report",
        training_report,
    ),
    ("training template", lambda w: "/backoffice/training/import/template", only(*HANDLERS)),
    ("training coverage", lambda w: "/backoffice/training/coverage", figures),
    ("training handbook", lambda w: "/backoffice/training/handbook", figures),
    ("suggestions", lambda w: "/backoffice/suggestions/", figures),
    (
        "suggestion list template",
        lambda w: "/backoffice/suggestions/import/template.xlsx",
        lambda r, p: 200 if r == "credit_office" else 403,
    ),
    (
        "suggestion list refusal",  # no refused list in this session: nothing to download
        lambda w: "/backoffice/suggestions/import/refusal.xlsx",
        lambda r, p: 404 if r == "credit_office" else 403,
    ),
    ("evaluations", lambda w: "/backoffice/evaluations/", figures),
    ("evaluation", lambda w: f"/backoffice/evaluations/{w.evaluation}/", evaluation_reads),
    (
        "evaluation template",
        lambda w: f"/backoffice/evaluations/{w.evaluation}/template.xlsx",
        evaluation_reads,
    ),
    (
        "evaluation sheet",
        lambda w: f"/backoffice/evaluations/{w.evaluation}/sheets/{w.evaluation_sheet}",
        evaluation_reads,
    ),
    (
        "evaluation refusal",  # no refused upload in this session: nothing to download
        lambda w: f"/backoffice/evaluations/{w.evaluation}/refusal.xlsx",
        lambda r, p: 404 if r == "credit_office" else 403,
    ),
    ("assessment results", lambda w: "/backoffice/assessment/?year=2026", figures),
    ("assessment objections", lambda w: "/backoffice/assessment/objections/", figures),
    ("inspection findings to answer", lambda w: "/backoffice/inspections/findings/", figures),
    (
        "assessment explain",
        lambda w: "/backoffice/assessment/2026/g:620102/",
        lambda r, p: 403 if r in ADMINS else 404,
    ),
    ("suggestion", lambda w: f"/backoffice/suggestions/{w.suggestion}/", government_level),
    ("plan tasks", lambda w: "/backoffice/plan-tasks/", figures),
    ("plan task", lambda w: f"/backoffice/plan-tasks/{w.plan_task}/", figures),
    (
        "plan attachment",
        lambda w: f"/backoffice/plan-tasks/attachments/{w.plan_attachment}",
        plan_attachment,
    ),
    ("record page", lambda w: f"/records/{w.record.pk}/", reads),
    ("measures page", lambda w: f"/backoffice/measures/{w.record.number}/", reads),
    ("document page", lambda w: f"/backoffice/documents/{w.document}.pdf", government_level),
    ("screening page", lambda w: f"/backoffice/screenings/{w.screening}/", screening_reads),
    ("case page", lambda w: f"/backoffice/cases/{w.case_number}/", cases),
    (
        "evidence page",
        lambda w: f"/backoffice/cases/{w.case_number}/evidence/{w.evidence_id}/",
        cases,
    ),
    ("import page", lambda w: f"/records/imports/{w.batch}/", imports),
    ("ledger page", lambda w: "/backoffice/measures/rectification/", figures),
    ("measures list", lambda w: "/backoffice/measures/all/", figures),
    ("reference imports page", lambda w: "/accounts/system/imports/", sysadmin_only),
    (
        "import report page",
        lambda w: f"/records/imports/{w.batch}/report.xlsx",
        import_report,
    ),
    (
        "screening excel",
        lambda w: f"/backoffice/screenings/{w.screening}/results.xlsx",
        screening_reads,
    ),
    ("dashboard", lambda w: "/records/dashboard/", only("reviewer", "credit_office", "inspector")),
    ("reminders", lambda w: "/records/reminders/", only("clerk")),
    ("credit reports page", lambda w: "/backoffice/documents/reports/", figures),
    ("notices page", lambda w: "/backoffice/documents/notices/", figures),
    (
        "notice draft page",
        lambda w: f"/backoffice/documents/notices/{w.notice}/",
        lambda r, p: government_level(r, p) if r == "credit_office" else 403,
    ),
    (
        "notice sample pdf",
        lambda w: f"/backoffice/documents/notices/{w.notice}/preview.pdf",
        lambda r, p: government_level(r, p) if r == "credit_office" else 403,
    ),
    ("redaction rules page", lambda w: "/backoffice/redaction/", provincial_rules),
    ("publication rules page", lambda w: "/backoffice/publication-rules/", provincial_rules),
    # Lists: scoped by the same selectors as the API's lists (checked object by object there).
    ("record list", lambda w: "/records/", figures),
    ("review queue", lambda w: "/records/review/", only("reviewer", "credit_office")),
    ("import list", lambda w: "/records/imports/", figures),
    ("import template", lambda w: "/records/imports/template.xlsx", only("clerk")),
    ("case queue", lambda w: "/backoffice/cases/", only(*HANDLERS)),
    ("screening list", lambda w: "/backoffice/screenings/", only(*HANDLERS)),
    ("measure rules", lambda w: "/backoffice/measures/rules/", figures),
    ("publish queue", lambda w: "/backoffice/publish/", only("credit_office")),
    # The administrators' own pages: one role each, wherever it sits.
    ("accounts", lambda w: "/accounts/users/", only("secadmin")),
    ("new account", lambda w: "/accounts/users/new/", only("secadmin")),
    ("audit log", lambda w: "/accounts/audit/", only("auditor")),
    ("audit export", lambda w: "/accounts/audit/export.csv", only("auditor")),
    ("system settings", lambda w: "/accounts/system/", sysadmin_only),
    ("calendar", lambda w: "/accounts/calendar/", sysadmin_only),
]


@pytest.fixture
def tokens(world: World) -> Iterator[dict[tuple[str, str], str]]:
    yield {key: token_create(user=user) for key, user in world.users.items()}


def test_every_api_operation_answers_each_role_at_each_position(
    world: World, tokens: dict[tuple[str, str], str]
) -> None:
    """WHEN each account calls each operation THEN the answer is the table's; writes that are
    refused change nothing."""
    client = Client()
    wrong = []
    for method, name, path, body, expect in API:
        for (role, position), token in tokens.items():
            call = getattr(client, method)
            kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
            if body is not None:
                kwargs.update(data=body(world), content_type="application/json")
            got = call(path(world), **kwargs).status_code
            if got != expect(role, position):
                wrong.append((name, role, position, got, expect(role, position)))
    assert wrong == [], "\n".join(map(str, wrong))
    measure = Measure.objects.get(pk=world.measure.pk)
    assert (measure.status, measure.version, measure.report) == ("active", 1, "")


def test_every_page_family_answers_each_role_at_each_position(world: World) -> None:
    wrong = []
    for (role, position), user in world.users.items():
        client = Client()
        client.force_login(user)
        for name, path, expect in PAGES:
            got = client.get(path(world)).status_code
            if got != expect(role, position):
                wrong.append((name, role, position, got, expect(role, position)))
    assert wrong == [], "\n".join(map(str, wrong))


def test_every_write_operation_answers_each_role_at_each_position(
    world: World, tokens: dict[tuple[str, str], str]
) -> None:
    """WHEN each account calls each business write THEN the answer is the table's; a created
    record belongs to its creator's unit, and nothing refused changed anything."""
    client = Client()
    wrong = []
    before = _state(world)
    for write in WRITES:
        for (role, position), token in tokens.items():
            got = write.send(client, world, HTTP_AUTHORIZATION=f"Bearer {token}")
            if got != write.expect(role, position):
                wrong.append((write.name, role, position, got, write.expect(role, position)))
    assert wrong == [], "\n".join(map(str, wrong))
    created = Record.objects.exclude(pk__in=[world.record.pk, world.far.pk]).exclude(
        number=world.draft
    )
    assert sorted(r.created_by.username for r in created) == sorted(
        f"clerk_{position}" for position in POSITIONS
    )
    assert all(r.division_code == r.created_by.scope_code for r in created)
    assert all(r.reporting_department_id == r.created_by.department_id for r in created)
    assert _state(world) == before
    bulk = [t for (role, _p), t in tokens.items() if reviews_bulk(role, _p) == 200]
    for token in bulk:  # each refused in words, none decided
        answer = client.post(
            "/api/v1/records/review",
            {"ids": [world.record.pk], "action": "accept"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        ).json()
        assert answer["done"] == [] and len(answer["refused"]) == 1
    issued = Document.objects.filter(kind=DocumentKind.SCREENING).values_list(
        "issued_by__username", flat=True
    )
    assert sorted(issued) == sorted(
        f"{role}_{position}"
        for role in ROLES
        for position in POSITIONS
        if certifies(role, position) == 201
    )


def test_every_list_shows_an_object_exactly_where_it_is_reached(
    world: World, tokens: dict[tuple[str, str], str]
) -> None:
    """The list operations: the record is listed where the table reads it, the objection where
    the table shows the case; elsewhere it is simply absent (200), the administrators 403."""
    client = Client()
    wrong = []
    lists = (
        ("records", "/api/v1/records", world.record.number, reads),
        ("cases", "/api/v1/cases", world.case_number, cases),
    )
    for name, path, number, expect in lists:
        for (role, position), token in tokens.items():
            answer = client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
            if role in ADMINS or (name == "cases" and role == "inspector"):
                got: Any = answer.status_code
                wanted: Any = 403
            else:
                listed = {item["number"] for item in answer.json()["items"]}
                got, wanted = number in listed, expect(role, position) == 200
            if got != wanted:
                wrong.append((name, role, position, got, wanted))
    assert wrong == [], "\n".join(map(str, wrong))


def _state(world: World) -> tuple[Any, ...]:
    """What a refused write must leave alone."""
    record = Record.objects.get(pk=world.record.pk)
    return (
        record.version,
        record.status,
        list(MeasureRule.objects.values_list("code", "version")),
        ImportBatch.objects.count(),
        record.self_corrections.count(),
        Screening.objects.filter(number=world.screening).values_list("version", "results").get(),
    )


def test_the_publish_page_refuses_a_record_out_of_reach_by_the_policy(world: World) -> None:
    """Beside the table: 兰州市's credit office posts 天水市's accepted record to the publish
    page and is refused in words (the bulk service looks the record up in its reach), nothing
    published; 天水市's own credit office publishes it from the same page."""
    client = Client()
    client.force_login(world.users["credit_office", "parent"])
    answer = client.post("/backoffice/publish/", {"ids": [world.far.pk]}, follow=True)
    assert f"记录 {world.far.pk} 未公示" in answer.content.decode()
    assert not Publication.objects.filter(record=world.far).exists()
    client.force_login(User.objects.get(username="office_far"))
    answer = client.post("/backoffice/publish/", {"ids": [world.far.pk]}, follow=True)
    assert "已公示1条" in answer.content.decode(), answer.content.decode()[-3000:]
    assert Publication.objects.filter(record=world.far).exists()


def _page_state(world: World) -> tuple[Any, ...]:
    """What the refused form posts must leave alone, besides `_state`."""
    measure = Measure.objects.get(pk=world.measure.pk)
    case = Case.objects.get(number=world.case_number)
    return (
        _state(world),
        Record.objects.count(),
        (measure.status, measure.version, measure.report),
        (case.status, case.version),
        Publication.objects.count(),
        RedactionChange.objects.count(),
    )


def test_the_provincial_credit_office_alone_revises_measure_rules(world: World) -> None:
    """Beside the table: the province's credit office reaches the revision (400: no reason
    given, nothing changed); the prefecture's and the county's are refused (403)."""
    office = User.objects.get(username="office_province")
    client = Client()
    write = next(w for w in WRITES if w.name == "measure-rule-revision")
    token = token_create(user=office)
    assert write.send(client, world, HTTP_AUTHORIZATION=f"Bearer {token}") == 400
    client.force_login(office)
    form = client.post("/backoffice/measures/rules/CS-AWARDS/revise/", {"valid_from": _tomorrow()})
    assert form.status_code == 302  # back to the rules with the refusal in words
    assert MeasureRule.objects.filter(code="CS-AWARDS").count() == 1


def test_every_page_write_answers_each_role_at_each_position(world: World) -> None:
    """The same writes through the back-office forms: refused roles 403, out of reach 404."""
    wrong = []
    version = world.record.version
    before = _page_state(world)
    for (role, position), user in world.users.items():
        client = Client()
        client.force_login(user)
        for name, path, body, expect in PAGE_WRITES:
            answer = client.post(path(world), body(world))
            got = answer.status_code
            if got != expect(role, position):
                wrong.append((name, role, position, got, expect(role, position)))
            elif name == "record edit" and got == 200:
                assert "不能修改" in answer.content.decode()
    assert wrong == [], "\n".join(map(str, wrong))
    after = _page_state(world)
    assert Record.objects.get(pk=world.record.pk).version == version
    assert MeasureRule.objects.filter(code="CS-AWARDS").count() == 1
    imported = ["calendar.import", "directory.import_divisions"]
    assert not AuditEvent.objects.filter(action__in=imported).exists()
    assert after == before
    # No credit office of the table reaches 天水市's record: each was refused it in words.
    assert not Publication.objects.filter(record=world.far).exists()
    assert Case.objects.get(number=world.report).draft_record == Record.objects.get(
        number=world.draft
    )
    issued = Document.objects.filter(kind=DocumentKind.SCREENING).values_list(
        "issued_by__username", flat=True
    )
    assert sorted(issued) == sorted(
        f"{role}_{position}"
        for role in ROLES
        for position in POSITIONS
        if certifies(role, position) == 201
    )


def test_lanzhou_new_area_answers_to_the_province(
    make_user: Callable[..., User],
) -> None:
    """GIVEN a record reported by 兰州新区 WHEN 兰州市's reviewer and the province's reviewer
    look for it THEN 兰州市's does not reach it and the province's does."""
    clerk = make_user("clerk_xq", "clerk", "620171")
    reviewer_lz = make_user("reviewer_lz_xq", "reviewer", "6201")
    reviewer_gs = make_user("reviewer_gs_xq", "reviewer", "62")
    data = RecordIn.model_validate(
        record_payload(
            subject_kind="government",
            subject_name="兰州新区管委会",
            subject_identifier=new_uscc("620171"),
        )
    )
    record = record_submit(record=record_create(data=data, actor=clerk), actor=clerk)
    for user, expected in ((reviewer_lz, 404), (reviewer_gs, 200)):
        client = Client()
        client.force_login(user)
        assert client.get(f"/records/{record.pk}/").status_code == expected


def test_sensitive_reads_leave_audit_events(world: World) -> None:
    """WHEN the credit office reads the filer's contact, an evidence file, a credit report and a
    screening's results THEN each read is an audit event naming the reader."""
    office = world.users["credit_office", "parent"]
    reviewer = world.users["reviewer", "own_unit"]
    client = Client()
    client.force_login(office)
    assert client.get(f"/backoffice/cases/{world.case_number}/").status_code == 200
    evidence = f"/backoffice/cases/{world.case_number}/evidence/{world.evidence_id}/"
    assert client.get(evidence).status_code == 200
    assert client.get(f"/backoffice/documents/{world.document}.pdf").status_code == 200
    client.force_login(reviewer)
    assert client.get(f"/backoffice/screenings/{world.screening}/").status_code == 200
    events = set(AuditEvent.objects.filter(action__in=READ_ACTIONS).values_list("actor", "action"))
    assert events == {
        (office.username, "case.contact_read"),
        (office.username, "case.evidence_read"),
        (office.username, "document.download"),
        (reviewer.username, "screening.read"),
    }


READ_ACTIONS = ["case.contact_read", "case.evidence_read", "document.download", "screening.read"]


def test_the_portal_groups_lanzhou_new_area_apart_from_lanzhou(
    make_user: Callable[..., User],
) -> None:
    """Red-team finding: a 兰州新区 record showed on the portal as 兰州市's and was listed under
    ?prefecture=6201. GIVEN a published 兰州新区 record THEN the portal names 兰州新区 and
    lists it under its own code only."""
    clerk = make_user("clerk_xq_portal", "clerk", "620171")
    reviewer = make_user("reviewer_gs_portal", "reviewer", "62")
    office = make_user("office_gs_portal", "credit_office", "62")
    day = str(TODAY - datetime.timedelta(days=30))
    data = RecordIn.model_validate(
        record_payload(
            subject_kind="government",
            subject_name="兰州新区管理委员会",
            subject_identifier=new_uscc("620171"),
            decision_date=day,
            arose_on=day,
        )
    )
    record = record_submit(record=record_create(data=data, actor=clerk), actor=clerk)
    record = record_accept(record=record, actor=reviewer)
    publication_publish(record=record, actor=office)
    client = Client()
    shown = client.get(f"/api/v1/public/records/{record.number}").json()
    assert shown["view"]["prefecture"] == "兰州新区"
    listed = client.get("/api/v1/public/records", {"prefecture": "6201"}).json()
    assert record.number not in {item["number"] for item in listed["items"]}
    own = client.get("/api/v1/public/records", {"prefecture": "620171"}).json()
    assert record.number in {item["number"] for item in own["items"]}


def test_an_internal_report_is_read_only_by_those_who_reach_its_issuer(world: World) -> None:
    """Red-team finding: a report issued by 兰州市 listed 兰州市's records and 城关区's staff
    could download it. GIVEN 兰州市's credit office issues the internal report of 城关区
    THEN 城关区's reviewer gets 404 and 兰州市's reviewer the PDF."""
    issuer = world.users["credit_office", "parent"]
    chengguan = government("620102")
    document = report_issue(kind="government", pk=chengguan.pk, public=False, actor=issuer)
    for reader, expected in (
        (world.users["reviewer", "own_unit"], 404),
        (world.users["reviewer", "parent"], 200),
    ):
        client = Client()
        client.force_login(reader)
        assert client.get(f"/backoffice/documents/{document.code}.pdf").status_code == expected


def test_a_one_off_screening_is_audited(world: World) -> None:
    """Red-team finding: the one-off screening endpoints named records and measures anywhere
    in the province and left no trace. WHEN a clerk screens a list over the API THEN an audit
    event counts the candidates, without their names."""
    client = Client()
    token = token_create(user=world.users["clerk", "sibling"])
    answer = client.post(
        "/api/v1/screenings",
        {"candidates": [{"name": "王伟", "identifier": ""}]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert answer.status_code == 200
    event = AuditEvent.objects.get(action="screening.once")
    assert event.actor == "clerk_sibling" and (event.after or {})["candidates"] == 1
    assert "王伟" not in str(event.after)


@pytest.mark.parametrize("role", sorted(ADMINS))
def test_the_administrators_are_refused_every_business_api_operation(
    make_user: Callable[..., User], role: str
) -> None:
    """Every staff operation of the OpenAPI document, as each of the three administrators:
    403 before any body is read (so a malformed body is no 422 either), except asking who
    they are."""
    token = token_create(user=make_user(f"{role}_api", role, "62"))
    client = Client()
    answers = {}
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            if not operation.get("security"):
                continue  # public: the portal, the tools
            url = re.sub(r"\{batch_id\}", "00000000-0000-0000-0000-000000000000", path)
            url = re.sub(r"\{[a-z_]+\}", "1", url)
            call = getattr(client, method)
            answers[f"{method.upper()} {path}"] = call(
                url, HTTP_AUTHORIZATION=f"Bearer {token}", content_type="application/json"
            ).status_code
    assert answers.pop("GET /api/v1/me") == 200
    assert len(answers) > 25
    assert {key: code for key, code in answers.items() if code != 403} == {}


# ---- the table is complete ---------------------------------------------------------------

# Staff operations and pages with no row, each with the reason it needs no unit's scope.
NO_SCOPE_API = {
    "GET /api/v1/me": "the caller's own account",
    # Lists: the object is looked for in each role's list at each position (a test of its own).
    "GET /api/v1/records": "test_every_list_shows_an_object_exactly_where_it_is_reached",
    "GET /api/v1/cases": "test_every_list_shows_an_object_exactly_where_it_is_reached",
}
NO_SCOPE_PAGES = {
    "healthz": "the load balancer's probe, no data",
    "login": "signing in",
    "logout": "signing out",
    "mfa-verify": "the second factor at sign-in",
    "mfa-setup": "the caller's own second factor",
    "password-change": "the caller's own password",
    # Each block asks a selector that reads through policy.within (tests/records/test_home.py).
    "home": "the caller's own work: blocks chosen by capability, counts within the caller's reach",
    # One account's page and its actions: the security administrator's (the list and the new
    # account form are rows above); their reach is tested in tests/directory/test_accounts.py.
    "account": "tests/directory/test_accounts.py",
    "account-action": "tests/directory/test_accounts.py",
    "account-token-revoke": "tests/directory/test_accounts.py",
    "account-session-end": "tests/directory/test_accounts.py",
    # Public like the portal: names of governments and departments only, for the unit picker.
    "unit-lookup": "tests/directory/test_units.py",
}
# The public side and the API (whose operations are enumerated from the OpenAPI document).
PUBLIC_NAMESPACES = ("api", "portal", "remedies", "documents", "assessment-public")


def _staff_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name and namespace not in PUBLIC_NAMESPACES:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def _operation(method: str, url: str, operations: list[tuple[str, str]]) -> str:
    """The OpenAPI operation a concrete call is, the most literal template winning (so that
    /records/review is not taken for /records/{record_id})."""
    path = urlsplit(url).path
    found = [
        (template.count("{"), f"{verb} {template}")
        for verb, template in operations
        if verb == method.upper()
        and re.fullmatch(re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(template)), path)
    ]
    assert found, f"{method} {url} is no operation of the OpenAPI document"
    return min(found)[1]


def test_the_table_covers_every_staff_operation_and_page(world: World) -> None:
    """Every staff operation of the OpenAPI document and every staff page (by URL name) has a
    row above, or is listed as needing no scope with the reason; a new one fails here until it
    is given its row."""
    operations = [
        (method.upper(), path)
        for path, methods in api.get_openapi_schema()["paths"].items()
        for method, operation in methods.items()
        if operation.get("security")  # public: the portal, the tools
    ]
    calls = [(method, path(world)) for method, _n, path, _b, _e in API]
    calls += [("post", write.path(world)) for write in WRITES]
    covered = {_operation(method, url, operations) for method, url in calls}
    everything = {f"{verb} {template}" for verb, template in operations}
    assert set(NO_SCOPE_API) <= everything  # no stale exclusion
    missing = everything - covered - set(NO_SCOPE_API)

    paths = [path(world) for _n, path, _e in PAGES]
    paths += [path(world) for _n, path, _b, _e in PAGE_WRITES]
    pages = {resolve(urlsplit(path).path).view_name for path in paths}
    names = _staff_url_names()
    assert set(NO_SCOPE_PAGES) <= names
    missing |= names - pages - set(NO_SCOPE_PAGES)
    assert missing == set(), f"no row in the access table for: {sorted(missing)}"
