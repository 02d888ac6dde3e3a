"""Every seal of the audit chain is covered by a signed checkpoint of the log at once, and both
go to the witness file (issue 11: an export's seal stayed unanchored until the next day)."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from django.test import Client

from govtrust.cli import main
from govtrust.core.audit import audit_append
from govtrust.core.models import AuditSeal
from govtrust.directory.models import User
from govtrust.ledger.models import Checkpoint

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], None]]]]


def _covered(seal: AuditSeal) -> Checkpoint:
    checkpoint = Checkpoint.objects.first()
    assert checkpoint is not None and checkpoint.size > seal.leaf_index
    return checkpoint


def test_the_export_seal_is_covered_by_a_checkpoint_at_once(
    client: Client,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Capture,
    witness_dir: Path,
) -> None:
    """Given an auditor, when the audit log is exported, then the seal's leaf is inside a signed
    checkpoint straight away, and the witness file holds both (none was signed before)."""
    client.force_login(make_user("aud", "auditor", "62"))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get("/accounts/audit/export.csv").status_code == 200
    seal = AuditSeal.objects.get(reason="export")
    checkpoint = _covered(seal)
    witnessed = (witness_dir / "checkpoints.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(witnessed[-1])["root"] == checkpoint.root
    sealed = (witness_dir / "seals.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(sealed[-1])["seq"] == seal.seq


def test_the_command_line_seal_is_covered_by_a_checkpoint_at_once() -> None:
    """Given events, when `govtrust audit seal` runs, then a checkpoint covers the new seal."""
    audit_append(actor="a", action="x.do", object_type="x", object_id=1)
    assert main(["audit", "seal"]) == 0
    _covered(AuditSeal.objects.get(reason="manual"))


def test_the_scheduled_seal_is_covered_by_a_checkpoint_at_once() -> None:
    from govtrust.core.audit.tasks import audit_seal_scheduled

    audit_append(actor="a", action="x.do", object_type="x", object_id=1)
    audit_seal_scheduled.enqueue()
    _covered(AuditSeal.objects.get(reason="schedule"))
