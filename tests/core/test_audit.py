"""The hash-chained, append-only audit log."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from govtrust.cli import main
from govtrust.core import signing
from govtrust.core.audit import audit_append, audit_append_many, audit_seal, audit_verify
from govtrust.core.audit.chain import GENESIS, _body, _digest
from govtrust.core.audit.seal import AUDIT_KEY, signed_body
from govtrust.core.audit.tasks import audit_seal_scheduled
from govtrust.core.errors import DomainError
from govtrust.core.models import AuditEvent, AuditHead, AuditSeal
from govtrust.directory.models import User
from govtrust.ledger.models import EventKind, Leaf

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
            for table in ("core_auditevent", "core_auditseal"):
                cursor.execute(f"DROP TRIGGER {table}_no_update")
                cursor.execute(f"DROP TRIGGER {table}_no_delete")
            return
        for table in ("core_auditevent", "core_auditseal"):
            cursor.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        for table in ("core_auditevent", "core_audithead", "core_auditseal"):
            cursor.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")


def test_events_chain_and_verify() -> None:
    events = _three_events()
    assert events[1].prev_digest == events[0].digest
    assert events[2].prev_digest == events[1].digest
    report = audit_verify()
    assert report.ok and report.count == 3


def test_events_appended_in_one_step_hash_as_single_appends_do() -> None:
    """`audit_append_many` writes rows, not instances, and spells the canonical JSON out: every
    digest must still be the one `_digest(_body(...))` gives, as `audit verify` recomputes it."""
    audit_append(actor="a", action="x.create", object_type="x", object_id=0, after={"n": 0})
    entries = [
        {"action": "x.import", "object_type": "x", "object_id": i, "after": {"名": "王伟", "n": i}}
        for i in range(1, 4)
    ] + [{"action": "x.note", "object_type": "x", "object_id": "丙", "before": {"b": [1, None]}}]
    assert audit_append_many(actor="办事员", entries=entries) == 4
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    prev = GENESIS
    for event in events:
        assert event.prev_digest == prev
        assert event.digest == _digest(prev, _body(event))
        prev = event.digest
    assert events[1].after == {"名": "王伟", "n": 1} and events[1].before is None
    assert events[4].before == {"b": [1, None]} and events[4].after is None
    assert events[4].actor == "办事员" and events[4].object_id == "丙"
    assert AuditHead.objects.get(id=1).digest == prev
    assert audit_verify().ok


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


def _rewrite(seq: int, after: dict[str, int]) -> None:
    """A rewrite that covers its tracks: the event changed and every later hash recomputed, the
    head moved along (the triggers must be dropped first)."""
    prev = AuditEvent.objects.get(seq=seq).prev_digest
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        if event.seq == seq:
            event.after = after
        event.prev_digest, event.digest = prev, _digest(prev, _body(event))
        event.save()
        prev = event.digest
    AuditHead.objects.filter(id=1).update(digest=prev)


def _cut(keep: int) -> None:
    """Delete every event after `keep` (all of them for 0) and move the head back to match."""
    last = AuditEvent.objects.filter(seq=keep).first()
    AuditEvent.objects.filter(seq__gt=keep).delete()
    AuditHead.objects.filter(id=1).update(seq=keep, digest=last.digest if last else GENESIS)


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite has no TRUNCATE")
@pytest.mark.parametrize("table", ["core_auditevent", "core_audithead", "core_auditseal"])
def test_truncate_of_an_audit_table_is_refused(table: str) -> None:
    """Given a sealed chain, when its tables are truncated, then PostgreSQL refuses and nothing
    is lost (TRUNCATE fires no row trigger: it used to empty the chain)."""
    _three_events()
    audit_seal(reason="manual")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table} CASCADE")
    assert AuditEvent.objects.count() == 3 and AuditSeal.objects.count() == 1
    assert audit_verify().ok


def test_a_seal_signs_the_head_and_is_a_leaf_of_the_log() -> None:
    """Given three events, when the head is sealed, then the seal carries seq and digest of the
    last event under a signature of the audit key, and the log holds it as an audit-head leaf;
    sealing again without new events adds nothing."""
    events = _three_events()
    seal = audit_seal(reason="export")
    assert seal is not None
    assert (seal.seq, seal.digest) == (3, events[-1].digest)
    assert signing.verify(signed_body(seal), signing.public_key_pem(AUDIT_KEY))
    leaf = Leaf.objects.get(index=seal.leaf_index)
    assert leaf.kind == EventKind.AUDIT_HEAD
    assert json.loads(leaf.data) | {"at": None} == {
        "kind": "audit-head",
        "seq": 3,
        "digest": events[-1].digest,
        "at": None,
    }
    assert audit_seal(reason="schedule") == seal
    audit_append(actor="a", action="x.more", object_type="x", object_id=4)
    assert audit_seal(reason="schedule").seq == 4  # type: ignore[union-attr]
    assert audit_verify().ok


def test_an_empty_chain_has_nothing_to_seal_and_a_bad_reason_is_refused() -> None:
    assert audit_seal(reason="schedule") is None
    with pytest.raises(DomainError):
        audit_seal(reason="whim")


def test_the_scheduled_job_seals_the_head() -> None:
    _three_events()
    audit_seal_scheduled.enqueue()
    assert AuditSeal.objects.get().reason == "schedule"


def test_the_database_refuses_to_change_or_delete_a_seal() -> None:
    _three_events()
    seal = audit_seal(reason="manual")
    assert seal is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditSeal.objects.filter(pk=seal.pk).update(seq=2)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditSeal.objects.filter(pk=seal.pk).delete()


def _sealed_chain(*sizes: int, seal: bool = True) -> None:
    """Events appended up to each of `sizes`, the head sealed after each."""
    for size in sizes:
        for n in range(AuditEvent.objects.count() + 1, size + 1):
            audit_append(actor="a", action="x.do", object_type="x", object_id=n, after={"n": n})
        if seal:
            audit_seal(reason="schedule")


def test_verify_names_the_first_event_of_a_chain_rewritten_with_fresh_hashes() -> None:
    """Given seals after event 1 and after event 3, when event 2 is edited and every later hash
    recomputed, then verify fails naming event 2 (it used to report an intact chain)."""
    _sealed_chain(1, 3)
    _drop_triggers()
    _rewrite(2, {"n": 99})
    report = audit_verify()
    assert not report.ok
    assert report.first_broken_seq == 2
    assert "改写" in report.reason


def test_verify_reports_an_emptied_chain() -> None:
    """Given a sealed chain, when every event is deleted and the head reset, then verify fails
    naming event 1 (it used to report an intact chain of 0 events)."""
    _sealed_chain(3)
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
    AuditHead.objects.filter(id=1).update(seq=0, digest=GENESIS)
    report = audit_verify()
    assert not report.ok and report.count == 0
    assert report.first_broken_seq == 1


def test_verify_reports_a_tail_cut_below_the_last_seal() -> None:
    """Given a chain sealed at 5 events, when events 4 and 5 are deleted and the head moved back
    to event 3, then verify fails naming event 4."""
    _sealed_chain(2, 5)
    _drop_triggers()
    _cut(3)
    report = audit_verify()
    assert not report.ok and report.first_broken_seq == 4


def test_verify_still_finds_a_cut_when_the_seal_rows_are_deleted_too() -> None:
    """Given a sealed chain, when the seal rows are deleted with the events, then the seal's
    leaf in the transparency log still reports it."""
    _sealed_chain(3)
    _drop_triggers()
    AuditSeal.objects.all().delete()
    _cut(1)
    report = audit_verify()
    assert not report.ok and report.first_broken_seq == 3
    assert "删除" in report.reason


def test_verify_refuses_a_seal_whose_signature_does_not_hold() -> None:
    """Given a chain rewritten and its seal row edited to match, then the signature fails."""
    _sealed_chain(3)
    _drop_triggers()
    _rewrite(2, {"n": 99})
    head = AuditEvent.objects.get(seq=3)
    AuditSeal.objects.update(digest=head.digest)
    report = audit_verify()
    assert not report.ok and report.first_broken_seq == 3
    assert "签名无效" in report.reason


def test_cli_audit_verify_names_the_first_rewritten_event(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Given a chain sealed from the command line after event 1 and 3, when event 2 is rewritten
    with fresh hashes, then `govtrust audit verify` exits 1 naming event 2."""
    _sealed_chain(1)
    _sealed_chain(3, seal=False)
    assert main(["audit", "seal"]) == 0
    assert "第 3 号事件" in capsys.readouterr().out
    assert main(["audit", "verify"]) == 0
    capsys.readouterr()
    _drop_triggers()
    _rewrite(2, {"n": 7})
    assert main(["audit", "verify"]) == 1
    assert "第 2 号事件" in capsys.readouterr().err


def test_the_audit_export_seals_the_head(client: Client, make_user: Callable[..., User]) -> None:
    """Given an auditor, when the audit log is exported, then the exported head is sealed."""
    client.force_login(make_user("aud", "auditor", "62"))
    assert client.get("/accounts/audit/export.csv").status_code == 200
    seal = AuditSeal.objects.get()
    assert seal.reason == "export"
    assert seal.seq == AuditEvent.objects.order_by("-seq").values_list("seq", flat=True)[0]
