"""The transparency log's signing keys as a chain, and `govtrust keys rotate log`.

A rotation is itself a log entry (kind `key-rotate`): a handover that names the new public key,
signed by the old key, appended to the log and covered by a last checkpoint the old key signs.
The new key signs every checkpoint after that. So each key is valid for a range of log sizes:
the first from 0, each later one from the size that includes its handover; a key ends at the
size that includes the next handover. Old checkpoints still verify with their own key, and a
verifier who trusted a checkpoint's key follows the handovers from it to the current key; a
checkpoint signed by a retired key beyond its range (as a thief of that key could make) fails.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.db import transaction

from govtrust.core import signing
from govtrust.core.audit import audit_append
from govtrust.core.errors import DomainError
from govtrust.core.rotation_lock import one_rotation_at_a_time
from govtrust.ledger import services as ledger
from govtrust.ledger.models import EventKind, Leaf

PURPOSE = "log-key-handover"


@dataclass(frozen=True)
class HandoverEntry:
    """A key handover, appended to the log like any event."""

    handover: dict[str, Any]
    kind: str = EventKind.KEY_ROTATE
    record_number: str = ""

    def body(self) -> dict[str, Any]:
        return {"kind": self.kind, "handover": self.handover}

    def leaf_data(self, at: str) -> str:
        return ledger.leaf_data(self.body(), at)


@dataclass(frozen=True)
class Handover:
    old_key_id: str
    new_key_id: str
    new_public_key: str
    leaf_index: int


def _pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def pem_key_id(pem: str) -> str | None:
    try:
        public = serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError):
        return None
    return signing.key_id(public) if isinstance(public, Ed25519PublicKey) else None


def _handovers() -> list[tuple[int, str, dict[str, Any]]]:
    """(leaf index, appended at, handover) of every key-rotate leaf, in log order."""
    found = []
    rows = Leaf.objects.filter(kind=EventKind.KEY_ROTATE).order_by("index")
    for index, data in rows.values_list("index", "data"):
        try:
            said = json.loads(data)
        except ValueError:
            said = {}
        if not isinstance(said, dict):
            said = {}
        handover = said.get("handover")
        handover = handover if isinstance(handover, dict) else {}
        found.append((index, str(said.get("at", "")), handover))
    return found


def log_keys() -> list[dict[str, Any]]:
    """Every key the log has been signed with, oldest first, with the range of log sizes (and
    the times) it signs for and the handover that introduced it; published by the portal."""
    handovers = _handovers()
    if not handovers:
        current = signing.private_key(ledger.LEDGER_KEY).public_key()
        return [_key(signing.key_id(current), _pem(current), 0, None, None)]
    first = handovers[0][2]
    keys = [_key(str(first.get("key_id", "")), str(first.get("old_public_key", "")), 0, None, None)]
    for index, at, handover in handovers:
        keys[-1].update(valid_until_size=index + 1, valid_until=at)
        keys.append(
            _key(
                str(handover.get("new_key_id", "")),
                str(handover.get("new_public_key", "")),
                index + 1,
                at,
                {"leaf_index": index, "signed": handover},
            )
        )
    return keys


def _key(
    kid: str, pem: str, start: int, at: str | None, handover: dict[str, Any] | None
) -> dict[str, Any]:
    return {
        "key_id": kid,
        "public_key_pem": pem,
        "valid_from_size": start,
        "valid_from": at,
        "valid_until_size": None,
        "valid_until": None,
        "handover": handover,
    }


def chain_problem(keys: Sequence[Mapping[str, Any]], start: int = 0) -> str | None:
    """What is wrong with the chain from keys[start] on, or None: each key's id must be its
    public key's, and each later key must be named by a handover the key before it signed."""
    for position in range(start, len(keys)):
        key = keys[position]
        if pem_key_id(str(key.get("public_key_pem", ""))) != key.get("key_id"):
            return f"签名密钥 {key.get('key_id')} 的标识与公钥不符"
        if position == start:
            continue
        previous, handover = keys[position - 1], (key.get("handover") or {}).get("signed") or {}
        if not signing.verify(handover, str(previous.get("public_key_pem", ""))):
            old = previous.get("key_id")
            return f"密钥 {key.get('key_id')} 的交接条目没有旧密钥 {old} 的有效签名"
        named = (handover.get("key_id"), handover.get("new_key_id"), handover.get("new_public_key"))
        if named != (previous.get("key_id"), key.get("key_id"), key.get("public_key_pem")):
            return f"密钥 {key.get('key_id')} 的交接条目与密钥链不符"
        if handover.get("log_id") != ledger.LOG_ID or handover.get("purpose") != PURPOSE:
            return f"密钥 {key.get('key_id')} 的交接条目不属于本日志"
    return None


def key_position(checkpoint: Mapping[str, Any], keys: Sequence[Mapping[str, Any]]) -> int | None:
    """The position of the key that validly signed `checkpoint`: its signature checks with that
    key and its size lies in the key's range. None when no key did."""
    size = checkpoint.get("size")
    if not isinstance(size, int):
        return None
    for position, key in enumerate(keys):
        if key.get("key_id") != checkpoint.get("key_id"):
            continue
        until = key.get("valid_until_size")
        in_range = key.get("valid_from_size", 0) <= size and (until is None or size <= until)
        if in_range and signing.verify(dict(checkpoint), str(key.get("public_key_pem", ""))):
            return position
    return None


def checkpoint_verifies(checkpoint: Mapping[str, Any], keys: Sequence[Mapping[str, Any]]) -> bool:
    return key_position(checkpoint, keys) is not None


def keys_from_pem(public_pem: str) -> list[dict[str, Any]]:
    """A one-key chain, for a verifier given a single public key (a portal before rotation)."""
    return [_key(pem_key_id(public_pem) or "", public_pem, 0, None, None)]


def _next_path() -> Path:
    return signing._key_path(ledger.LEDGER_KEY).with_name("ledger-next-ed25519.pem")


def _load_or_create_next() -> Ed25519PrivateKey:
    path = _next_path()
    if not path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise DomainError(f"{path} 不是 Ed25519 私钥")
    return key


def _repair() -> None:
    """A process killed after the key files were switched but before the handover committed
    leaves a current key the log never named: put the chain's last key back in place."""
    current = signing.key_id(signing.private_key(ledger.LEDGER_KEY).public_key())
    keys = log_keys()
    if any(k["key_id"] == current for k in keys):
        return
    path = signing._key_path(ledger.LEDGER_KEY)
    for retired in sorted(path.parent.glob("ledger-retired-*-ed25519.pem"), reverse=True):
        key = serialization.load_pem_private_key(retired.read_bytes(), password=None)
        if (
            isinstance(key, Ed25519PrivateKey)
            and signing.key_id(key.public_key()) == (keys[-1]["key_id"])
        ):
            os.replace(path, _next_path())
            os.replace(retired, path)
            return
    raise DomainError("当前的日志签名密钥不在密钥链中，也找不到链上最新的密钥，请从备份恢复密钥")


def log_key_rotate(*, actor: str = "cli") -> Handover:
    """Hand the log over to a new key (see the module text); returns the handover."""
    if os.environ.get("GOVTRUST_LEDGER_KEY"):
        raise DomainError("日志签名密钥由环境变量 GOVTRUST_LEDGER_KEY 指定，不能在此轮换")
    with one_rotation_at_a_time("log"):  # two runs would rename the same key files
        return _rotate(actor)


def _rotate(actor: str) -> Handover:
    signing.private_key(ledger.LEDGER_KEY)  # created if the log never signed yet
    _repair()
    path = signing._key_path(ledger.LEDGER_KEY)
    new = _load_or_create_next()
    new_id, new_pem = signing.key_id(new.public_key()), _pem(new.public_key())
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    retired = path.with_name(f"ledger-retired-{stamp}-ed25519.pem")
    if retired.exists():
        raise DomainError("一秒内不能轮换两次，请稍后再试")
    switched = False
    try:
        with transaction.atomic():
            old = signing.private_key(ledger.LEDGER_KEY)
            old_id = signing.key_id(old.public_key())
            if old_id == new_id:
                raise DomainError("新密钥与当前密钥相同")
            handover = signing.sign(
                ledger.LEDGER_KEY,
                {
                    "purpose": PURPOSE,
                    "log_id": ledger.LOG_ID,
                    "old_public_key": _pem(old.public_key()),
                    "new_key_id": new_id,
                    "new_public_key": new_pem,
                },
            )
            (leaf,) = ledger.append([HandoverEntry(handover)])
            ledger.checkpoint_sign()  # the old key's last checkpoint holds the handover
            audit_append(
                actor=actor,
                action="key.rotate",
                object_type="signing_key",
                object_id="log",
                before={"key_id": old_id},
                after={"key_id": new_id, "leaf_index": leaf.index, "retired_file": retired.name},
            )
            # Switched while the log's head row is locked (by the append), so no checkpoint can
            # be signed with the old key after the handover, and none with the new one before.
            os.replace(path, retired)
            os.replace(_next_path(), path)
            switched = True
    except BaseException:
        if switched:  # the handover did not commit: the old key stays the log's key
            os.replace(path, _next_path())
            os.replace(retired, path)
        raise
    ledger.checkpoint_sign()  # the new key's first checkpoint, at the same size
    return Handover(old_id, new_id, new_pem, leaf.index)
