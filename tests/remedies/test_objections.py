"""Objections: filing, two-stage handling, the public status line, and the corrected record in
the transparency log."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client

from govtrust.core.errors import Conflict, DomainError, Forbidden, NotFound
from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.disclosure.models import Publication, PublicationStatus
from govtrust.exchange.models import ExchangeNotice
from govtrust.ledger import merkle
from govtrust.ledger.models import EventKind, Leaf
from govtrust.remedies.models import Case, Evidence
from govtrust.remedies.services.common import code_matches
from govtrust.remedies.services.filing import Filed
from govtrust.remedies.services.handling import case_act

pytestmark = pytest.mark.django_db


def test_filing_gives_a_number_and_a_code_and_starts_the_two_day_clock(
    objection: Callable[..., Filed],
) -> None:
    filed = objection()
    case = Case.objects.get(pk=filed.case.pk)
    assert case.number.startswith("YY") and len(case.number) == 19
    assert code_matches(case, filed.query_code) and not code_matches(case, "WRONGCODE")
    assert filed.query_code not in case.code_digest  # only a keyed hash is stored
    assert case.status == "received" and case.due_date is not None
    assert case.due_date > datetime.date.today()
    assert case.contact_phone_masked == "138****5678"
    assert case.contact_phone_cipher is not None
    assert b"13812345678" not in bytes(case.contact_phone_cipher)
    assert Evidence.objects.filter(case=case, kind="pdf").count() == 1
    event = AuditEvent.objects.get(action="case.objection.file", object_id=case.number)
    assert "13812345678" not in str(event.after) and "王伟" not in str(event.after)


def test_upheld_objection_corrects_the_record_field_by_field_and_logs_it(
    objection: Callable[..., Filed], office: User, clerk: User, client: Client
) -> None:
    """GIVEN an objection to the facts of a published record
    WHEN the credit office accepts it and the reporting unit upholds it with the right facts
    THEN the portal showed 异议处理中 while it was open; the record, the public view and the log
    change (a correction leaf with a valid inclusion proof); the exchange is told."""
    filed = objection()
    number = filed.case.number
    case = case_act(number=number, action="accept", actor=office, version=1)
    publication = Publication.objects.get(record=case.record)
    assert case.status == "verifying" and publication.status_line == "异议处理中"
    before_leaves = Leaf.objects.count()

    case = case_act(
        number=number,
        action="uphold",
        actor=clerk,
        version=case.version,
        reason="经核实，款项已付清，更正失信事实",
        changes={"facts": "逾期支付中小企业货款，已于决定前付清。"},
    )
    publication.refresh_from_db()
    assert case.status == "upheld" and case.closed_at is not None
    assert case.corrections == [
        {
            "field": "facts",
            "label": "失信事实",
            "old": "未按合同约定期限支付中小企业货款。",
            "new": "逾期支付中小企业货款，已于决定前付清。",
        }
    ]
    assert publication.view["facts"] == "逾期支付中小企业货款，已于决定前付清。"
    assert publication.status_line == ""
    assert publication.leaf_index is not None
    leaf = Leaf.objects.get(index=publication.leaf_index)
    assert leaf.kind == EventKind.CORRECT and Leaf.objects.count() == before_leaves + 1
    proof = client.get(f"/api/v1/public/records/{publication.number}/proof").json()
    assert proof["leaf_index"] == leaf.index and '"kind":"correct"' in proof["leaf_data"]
    assert merkle.verify_inclusion(
        merkle.leaf_hash(proof["leaf_data"].encode()),
        proof["leaf_index"],
        proof["tree_size"],
        [bytes.fromhex(h) for h in proof["audit_path"]],
        bytes.fromhex(proof["checkpoint"]["root"]),
    )
    assert ExchangeNotice.objects.filter(record=case.record, kind="corrected").count() == 1
    assert AuditEvent.objects.filter(action="record.correct", object_id=publication.number).exists()


def test_upheld_objection_can_withdraw_the_record(
    objection: Callable[..., Filed], office: User, clerk: User
) -> None:
    case = objection().case
    case = case_act(number=case.number, action="accept", actor=office, version=1)
    case_act(
        number=case.number,
        action="uphold",
        actor=clerk,
        version=case.version,
        reason="处罚决定已被撤销",
        withdraw=True,
    )
    publication = Publication.objects.get(record=case.record)
    assert publication.status == PublicationStatus.WITHDRAWN
    assert publication.withdraw_reason == "objection"


def test_each_stage_belongs_to_its_office(
    objection: Callable[..., Filed],
    office: User,
    clerk: User,
    make_user: Callable[..., User],
) -> None:
    case = objection().case
    with pytest.raises(Forbidden):  # the reporting unit sees it, but accepting is the office's
        case_act(number=case.number, action="accept", actor=clerk, version=1)
    stranger = make_user("office_tianshui", "credit_office", "6205")
    with pytest.raises(NotFound):  # another prefecture's office: not in its scope
        case_act(number=case.number, action="accept", actor=stranger, version=1)
    case = case_act(number=case.number, action="accept", actor=office, version=1)
    with pytest.raises(Forbidden):  # verifying is the reporting unit's step
        case_act(number=case.number, action="dismiss", actor=office, version=2, reason="无依据")
    with pytest.raises(Conflict):  # a stale page
        case_act(number=case.number, action="dismiss", actor=clerk, version=1, reason="无依据")
    with pytest.raises(DomainError):  # a dismissal needs its reasons
        case_act(number=case.number, action="dismiss", actor=clerk, version=2, reason="")
    with pytest.raises(DomainError):  # upheld without saying what changes
        case_act(number=case.number, action="uphold", actor=clerk, version=2, reason="成立")
    case = case_act(
        number=case.number, action="dismiss", actor=clerk, version=2, reason="与决定书一致"
    )
    assert case.status == "dismissed"
    with pytest.raises(Conflict):  # closed
        case_act(number=case.number, action="accept", actor=office, version=3)


def test_a_step_after_its_deadline_is_flagged_late(
    objection: Callable[..., Filed], office: User
) -> None:
    case = objection().case
    Case.objects.filter(pk=case.pk).update(due_date=datetime.date.today() - datetime.timedelta(1))
    case = case_act(number=case.number, action="accept", actor=office, version=1)
    step = case.events.get(action="accept")
    assert step.on_time is False and case.late is True
    assert case.due_date is not None and case.due_date > datetime.date.today()  # next clock


def test_an_objection_needs_a_published_record_fields_and_reasons(
    objection: Callable[..., Filed], published: Callable[..., Publication]
) -> None:
    with pytest.raises(NotFound):
        objection(record_number="620102-2099-99999")
    with pytest.raises(DomainError):
        objection(fields=["status"])
    with pytest.raises(DomainError):
        objection(content="不对")
    with pytest.raises(DomainError):
        objection(files=[("证明.pdf", __import__("io").BytesIO(b"MZ\x90\x00 not a pdf"))])
    assert Case.objects.count() == 0 and Evidence.objects.count() == 0
