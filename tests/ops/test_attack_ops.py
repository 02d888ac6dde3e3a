"""Attacks on the operations commands: hostile backup archives, /healthz when a check cannot
run, and two data key rotations at once.

The archives here are signed with the passphrase (an insider who holds it, or an archive the
passphrase's holder was tricked into signing): restore must still write nothing outside the
three file folders under var/, and must answer a damaged archive with a clear error rather than
a traceback."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client

from govtrust.core import backup, protect
from govtrust.core import data_key_rotation as rotation
from govtrust.core.backup import backup_restore
from govtrust.core.backup_crypto import seal, sign_manifest
from govtrust.core.errors import DomainError
from govtrust.directory.models import User
from govtrust.ledger import key_chain
from govtrust.ledger import services as ledger
from govtrust.ledger.deep import verify_deep
from govtrust.ledger.services import Entry
from govtrust.records.models import Record
from tests.e2e.conftest import Server
from tests.ops.test_backup import PASSPHRASE, _attempt
from tests.ops.test_data_key import _records


def _archive(
    path: Path, parts: dict[str, bytes], manifest: object = None, engine: str = "sqlite3"
) -> Path:
    """A tar with a manifest listing `parts` with their true hashes, signed with PASSPHRASE."""
    if manifest is None:
        manifest = {
            "format": 2,
            "created_at": "2026-11-29T00:00:00+00:00",
            "engine": engine,
            "database": "database.pgdump" if engine == "postgresql" else "database.sqlite3",
            "parts": {
                name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                for name, data in parts.items()
            },
        }
    with tarfile.open(path, "w") as tar:
        body = json.dumps(manifest).encode()
        signed = {"manifest.json": body, "manifest.sig": sign_manifest(body, PASSPHRASE)}
        for name, data in {**signed, **parts}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _empty_sqlite(path: Path) -> bytes:
    sqlite3.connect(str(path)).close()
    return path.read_bytes()


def test_restore_writes_nothing_outside_the_file_folders(
    make_installation: Callable[..., Server], tmp_path: Path
) -> None:
    """Given an archive whose manifest lists `files//<absolute path>` (an absolute path once the
    `files/` prefix is cut) and `files/data.key` (the data key, bypassing the passphrase that
    guards keys.enc), when it is restored onto an empty installation, then restore refuses,
    the outside file is not written, no data key is planted and the database stays empty."""
    outside = tmp_path / "outside" / "planted.txt"
    # The installations follow DATABASE_URL (tests/ops/conftest.py); so does the archive.
    engine = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite3"
    database = {
        "sqlite3": ("database.sqlite3", _empty_sqlite(tmp_path / "empty.sqlite3")),
        "postgresql": ("database.pgdump", b""),
    }[engine]
    parts = {
        database[0]: database[1],
        "keys.enc": seal({}, PASSPHRASE),
        "files/" + str(outside): b"written outside var",
        "files/data.key": b"attacker's data key",
    }
    archive = _archive(tmp_path / "hostile.tar", parts, engine=engine)
    target = make_installation("target", setup=False)
    result = _attempt(target, "restore", str(archive), stdin=PASSPHRASE + "\n")
    assert result.returncode == 2, result.stderr
    assert "备份中的路径无效" in result.stderr
    assert not outside.exists()
    key = Path(target.env["GOVTRUST_VAR_DIR"]) / "data.key"
    assert not key.exists() or key.read_bytes() != b"attacker's data key"
    tables = (
        "from django.db import connection\nprint(len(connection.introspection.table_names()))\n"
    )
    assert target.python(tables).strip() == "0"


@pytest.mark.parametrize(
    "manifest",
    [
        {"format": 2},
        {"format": 2, "engine": "sqlite3", "database": "database.sqlite3", "parts": []},
        {"format": 2, "engine": "sqlite3", "database": 7, "parts": {"x": "y"}},
        ["format", 2],
    ],
    ids=["no-parts", "parts-list", "part-not-object", "not-object"],
)
def test_restore_refuses_a_malformed_manifest_clearly(
    tmp_path: Path, settings: object, manifest: object
) -> None:
    """A manifest of the wrong shape is a clear refusal (DomainError), not a KeyError."""
    settings.VAR_DIR = str(tmp_path / "var")  # type: ignore[attr-defined]
    archive = _archive(tmp_path / "bad.tar", {"x": b"x"}, manifest)
    with pytest.raises(DomainError):
        backup_restore(source=archive, passphrase=PASSPHRASE)


def test_restore_refuses_a_truncated_archive_clearly(tmp_path: Path, settings: object) -> None:
    """An archive cut short (a member's declared size runs past the end of the file) is refused
    with a clear Chinese error, not tarfile.ReadError."""
    settings.VAR_DIR = str(tmp_path / "var")  # type: ignore[attr-defined]
    data = b"x" * 50_000
    full = _archive(tmp_path / "full.tar", {"database.sqlite3": data, "keys.enc": b"k"})
    cut = tmp_path / "cut.tar"
    cut.write_bytes(full.read_bytes()[:20_000])
    with pytest.raises(DomainError, match="备份"):
        backup_restore(source=cut, passphrase=PASSPHRASE)


@pytest.mark.django_db
def test_healthz_is_503_not_500_when_the_shared_cache_is_down(
    client: Client, settings: object
) -> None:
    """With REDIS_URL the worker's heartbeat lives in Redis; Redis down must be a 503 naming the
    worker (what a probe and a person can act on), not an unhandled 500, and the answer must not
    carry the exception's text (addresses, paths) to anonymous callers."""
    unreachable = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
    settings.CACHES = {**settings.CACHES, "default": unreachable}  # type: ignore[attr-defined]
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert "worker" in body["failing"]
    assert "127.0.0.1:1" not in response.content.decode()


@pytest.mark.django_db
def test_healthz_is_503_not_500_when_var_is_missing(
    client: Client, settings: object, tmp_path: Path
) -> None:
    """A var/ directory that is gone (unmounted volume) is a failing disk check, not a 500."""
    settings.VAR_DIR = str(tmp_path / "unmounted")  # type: ignore[attr-defined]
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "disk" in response.json()["failing"]
    assert str(tmp_path) not in response.content.decode()


@pytest.mark.django_db
def test_a_second_data_key_rotation_is_refused_while_one_runs(
    tmp_path: Path, settings: object, clerk: User
) -> None:
    """Given a data key rotation in progress (between two batches), when a second
    `keys rotate data` starts (a second operator, a cron job), then it is refused at once with a
    clear error: two runs that both saw no rotation would each write their own new key, and the
    first to finish would delete the only key some rows were re-encrypted under. The first run
    then finishes and every ID still decrypts."""
    settings.VAR_DIR = str(tmp_path)  # type: ignore[attr-defined]
    protect.forget()
    made = _records(clerk, 3)
    refusals: list[str] = []

    def second_operator(_message: str) -> None:
        if not refusals:
            try:
                rotation.data_key_rotate(batch=1, grace=0)
            except DomainError as exc:
                refusals.append(str(exc))
            else:
                refusals.append("not refused")

    rotation.data_key_rotate(batch=1, grace=0, progress=second_operator)
    assert refusals and "正在进行" in refusals[0]
    for pk, ric in made.items():
        cipher = Record.objects.get(pk=pk).subject_ric_cipher
        assert cipher is not None and protect.decrypt(bytes(cipher)) == ric
    assert not (tmp_path / protect.PREVIOUS_FILE).exists()
    protect.forget()


@pytest.mark.django_db
def test_a_second_log_key_rotation_is_refused_while_one_runs(
    tmp_path: Path, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a log key rotation between its handover entry and its key switch, when a second
    `keys rotate log` starts, then it is refused: both would retire the key under the same
    dated name and rename the same `next` file, losing a key the log's chain names. The first
    run then completes and deep verification passes."""
    settings.VAR_DIR = str(tmp_path)  # type: ignore[attr-defined]
    with transaction.atomic():
        ledger.append([Entry("publish", "620102-2026-00001", "0" * 64)])
    ledger.checkpoint_sign()
    real_sign = ledger.checkpoint_sign
    refusals: list[str] = []

    def sign_then_second_operator() -> object:
        signed = real_sign()
        if not refusals:
            refusals.append("running")
            try:
                key_chain.log_key_rotate()
            except DomainError as exc:
                refusals.append(str(exc))
            else:
                refusals.append("not refused")
        return signed

    monkeypatch.setattr(ledger, "checkpoint_sign", sign_then_second_operator)
    key_chain.log_key_rotate()
    monkeypatch.setattr(ledger, "checkpoint_sign", real_sign)
    assert "正在进行" in refusals[1]
    assert verify_deep().ok


@pytest.mark.django_db
def test_two_backups_to_the_same_name_do_not_share_a_partial_file(
    tmp_path: Path, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Archive names have one-second resolution, so the scheduled backup and a "back up now"
    (or two worker hosts) can be given the same name. Given another backup still writing that
    name's partial file, when a backup to the same name runs, then it neither writes into nor
    renames the other's partial file, and its own archive is whole. (The database copy is a
    stand-in: the in-memory test database has no file for SQLite's backup API.)"""
    settings.VAR_DIR = str(tmp_path / "var")  # type: ignore[attr-defined]

    def dump(work: Path) -> tuple[str, Path]:
        copy = work / "database.sqlite3"
        _empty_sqlite(copy)
        return copy.name, copy

    monkeypatch.setattr(backup, "_dump_database", dump)
    archive = tmp_path / "backups" / "govtrust-20261129T000000Z.tar"
    archive.parent.mkdir()
    other = archive.with_name(archive.name + ".tmp")
    other.write_bytes(b"another backup's partial archive")
    backup.backup_create(destination=archive, passphrase=PASSPHRASE)
    assert other.read_bytes() == b"another backup's partial archive"
    with tarfile.open(archive) as tar:
        assert {"manifest.json", "database.sqlite3", "keys.enc"} <= set(tar.getnames())
