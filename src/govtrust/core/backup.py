"""`govtrust backup` / `govtrust restore`: one archive holding a running installation.

The archive is a tar file:
- manifest.json: format, time, database engine, and the SHA-256 and size of every other member;
- manifest.sig: HMAC-SHA256 of manifest.json's bytes under a key derived from the backup
  passphrase (backup_crypto.py), so nobody without the passphrase can list a member of their own;
- database.sqlite3 (SQLite's online backup API: a consistent copy while the platform writes) or
  database.pgdump (`pg_dump -Fc`, one snapshot transaction);
- keys.enc: the secrets under var/ (Django's key, the data key for citizen IDs, the Ed25519 signing
  keys), encrypted with a passphrase (backup_crypto.py);
- files/...: uploads, remedy evidence and issued documents, as under var/.
The database is copied first: a file written after it is harmless extra, and files are only ever
added under random names, so every row the copy holds finds its file.

Restore checks the manifest's signature, then every member against the manifest, before it writes
anything, and refuses a database that already has tables. It writes the keys and files first and
the database last, in one transaction, so a restore killed part-way can be run again.
"""

from __future__ import annotations

import datetime
import fnmatch
import hashlib
import io
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.backup_crypto import (
    MAX_SIGNATURE,
    check_passphrase,
    open_sealed,
    seal,
    sign_manifest,
    verify_manifest,
)
from govtrust.core.backup_lock import one_backup_at_a_time
from govtrust.core.errors import DomainError

log = logging.getLogger("govtrust.backup")

FORMAT = 2  # 2: the manifest is signed (format 1 archives had no signature and are refused)
FILE_DIRS = ("uploads", "evidence", "documents")
KEY_PATTERNS = ("*.key", "*-ed25519.pem")
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
MAX_MANIFEST = 64 << 20  # bytes; ~150 per listed file
MAX_KEYS = 4 << 20  # bytes of keys.enc, which is decrypted in memory (it is a few KB)
KEYS = "keys.enc"
DATABASE_PARTS = ("database.sqlite3", "database.pgdump")
_BLOCK = 1 << 20


@dataclass(frozen=True)
class BackupReport:
    path: Path
    parts: int
    size: int
    engine: str


def _var() -> Path:
    return Path(settings.VAR_DIR)


def engine() -> str:
    vendor = str(settings.DATABASES["default"]["ENGINE"]).rsplit(".", 1)[-1]
    return "postgresql" if vendor.startswith("postgres") else vendor


def _pg() -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore; the password goes in the environment."""
    db = settings.DATABASES["default"]
    args = ["-h", str(db.get("HOST") or "localhost"), "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return [*args, "-d", str(db["NAME"])], env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise DomainError(f"{what}失败：{result.stderr.strip()[-500:]}")


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while block := stream.read(_BLOCK):
        digest.update(block)
    return digest.hexdigest()


def _dump_database(work: Path) -> tuple[str, Path]:
    if engine() == "sqlite3":
        target = work / "database.sqlite3"
        source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)  # page by page, consistent even while others write
        finally:
            copy.close()
            source.close()
        return target.name, target
    if engine() == "postgresql":
        target = work / "database.pgdump"
        args, env = _pg()
        _run(
            ["pg_dump", "-Fc", "--no-owner", "--no-privileges", *args, "-f", str(target)],
            env,
            "pg_dump",
        )
        return target.name, target
    raise DomainError(f"不支持备份此数据库：{engine()}")


def _key_files() -> list[Path]:
    return sorted({p for pattern in KEY_PATTERNS for p in _var().glob(pattern) if p.is_file()})


def _data_files() -> list[tuple[str, Path]]:
    found = []
    for folder in FILE_DIRS:
        for path in sorted((_var() / folder).rglob("*")):
            if path.is_file():
                found.append((f"files/{path.relative_to(_var()).as_posix()}", path))
    return found


class BackupBusy(DomainError):
    """Another backup of this installation is running (core/backup_lock.py)."""


def backup_create(*, destination: Path, passphrase: str, actor: str = "cli") -> BackupReport:
    """Write the archive to `destination` (via a partial file renamed at the end), holding the
    installation's backup lock throughout; refused at once while another backup holds it."""
    check_passphrase(passphrase)
    with one_backup_at_a_time() as held:
        if not held:
            raise BackupBusy("另一个备份正在进行，请等它结束后再备份")
        return _backup_create(destination, passphrase, actor)


def _backup_create(destination: Path, passphrase: str, actor: str) -> BackupReport:
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".govtrust-backup-") as tmp:
        work = Path(tmp)
        db_name, db_path = _dump_database(work)
        keys = work / KEYS
        keys.write_bytes(seal({p.name: p.read_bytes() for p in _key_files()}, passphrase))
        parts = [(db_name, db_path), (KEYS, keys), *_data_files()]
        listed: dict[str, dict[str, Any]] = {}
        for name, path in parts:
            with path.open("rb") as handle:
                listed[name] = {"sha256": _sha256(handle), "size": path.stat().st_size}
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": engine(),
            "database": db_name,
            "parts": listed,
        }
        body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        signature = sign_manifest(body, passphrase)
        # Written in this run's own folder (same file system, so the rename is atomic): two
        # backups given the same one-second name must not write into one partial file.
        partial = work / "archive.tar.tmp"
        with tarfile.open(partial, "w") as tar:
            for name, data in ((MANIFEST, body), (SIGNATURE, signature)):
                info = tarfile.TarInfo(name)
                info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
                tar.addfile(info, io.BytesIO(data))
            for name, path in parts:
                # Read through the open file, so a symbolic link under var/ is stored as the
                # content the manifest lists (tar.add would store the link, which restore refuses).
                with path.open("rb") as handle:
                    tar.addfile(tar.gettarinfo(arcname=name, fileobj=handle), handle)
        os.chmod(partial, 0o600)
        os.replace(partial, destination)
    size = destination.stat().st_size
    audit_append(
        actor=actor,
        action="backup.create",
        object_type="backup",
        object_id=destination.name,
        after={
            "parts": len(parts),
            "size": size,
            "manifest_sha256": hashlib.sha256(body).hexdigest(),
        },
    )
    return BackupReport(destination, len(parts), size, engine())


def _small_member(tar: tarfile.TarFile, name: str, limit: int) -> bytes:
    """A member read whole, only when its declared size is at most `limit`."""
    member = tar.getmember(name)
    if not member.isfile() or member.issparse() or member.size > limit:
        raise DomainError(f"不是政务诚信平台的备份：{name} 无效或过大")
    handle = tar.extractfile(member)
    data = handle.read(limit + 1) if handle else b""
    if len(data) != member.size:
        raise DomainError(f"备份文件已损坏或不完整：{name}")
    return data


def _manifest(tar: tarfile.TarFile, passphrase: str) -> dict[str, Any]:
    """The manifest, once its signature shows it was written with this passphrase."""
    try:
        body = _small_member(tar, MANIFEST, MAX_MANIFEST)
    except (KeyError, OSError, tarfile.TarError):
        raise DomainError("不是政务诚信平台的备份：缺少或无法读取清单") from None
    try:
        signature = _small_member(tar, SIGNATURE, MAX_SIGNATURE)
    except (KeyError, OSError, tarfile.TarError):
        raise DomainError("备份清单没有签名（或为旧格式的备份）：拒绝恢复") from None
    verify_manifest(body, signature, passphrase)
    try:
        manifest: dict[str, Any] = json.loads(body)
    except ValueError:
        raise DomainError("不是政务诚信平台的备份：无法读取清单") from None
    if not isinstance(manifest, dict):
        raise DomainError("不是政务诚信平台的备份：清单格式无效")
    if manifest.get("format") != FORMAT:
        raise DomainError(f"备份格式版本不符：{manifest.get('format')}")
    parts = manifest.get("parts")
    # Signed, but by whoever holds the passphrase: its shape is still checked, so a bad one is a
    # refusal, not a KeyError half-way through.
    if (
        not isinstance(manifest.get("engine"), str)
        or manifest.get("database") not in DATABASE_PARTS
        or not isinstance(parts, dict)
        or manifest["database"] not in parts
        or KEYS not in parts
        or not all(
            isinstance(entry, dict)
            and isinstance(entry.get("sha256"), str)
            and isinstance(entry.get("size"), int)
            and entry["size"] >= 0
            for entry in parts.values()
        )
    ):
        raise DomainError("不是政务诚信平台的备份：清单格式无效")
    return manifest


def _allowed_name(name: str) -> bool:
    """The database, keys.enc, or a file under one of FILE_DIRS, spelt in normal form: no
    empty, "." or ".." segment (so `files//etc/x` cannot become the absolute /etc/x once the
    prefix is cut), and nothing else under var/ (files/data.key would plant a data key past the
    passphrase that guards keys.enc)."""
    if name in DATABASE_PARTS or name == KEYS:
        return True
    segments = name.split("/")
    return (
        len(segments) >= 3
        and segments[0] == "files"
        and segments[1] in FILE_DIRS
        and all(s not in ("", ".", "..") for s in segments)
        and "\\" not in name
        and "\x00" not in name
    )


def _member(tar: tarfile.TarFile, name: str) -> IO[bytes]:
    handle = tar.extractfile(name)
    if handle is None:
        raise DomainError(f"备份不完整：缺少 {name}")
    return handle


def _verify(tar: tarfile.TarFile, manifest: dict[str, Any], archive_size: int) -> None:
    """Every member listed with its declared size and the right hash, nothing unlisted, no path
    leaving var/, and all of it no larger than the archive itself (an uncompressed tar holds its
    members' bytes, so nothing can expand on the way out) nor than the free space under var/."""
    members = {m.name: m for m in tar.getmembers()}
    unlisted = set(members) - set(manifest["parts"]) - {MANIFEST, SIGNATURE}
    if unlisted:
        raise DomainError(f"备份中有清单未列出的内容：{sorted(unlisted)[0]}")
    total = sum(int(entry["size"]) for entry in manifest["parts"].values())
    if total > archive_size:
        raise DomainError("备份清单声明的大小超过备份文件本身：拒绝恢复")
    _var().mkdir(parents=True, exist_ok=True)
    if total > shutil.disk_usage(_var()).free:
        raise DomainError(f"磁盘空间不足：恢复需要 {total / 1048576:.1f} MB")
    for name, expected in manifest["parts"].items():
        if not _allowed_name(name):
            raise DomainError(f"备份中的路径无效：{name}")
        member = members.get(name)
        if member is None or not member.isfile():
            raise DomainError(f"备份不完整：缺少 {name}")
        if member.issparse() or member.size != expected["size"]:
            raise DomainError(f"备份已损坏：{name} 的大小与清单不符")
        if name == KEYS and member.size > MAX_KEYS:
            raise DomainError("备份中的密钥部分过大")
        handle = tar.extractfile(member)
        if handle is None or _sha256(handle) != expected["sha256"]:
            raise DomainError(f"备份已损坏：{name} 的 SHA-256 与清单不符")


def _key_name(name: str) -> bool:
    """A key file restored straight into var/: a plain name of the kind backup_create takes."""
    plain = bool(name) and "/" not in name and "\\" not in name and not name.startswith(".")
    return plain and any(fnmatch.fnmatchcase(name, pattern) for pattern in KEY_PATTERNS)


def _require_empty_database() -> None:
    if engine() == "sqlite3":
        path = Path(str(settings.DATABASES["default"]["NAME"]))
        if not path.exists():
            return
        db = sqlite3.connect(str(path))
        try:
            tables = db.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[
                0
            ]
        finally:
            db.close()
    else:
        tables = len(connection.introspection.table_names())
        connection.close()
    if tables:
        raise DomainError(
            "目标数据库不是空的：只能恢复到新建的空数据库（请勿先运行 govtrust setup）"
        )


def _copy(tar: tarfile.TarFile, name: str, size: int, target: Path) -> None:
    """A member streamed to `target` (mode 0600) block by block, refused past `size` bytes (the
    manifest's): never more than one block in memory, never more on disk than declared."""
    handle = _member(tar, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        while block := handle.read(_BLOCK):
            written += len(block)
            if written > size:
                raise DomainError(f"备份已损坏：{name} 超过清单声明的大小")
            out.write(block)


def _restore_database(tar: tarfile.TarFile, name: str, size: int) -> None:
    with tempfile.TemporaryDirectory(dir=_var(), prefix=".govtrust-restore-") as tmp:
        dump = Path(tmp) / "database"
        _copy(tar, name, size, dump)
        if engine() == "sqlite3":
            source = sqlite3.connect(str(dump))
            target = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            args, env = _pg()
            command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
            _run([*command, "--single-transaction", *args, str(dump)], env, "pg_restore")


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def backup_restore(*, source: Path, passphrase: str) -> dict[str, Any]:
    """Restore the archive onto this (empty) installation; returns the manifest."""
    try:
        # "r:": an uncompressed tar only, as backup_create writes; a compressed one (a gzip bomb)
        # is refused instead of being inflated.
        tar = tarfile.open(source, "r:")
        archive_size = source.stat().st_size
    except (OSError, tarfile.TarError) as exc:
        raise DomainError(
            f"无法读取备份文件（须为 govtrust backup 写出的未压缩 tar）：{exc}"
        ) from None
    with tar:
        manifest = _manifest(tar, passphrase)
        if manifest["engine"] != engine():
            raise DomainError(f"备份来自 {manifest['engine']} 数据库，本机使用 {engine()}")
        try:
            _verify(tar, manifest, archive_size)
        except (OSError, tarfile.TarError) as exc:  # cut short: a member runs past the end
            raise DomainError(f"备份文件已损坏或不完整：{exc}") from None
        keys = open_sealed(_member(tar, KEYS).read(MAX_KEYS + 1), passphrase)
        if not all(_key_name(name) for name in keys):
            raise DomainError("备份中的密钥文件名无效")
        _require_empty_database()
        parts = manifest["parts"]
        # Keys and files first, the database last (one transaction: pg_restore
        # --single-transaction, SQLite's journalled backup): a restore killed before the end
        # leaves the database empty, so the same command can simply be run again.
        for name, data in keys.items():
            _write_private(_var() / name, data)
        for name, entry in parts.items():
            if name.startswith("files/"):
                _copy(tar, name, entry["size"], _var() / name.removeprefix("files/"))
        _restore_database(tar, manifest["database"], parts[manifest["database"]]["size"])
    audit_append(
        actor="cli",
        action="backup.restore",
        object_type="backup",
        object_id=source.name,
        after={"created_at": manifest["created_at"], "parts": len(manifest["parts"])},
    )
    return manifest


def backup_scheduled_run() -> BackupReport | None:
    """The worker's backup into GOVTRUST_BACKUP_DIR, then the folder pruned by retention; None,
    with a log line, when another backup is still running (it is skipped, not queued again)."""
    from govtrust.core.backup_files import archive_name, prune

    passphrase = os.environ.get("GOVTRUST_BACKUP_PASSPHRASE", "")
    if not passphrase:
        raise DomainError("定时备份需要环境变量 GOVTRUST_BACKUP_PASSPHRASE")
    folder = Path(settings.GOVTRUST_BACKUP_DIR)
    now = datetime.datetime.now(datetime.UTC)
    try:
        report = backup_create(
            destination=folder / archive_name(now), passphrase=passphrase, actor="worker"
        )
    except BackupBusy:
        log.info("scheduled backup skipped: another backup of this installation is running")
        return None
    prune(folder, settings.GOVTRUST_BACKUP_KEEP_DAILY, settings.GOVTRUST_BACKUP_KEEP_WEEKLY)
    return report


def backup_request(*, actor: str) -> None:
    """The system administrator's "back up now": the worker takes the same backup as the
    scheduled one, into GOVTRUST_BACKUP_DIR, once this request is committed."""
    if not settings.GOVTRUST_BACKUP_DIR:
        raise DomainError(
            "未配置备份目录：请设置 GOVTRUST_BACKUP_DIR 和 GOVTRUST_BACKUP_PASSPHRASE"
        )
    if not os.environ.get("GOVTRUST_BACKUP_PASSPHRASE", ""):
        raise DomainError("备份需要环境变量 GOVTRUST_BACKUP_PASSPHRASE")
    from govtrust.core.tasks import backup_scheduled  # tasks import this module

    with transaction.atomic():
        audit_append(actor=actor, action="backup.request", object_type="backup", object_id="")
        transaction.on_commit(lambda: backup_scheduled.enqueue())
