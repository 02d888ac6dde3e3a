"""A witness of the log outside the database: every signed checkpoint and every audit seal is
appended to a file (one JSON line each, fsynced) under the var dir, or `GOVTRUST_WITNESS_DIR`.

Signatures alone cannot show a rollback: someone who can write the database (and disable its
triggers) can delete the newest checkpoint, seal, leaves and events together, and what is left
is an older state that still verifies. The witness remembers the newest signed state where the
database cannot rewrite it, so `govtrust verify --deep` and `govtrust audit verify` report a
checkpoint or seal that the database no longer holds. An entry is written only once the
transaction that signed it has committed, so a rolled-back signing leaves no false alarm.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from govtrust.core.audit import canonical
from govtrust.core.errors import DomainError
from govtrust.ledger import key_chain
from govtrust.ledger import services as ledger
from govtrust.ledger.models import Checkpoint, EventKind, Leaf

CHECKPOINTS = "checkpoints.jsonl"
SEALS = "seals.jsonl"


def witness_dir() -> Path:
    configured = os.environ.get("GOVTRUST_WITNESS_DIR")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "witness"


def _append(name: str, entry: dict[str, Any]) -> None:
    directory = witness_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / name
    created = not path.exists()
    data = (canonical(entry) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        while data:
            data = data[os.write(fd, data) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:  # the new directory entry must survive a crash too
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def witness_on_commit(name: str, entry: dict[str, Any]) -> None:
    """Append `entry` once the current transaction commits (at once outside one). A failed
    write is logged, not raised: the signing it records has already committed."""
    transaction.on_commit(partial(_append, name, entry), robust=True)


def checkpoint_entry(checkpoint: Checkpoint) -> dict[str, Any]:
    body = checkpoint.body
    return {
        "id": checkpoint.pk,
        "size": checkpoint.size,
        "root": checkpoint.root,
        "signed_at": body.get("timestamp"),
        "signature": body.get("signature"),
        "body": body,
    }


@dataclass
class Witnessed:
    """The entries of one witness file, by line number; unreadable lines are problems."""

    present: bool
    entries: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read(name: str) -> Witnessed:
    path = witness_dir() / name
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return Witnessed(present=False)
    except (OSError, UnicodeDecodeError) as exc:
        return Witnessed(present=True, problems=[f"无法读取见证文件 {path}：{exc}"])
    witnessed = Witnessed(present=True)
    for number, line in enumerate(lines, start=1):
        try:
            entry = json.loads(line)
        except ValueError:
            entry = None
        if isinstance(entry, dict):
            witnessed.entries.append((number, entry))
        else:
            witnessed.problems.append(f"见证文件 {path} 第{number}行无法解析")
    return witnessed


def missing_warning(name: str, what: str) -> str:
    return (
        f"警告：没有见证文件 {witness_dir() / name}，而数据库中已有{what}；"
        "无法发现整体回滚（见 docs/security.md）"
    )


@dataclass
class WitnessReport:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def checkpoints_check() -> WitnessReport:
    """Every witnessed checkpoint is still in the database with the same root, the tree still
    has that root at that size, and the database's newest checkpoint is not older."""
    witnessed = read(CHECKPOINTS)
    report = WitnessReport(problems=witnessed.problems)
    if not witnessed.present:
        if Checkpoint.objects.exists():
            report.warnings.append(missing_warning(CHECKPOINTS, "签名检查点"))
        return report
    keys = key_chain.log_keys()
    log_size, newest = ledger.size(), None
    for number, entry in witnessed.entries:
        problem = _checkpoint_problem(entry, keys, log_size)
        if problem is not None:
            report.problems.append(f"见证文件第{number}行：{problem}")
        size = entry.get("size")
        if isinstance(size, int) and (newest is None or size > newest[1]):
            newest = (entry.get("id"), size)
    latest = Checkpoint.objects.first()
    if newest is not None and (latest is None or latest.size < newest[1]):
        have = f"大小 {latest.size}" if latest else "没有检查点"
        report.problems.append(
            f"数据库中最新的检查点（{have}）早于见证的检查点 #{newest[0]}（大小 {newest[1]}）"
            "，日志被回滚"
        )
    return report


def _checkpoint_problem(
    entry: dict[str, Any], keys: list[dict[str, Any]], log_size: int
) -> str | None:
    body, size, root, pk = (entry.get(k) for k in ("body", "size", "root", "id"))
    name = f"检查点 #{pk}（大小 {size}）"
    if not isinstance(body, dict) or not key_chain.checkpoint_verifies(body, keys):
        return f"{name}的签名无效"
    if (body.get("size"), body.get("root")) != (size, root) or not isinstance(size, int):
        return f"{name}的大小或根哈希与签名内容不一致"
    held = Checkpoint.objects.filter(pk=pk if isinstance(pk, int) else -1, size=size, root=root)
    if not held.exists():
        return f"{name}在数据库中已不存在（日志或检查点被回滚）"
    if size > log_size:
        return f"{name}超出当前日志（{log_size}条），日志被截短"
    try:
        if ledger.root(size).hex() != root:
            return f"{name}的根哈希与数据库中的树不一致（日志被改写）"
    except DomainError:
        return f"{name}所需的节点在数据库中已不存在"
    return None


def seal_leaves_check() -> WitnessReport:
    """Every witnessed audit seal is still a leaf of the log (the audit side checks the chain
    still reaches it: `govtrust audit verify`)."""
    witnessed = read(SEALS)
    report = WitnessReport(problems=witnessed.problems)
    for number, entry in witnessed.entries:
        index = entry.get("leaf_index")
        leaves = Leaf.objects.filter(index=index if isinstance(index, int) else -1)
        data = leaves.filter(kind=EventKind.AUDIT_HEAD).values_list("data", flat=True)
        try:
            said = json.loads(data[0]) if data else {}
        except ValueError:
            said = None
        if not isinstance(said, dict):
            said = {}
        if (said.get("seq"), said.get("digest")) != (entry.get("seq"), entry.get("digest")):
            report.problems.append(
                f"见证文件第{number}行：第{entry.get('seq')}号事件的审计链头签名"
                f"（透明日志第{index}号叶子）在数据库中已不存在"
            )
    return report
