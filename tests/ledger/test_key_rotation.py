"""`govtrust keys rotate log`: the rotation is a log entry the old key signs, naming the new
public key; old checkpoints verify with the old key, and every verifier follows the chain."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import transaction
from django.test import Client, override_settings

from govtrust import cli
from govtrust.core import signing
from govtrust.core.audit import canonical
from govtrust.core.models import AuditEvent
from govtrust.ledger import key_chain, services
from govtrust.ledger.deep import verify_deep
from govtrust.ledger.models import Checkpoint, EventKind, Leaf
from govtrust.ledger.services import Entry
from govtrust.ledger.verify import verify_checkpoints
from govtrust.ledger.witness import checkpoints_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def var(tmp_path: Path) -> Iterator[Path]:
    with override_settings(VAR_DIR=tmp_path):
        yield tmp_path


def _append(n: int, start: int) -> None:
    with transaction.atomic():
        services.append(
            Entry("publish", f"620102-2026-{i:05d}", f"{i:064x}") for i in range(start, start + n)
        )


def _proof(old: dict[str, object], new: dict[str, object]) -> list[str]:
    proof: list[str] = services.consistency(int(str(old["size"])), int(str(new["size"])))["proof"]
    return proof


def _forge(private: Ed25519PrivateKey, body: dict[str, object]) -> dict[str, object]:
    """What a thief of `private` could sign: a well-formed checkpoint with its key id."""
    unsigned = {**body, "key_id": signing.key_id(private.public_key())}
    unsigned.pop("signature", None)
    signature = private.sign(canonical(unsigned).encode())
    return {**unsigned, "signature": base64.b64encode(signature).decode()}


def test_a_rotation_hands_over_in_the_log_and_old_checkpoints_still_verify(var: Path) -> None:
    """Given a log of 3 events with a checkpoint signed by the first key, when the log key is
    rotated and 2 more events are appended, then the handover is leaf 3 signed by the old key and
    naming the new one, the old key signed size 4 and the new key signs from size 4, the saved
    checkpoint verifies against the newest through the chain, deep verification and the witness
    pass, and the rotation is audited."""
    _append(3, 0)
    saved = services.checkpoint_sign().body
    old_pem = signing.public_key_pem("ledger")

    handover = key_chain.log_key_rotate()

    assert handover.leaf_index == 3 and handover.old_key_id == saved["key_id"]
    assert handover.new_public_key == signing.public_key_pem("ledger") != old_pem
    leaf = Leaf.objects.get(index=3)
    assert leaf.kind == EventKind.KEY_ROTATE
    signed = json.loads(leaf.data)["handover"]
    assert signing.verify(signed, old_pem) and signed["new_key_id"] == handover.new_key_id
    at_four = [c.body["key_id"] for c in Checkpoint.objects.filter(size=4).order_by("id")]
    assert at_four == [handover.old_key_id, handover.new_key_id]
    _append(2, 4)
    newest = services.checkpoint_sign().body
    assert newest["key_id"] == handover.new_key_id

    keys = key_chain.log_keys()
    assert [(k["key_id"], k["valid_from_size"], k["valid_until_size"]) for k in keys] == [
        (handover.old_key_id, 0, 4),
        (handover.new_key_id, 4, None),
    ]
    verdict = verify_checkpoints(saved, newest, _proof(saved, newest), keys)
    assert verdict.ok and "交接" in verdict.message
    assert not verify_checkpoints(saved, newest, _proof(saved, newest), old_pem).ok
    report = verify_deep()
    assert report.ok, report.problems
    assert report.checkpoints == 4
    assert checkpoints_check().problems == []
    event = AuditEvent.objects.get(action="key.rotate", object_id="log")
    assert (event.after or {})["leaf_index"] == 3
    retired = list(var.glob("ledger-retired-*-ed25519.pem"))
    assert len(retired) == 1 and retired[0].stat().st_mode & 0o777 == 0o600


def test_a_retired_key_cannot_sign_past_its_handover(var: Path) -> None:
    """Given a rotated log, when someone holding the retired key signs a checkpoint of a later
    size, then no verifier accepts it: not the chain check, not the public API."""
    _append(2, 0)
    saved = services.checkpoint_sign().body
    key_chain.log_key_rotate()
    _append(2, 3)
    newest = services.checkpoint_sign().body
    (retired,) = var.glob("ledger-retired-*-ed25519.pem")
    stolen = serialization.load_pem_private_key(retired.read_bytes(), password=None)
    assert isinstance(stolen, Ed25519PrivateKey)
    forged = _forge(stolen, newest)
    keys = key_chain.log_keys()
    assert not key_chain.checkpoint_verifies(forged, keys)
    assert not verify_checkpoints(saved, forged, _proof(saved, newest), keys).ok
    # Within its range the retired key's own checkpoints still count.
    assert key_chain.checkpoint_verifies(saved, keys)


def test_the_public_pages_list_the_keys_and_verify_across_the_rotation(
    var: Path, client: Client
) -> None:
    """Given a rotated log, then /public/log/public-key lists both keys with their ranges and
    handover, the verify endpoint accepts a checkpoint saved before the rotation, and the log
    page shows both key ids."""
    _append(2, 0)
    saved = services.checkpoint_sign().body
    handover = key_chain.log_key_rotate()
    published = client.get("/api/v1/public/log/public-key").json()
    assert published["public_key_pem"] == handover.new_public_key
    assert [k["key_id"] for k in published["keys"]] == [saved["key_id"], handover.new_key_id]
    assert published["keys"][1]["handover"]["leaf_index"] == 2
    assert key_chain.chain_problem(published["keys"]) is None
    answer = client.post(
        "/api/v1/public/log/verify", {"checkpoint": saved}, content_type="application/json"
    ).json()
    assert answer["ok"] is True, answer["message"]
    page = client.get("/gs/log/").content.decode()
    assert saved["key_id"] in page and handover.new_key_id in page


def test_govtrust_verify_accepts_a_checkpoint_saved_before_the_rotation(
    var: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Given a checkpoint saved before a rotation, then `govtrust verify FILE` and `govtrust
    verify --deep` both pass after it."""
    _append(3, 0)
    saved = tmp_path / "saved.json"
    saved.write_text(json.dumps(services.checkpoint_sign().body), encoding="utf-8")
    key_chain.log_key_rotate()
    _append(1, 4)
    assert cli.main(["verify", str(saved), "--deep"]) == 0
    out = capsys.readouterr().out
    assert "一致" in out and "深度核对一致" in out


def test_a_key_file_swapped_outside_the_chain_fails_deep_verification(var: Path) -> None:
    """Given a rotated log whose current key file is then replaced by a key no handover names,
    when deep verification runs, then it reports the key and the checkpoint it signed."""
    _append(2, 0)
    key_chain.log_key_rotate()
    path = var / "ledger-ed25519.pem"
    path.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    _append(1, 3)
    services.checkpoint_sign()
    report = verify_deep()
    assert any("不是密钥链上最新的密钥" in p for p in report.problems)
    assert any("签名无效" in p for p in report.problems)


def test_a_failed_handover_leaves_the_old_key_in_place(
    var: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a rotation whose transaction fails after the handover was appended, then the old
    key is the log's key again, no handover leaf exists, and the next rotation succeeds."""
    _append(1, 0)
    before = signing.public_key_pem("ledger")

    def fail(**_kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(key_chain, "audit_append", fail)
    with pytest.raises(RuntimeError):
        key_chain.log_key_rotate()
    assert signing.public_key_pem("ledger") == before
    assert not Leaf.objects.filter(kind=EventKind.KEY_ROTATE).exists()
    assert list(var.glob("ledger-retired-*")) == []
    monkeypatch.undo()
    assert key_chain.log_key_rotate().leaf_index == 1
    assert verify_deep().ok
