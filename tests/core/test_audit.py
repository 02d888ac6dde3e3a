"""The hash-chained, append-only audit log."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from govtrust.cli import main
from govtrust.core.audit import audit_append, audit_verify
from govtrust.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _three_events() -> list[AuditEvent]:
    return [
        audit_append(actor="a", action="x.create", object_type="x", object_id=i, after={"n": i})
        for i in range(3)
    ]


def _drop_triggers() -> None:
    """What an attacker with direct database access would have to do first."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
            cursor.execute("DROP TRIGGER core_auditevent_no_delete")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_append_only ON core_auditevent")


def test_events_chain_and_verify() -> None:
    events = _three_events()
    assert events[1].prev_digest == events[0].digest
    assert events[2].prev_digest == events[1].digest
    report = audit_verify()
    assert report.ok and report.count == 3


def test_the_database_refuses_to_change_or_delete_an_event() -> None:
    event = _three_events()[1]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(actor="someone else")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).actor == "a"


def test_verify_finds_the_first_altered_event() -> None:
    events = _three_events()
    _drop_triggers()
    AuditEvent.objects.filter(pk=events[1].pk).update(after={"n": 99})
    report = audit_verify()
    assert not report.ok
    assert report.first_broken_seq == events[1].seq
    assert "改动" in report.reason


def test_verify_finds_a_deleted_event_in_the_middle_and_at_the_end() -> None:
    events = _three_events()
    _drop_triggers()
    AuditEvent.objects.filter(pk=events[2].pk).delete()
    tail = audit_verify()
    assert not tail.ok and tail.first_broken_seq == events[2].seq
    AuditEvent.objects.filter(pk=events[0].pk).delete()
    middle = audit_verify()
    assert not middle.ok and middle.first_broken_seq == 1


def test_cli_audit_verify_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    events = _three_events()
    assert main(["audit", "verify"]) == 0
    assert "审计链完整" in capsys.readouterr().out
    _drop_triggers()
    AuditEvent.objects.filter(pk=events[0].pk).update(actor="mallory")
    assert main(["audit", "verify"]) == 1
    assert "第 1 号事件" in capsys.readouterr().err


def test_personal_data_is_not_in_the_audit_payload_unmasked() -> None:
    event = audit_append(
        actor="a", action="x", object_type="x", object_id=1, after={"ric": "620102********123X"}
    )
    assert event.after == {"ric": "620102********123X"}
