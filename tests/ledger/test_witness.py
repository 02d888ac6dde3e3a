"""The witness file outside the database: a rollback of the audit chain and the log to an older,
self-consistent state (the red-team attack of issue 11) is reported by both verify commands."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from django.db import connection

from govtrust.cli import main
from govtrust.core.audit import audit_append, audit_seal, audit_verify
from govtrust.core.models import AuditEvent, AuditHead, AuditSeal
from govtrust.ledger import services
from govtrust.ledger.models import Checkpoint, Head, Leaf, Node

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], None]]]]
AUDIT_TABLES = ("core_auditevent", "core_audithead", "core_auditseal")


@contextmanager
def triggers_off(tables: tuple[str, ...] = AUDIT_TABLES) -> Iterator[None]:
    """What an attacker connected as the tables' owner does: switch the append-only triggers
    off (SQLite: drop them), edit, and put them back so that nothing looks touched."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "  # noqa: S608
                f"AND tbl_name IN ({marks})",
                list(tables),
            )
            saved = cursor.fetchall()
            for name, _ in saved:
                cursor.execute(f'DROP TRIGGER "{name}"')
            yield
            for _, sql in saved:
                cursor.execute(sql)
            return
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        yield
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER ALL")


def _events(upto: int) -> None:
    for n in range(AuditEvent.objects.count() + 1, upto + 1):
        audit_append(actor="a", action="x.do", object_type="x", object_id=n, after={"n": n})


def _roll_back(*, keep_events: int, keep_leaves: int) -> None:
    """Delete the newest events, seals, checkpoints, leaves and nodes and reset both heads, so
    that what is left is the older state, every signature in it still valid."""
    with triggers_off():
        last = AuditEvent.objects.get(seq=keep_events)
        AuditEvent.objects.filter(seq__gt=keep_events).delete()
        AuditHead.objects.filter(id=1).update(seq=keep_events, digest=last.digest)
        AuditSeal.objects.filter(seq__gt=keep_events).delete()
    Checkpoint.objects.filter(size__gt=keep_leaves).delete()
    Leaf.objects.filter(index__gte=keep_leaves).delete()
    above = [n.pk for n in Node.objects.all() if (n.index + 1) << n.level > keep_leaves]
    Node.objects.filter(pk__in=above).delete()
    Head.objects.filter(id=1).update(size=keep_leaves)


@pytest.fixture
def sealed_twice(django_capture_on_commit_callbacks: Capture) -> tuple[Checkpoint, Checkpoint]:
    """Events 1-3 sealed, then 4-5 sealed; each seal checkpointed and witnessed on commit."""
    checkpoints = []
    for upto in (3, 5):
        _events(upto)
        with django_capture_on_commit_callbacks(execute=True):
            audit_seal(reason="schedule")
        checkpoints.append(Checkpoint.objects.first())
    first, second = checkpoints
    assert first is not None and second is not None
    return first, second


def test_each_seal_and_checkpoint_is_appended_to_the_witness_file(
    sealed_twice: tuple[Checkpoint, Checkpoint], witness_dir: Path
) -> None:
    """Given two seals, then the witness file holds both signed checkpoints (size, root, time,
    signature) and both seals (seq, digest, signature), in the order they were signed."""
    lines = (witness_dir / "checkpoints.jsonl").read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]
    assert [(e["id"], e["size"], e["root"]) for e in entries] == [
        (c.pk, c.size, c.root) for c in sealed_twice
    ]
    assert all(e["signature"] and e["signed_at"] for e in entries)
    seals = [json.loads(line) for line in (witness_dir / "seals.jsonl").read_text().splitlines()]
    assert [(s["seq"], s["digest"]) for s in seals] == list(
        AuditSeal.objects.values_list("seq", "digest")
    )
    assert all(s["signature"] for s in seals)


def test_a_rollback_past_a_seal_and_a_checkpoint_fails_both_verifications(
    sealed_twice: tuple[Checkpoint, Checkpoint], capsys: pytest.CaptureFixture[str]
) -> None:
    """Given seals after event 3 and event 5, each covered by a checkpoint, when an attacker
    disables the triggers and rolls events 4-5, the second seal, the second checkpoint and the
    leaf above the first checkpoint back, then `audit verify` names the lost seal and event 4,
    and `verify --deep` names the lost checkpoint (both passed before the witness)."""
    first, second = sealed_twice
    _roll_back(keep_events=3, keep_leaves=first.size)
    assert services.size() == first.size and Checkpoint.objects.get() == first

    report = audit_verify()
    assert not report.ok and report.first_broken_seq == 4
    assert report.reason.startswith("见证文件记录的第5号事件的链头签名")
    assert "在数据库中已不存在" in report.reason
    assert main(["audit", "verify"]) == 1
    assert "第 4 号事件，见证文件记录的第5号事件" in capsys.readouterr().err

    assert main(["verify", "--deep"]) == 1
    err = capsys.readouterr().err
    assert f"检查点 #{second.pk}（大小 {second.size}）在数据库中已不存在" in err
    assert "第5号事件的审计链头签名" in err


def test_a_rolled_back_log_with_the_checkpoint_row_kept_is_caught(
    sealed_twice: tuple[Checkpoint, Checkpoint], capsys: pytest.CaptureFixture[str]
) -> None:
    """Given the same rollback and a checkpoint row re-inserted at the older size and root (the
    database's newest checkpoint looks current again), then the deep check still fails on the
    witnessed newer checkpoint."""
    first, second = sealed_twice
    _roll_back(keep_events=3, keep_leaves=first.size)
    Checkpoint.objects.create(
        size=first.size, root=first.root, signed_at=first.signed_at, body=first.body
    )
    assert main(["verify", "--deep"]) == 1
    assert f"检查点 #{second.pk}（大小 {second.size}）在数据库中已不存在" in capsys.readouterr().err


def test_an_untouched_installation_passes_with_its_witness(
    sealed_twice: tuple[Checkpoint, Checkpoint], capsys: pytest.CaptureFixture[str]
) -> None:
    assert audit_verify().ok and not audit_verify().warning
    assert main(["verify", "--deep"]) == 0
    assert main(["audit", "verify"]) == 0
    assert "警告" not in capsys.readouterr().err


def test_a_missing_witness_file_is_a_warning_not_a_silent_pass(
    sealed_twice: tuple[Checkpoint, Checkpoint],
    witness_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Given checkpoints and seals, when the witness files are gone, then both commands still
    pass but warn that nothing outside the database could be compared."""
    for path in witness_dir.iterdir():
        path.unlink()
    assert main(["verify", "--deep"]) == 0
    assert "警告：没有见证文件" in capsys.readouterr().err
    assert main(["audit", "verify"]) == 0
    assert "警告：没有见证文件" in capsys.readouterr().err


def test_a_forged_witness_line_is_reported(
    sealed_twice: tuple[Checkpoint, Checkpoint], witness_dir: Path
) -> None:
    """Given a witness line whose seal digest was edited, then audit verify refuses it."""
    path = witness_dir / "seals.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    forged = json.loads(lines[0]) | {"digest": "0" * 64}
    path.write_text("\n".join([json.dumps(forged), *lines[1:]]) + "\n", encoding="utf-8")
    report = audit_verify()
    assert not report.ok and "签名无效" in report.reason


def test_a_rolled_back_signing_writes_no_witness(witness_dir: Path) -> None:
    """Given a checkpoint signed in a transaction that rolls back, then nothing is witnessed
    (the file is written on commit, so a failed signing raises no false alarm)."""
    _events(2)
    audit_seal(reason="manual")  # in the test's transaction, never committed
    assert not witness_dir.exists()
