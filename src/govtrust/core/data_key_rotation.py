"""`govtrust keys rotate data`: a new data key while the platform serves.

1. Start: the current key is kept as var/data-previous.key (reading only) and a new var/data.key
   written; every process sees the new file within protect.RECHECK (half a second), so from
   then on nothing new is written under the old key. Audited (`key.rotate`).
2. Re-encrypt every encrypted column in batches of rows in primary-key order, each batch its own
   transaction. A row is replaced only if it still holds the ciphertext that was read (a
   conditional UPDATE), so a concurrent writer's new value is never overwritten.
3. Wait until no database transaction that began before the switch is still open (it may hold a
   ciphertext made with the old key and not yet committed), then a second pass catches any such
   ciphertext. After that pass nothing under the old key can appear.
4. Retire: the old key file is deleted, in the transaction that audits it (`key.retire`).
A crash anywhere leaves data-previous.key in place; running the command again resumes from
step 2 (rows already under the new key are skipped without decrypting). Backups taken meanwhile
hold both key files (backup.py takes every var/*.key).
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from govtrust.core import protect
from govtrust.core.audit import audit_append
from govtrust.core.errors import DomainError
from govtrust.core.keys import load_or_create_secret
from govtrust.core.rotation_lock import one_rotation_at_a_time

# Every column that holds protect.encrypt() output (a test checks no *_cipher column is missing).
ENCRYPTED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("records.Record", "subject_ric_cipher"),
    ("directory.CivilServant", "ric_cipher"),
    ("directory.User", "totp_cipher"),
    ("remedies.Case", "contact_name_cipher"),
    ("remedies.Case", "contact_phone_cipher"),
)
BATCH = 500
# Seconds after the switch before the second pass: every process has seen the new key by then
# (protect.RECHECK), and an encryption made just before it outside a transaction has been saved
# (local policy, GOVTRUST_DATA_KEY_GRACE).
GRACE = float(os.environ.get("GOVTRUST_DATA_KEY_GRACE", "5"))
# How long step 3 waits for transactions older than the switch before giving up (resumable).
OLD_TRANSACTIONS_TIMEOUT = 600.0

Progress = Callable[[str], None]


@dataclass
class DataRotationReport:
    old_key_id: str
    new_key_id: str
    resumed: bool
    scanned: int = 0
    reencrypted: int = 0


def _write_private(path: Path, text: str) -> None:
    """Replace `path` atomically with `text` (0600): a crash leaves the old file or the new."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    protect.forget()


def _new_master(avoid: bytes) -> str:
    while True:  # a 4-byte key id collides once in four billion; then draw again
        master = secrets.token_urlsafe(48)
        if protect.data_key(master).kid != avoid:
            return master


def _start(actor: str) -> protect.Keyring:
    """Keep the current key for reading and write a new one; return the new keyring."""
    var = Path(settings.VAR_DIR)
    old_master = load_or_create_secret(var / protect.WRITING_FILE)
    lookup = var / protect.LOOKUP_FILE
    if not lookup.exists():  # fixed once: the look-up hashes stay valid across rotations
        _write_private(lookup, protect.lookup_subkey(old_master).hex())
    previous = var / protect.PREVIOUS_FILE
    if not previous.exists():
        _write_private(previous, old_master)
    else:  # a crash between the two writes left the old key in both files
        old_master = previous.read_text(encoding="ascii").strip()
    old = protect.data_key(old_master)
    _write_private(var / protect.WRITING_FILE, _new_master(old.kid))
    ring = protect.keyring()
    audit_append(
        actor=actor,
        action="key.rotate",
        object_type="data_key",
        object_id="data",
        before={"key_id": old.kid.hex()},
        after={"key_id": ring.writing.kid.hex(), "state": "re-encrypting"},
    )
    return ring


def _reencrypt(
    label: str, field: str, ring: protect.Keyring, batch: int, progress: Progress
) -> tuple[int, int]:
    """One pass over a column; returns (rows scanned, rows re-encrypted)."""
    model = apps.get_model(label)
    rows = model._base_manager.exclude(**{f"{field}__isnull": True})
    total = rows.count()
    last, scanned, changed = None, 0, 0
    while True:
        with transaction.atomic():
            page = rows.order_by("pk")
            if last is not None:
                page = page.filter(pk__gt=last)
            found = list(page.values_list("pk", field)[:batch])
            for pk, value in found:
                blob = bytes(value)
                if protect.key_id_of(blob) == ring.writing.kid:
                    continue
                try:
                    plain = protect.decrypt(blob, ring)
                except ValueError as exc:
                    raise DomainError(
                        f"{label}.{field} 第 {pk} 行无法用保留的密钥解密，轮换未完成：{exc}"
                    ) from exc
                fresh = protect.encrypt(plain, ring.writing)
                # Conditional: a writer that replaced the value since it was read wins.
                changed += rows.filter(pk=pk, **{field: blob}).update(**{field: fresh})
        if not found:
            break
        last, scanned = found[-1][0], scanned + len(found)
        progress(f"{label}.{field}：已检查 {scanned}/{total} 行，重新加密 {changed} 行")
    return scanned, changed


def _wait_for_older_transactions(since: float, timeout: float) -> None:
    """Wait until every transaction that began before `since` (epoch seconds) has ended.

    PostgreSQL reports each session's transaction start. SQLite needs nothing: its write
    transactions start IMMEDIATE, so the lock the next pass takes is held by no older one."""
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + timeout
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND xact_start < to_timestamp(%s)",
                [since],
            )
            (older,) = cursor.fetchone() or (0,)
        if not older:
            return
        if time.monotonic() > deadline:
            raise DomainError(
                f"仍有 {older} 个在切换密钥前开始的数据库事务未结束，旧密钥暂不停用；"
                "请稍后再次运行 govtrust keys rotate data 完成轮换"
            )
        time.sleep(1.0)


def data_key_rotate(
    *,
    actor: str = "cli",
    batch: int = BATCH,
    grace: float = GRACE,
    progress: Progress = lambda _message: None,
) -> DataRotationReport:
    """Rotate the data key, or finish a rotation that was interrupted; see the module text."""
    if protect.key_from_environment():
        raise DomainError(
            "数据密钥由环境变量 GOVTRUST_DATA_KEY 提供，不能在此轮换；"
            "请改用 var/data.key 文件保存密钥后再轮换"
        )
    if batch < 1:
        raise DomainError("每批行数至少为 1")
    with one_rotation_at_a_time("data"):  # see rotation_lock.py
        return _rotate(actor, batch, grace, progress)


def _rotate(actor: str, batch: int, grace: float, progress: Progress) -> DataRotationReport:
    protect.forget()  # the files as they are now that this run holds the lock
    ring = protect.keyring()
    resumed = ring.previous is not None and ring.previous.kid != ring.writing.kid
    if resumed:
        progress("继续上次未完成的数据密钥轮换")
    else:
        ring = _start(actor)
    assert ring.previous is not None  # noqa: S101 - _start keeps it
    report = DataRotationReport(ring.previous.kid.hex(), ring.writing.kid.hex(), resumed)
    switched = protect.key_path(protect.WRITING_FILE).stat().st_mtime
    for label, field in ENCRYPTED_COLUMNS:
        scanned, changed = _reencrypt(label, field, ring, batch, progress)
        report.scanned, report.reencrypted = report.scanned + scanned, report.reencrypted + changed
    time.sleep(max(0.0, switched + max(grace, protect.RECHECK) - time.time()))
    # A process may have used the old key until it looked at the files again.
    _wait_for_older_transactions(switched + protect.RECHECK, OLD_TRANSACTIONS_TIMEOUT)
    for label, field in ENCRYPTED_COLUMNS:  # stragglers committed by older transactions
        report.reencrypted += _reencrypt(label, field, ring, batch, progress)[1]
    _retire(actor, report)
    return report


@transaction.atomic
def _retire(actor: str, report: DataRotationReport) -> None:
    audit_append(
        actor=actor,
        action="key.retire",
        object_type="data_key",
        object_id="data",
        before={"key_id": report.old_key_id},
        after={"key_id": report.new_key_id, "reencrypted": report.reencrypted},
    )
    # Inside the transaction: if the file cannot be removed, the audit event is not written.
    protect.key_path(protect.PREVIOUS_FILE).unlink()
    protect.forget()
