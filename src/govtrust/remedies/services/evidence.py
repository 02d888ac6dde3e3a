"""Evidence files: type judged by content, size and count limited, stored outside the web root
under a random name, read back only through `evidence_open` by those allowed to."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from django.conf import settings

from govtrust.core.errors import DomainError
from govtrust.remedies.models import Case, Evidence, SelfCorrection

MAX_FILES = 5
MAX_BYTES = 10 << 20
# Magic bytes of the accepted kinds; the extension must agree with the content.
_MAGIC = {"pdf": b"%PDF-", "png": b"\x89PNG\r\n\x1a\n", "jpg": b"\xff\xd8\xff"}
_EXTENSIONS = {".pdf": "pdf", ".png": "png", ".jpg": "jpg", ".jpeg": "jpg"}
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}


def _max_bytes() -> int:
    return int(getattr(settings, "GOVTRUST_EVIDENCE_MAX_BYTES", MAX_BYTES))


def _folder() -> Path:
    path = Path(settings.VAR_DIR) / "evidence"
    path.mkdir(parents=True, exist_ok=True)
    return path


def clean_label(name: str) -> str:
    """A display name: no path, no control characters, at most 120 characters."""
    name = unicodedata.normalize("NFKC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f<>:\"|?*]", "", name).strip(" .")
    return name[-120:] or "附件"


def sniff(head: bytes, filename: str) -> str:
    claimed = _EXTENSIONS.get(Path(filename).suffix.lower())
    if claimed is None:
        raise DomainError(f"附件“{clean_label(filename)}”的类型不支持：只接受 PDF、JPG、PNG 文件")
    actual = next((kind for kind, magic in _MAGIC.items() if head.startswith(magic)), None)
    if actual != claimed:
        raise DomainError(f"附件“{clean_label(filename)}”的内容与扩展名不符，已拒绝")
    return actual


def check_uploads(files: list[tuple[str, IO[bytes]]]) -> None:
    """Refuse the whole submission before anything is stored."""
    if len(files) > MAX_FILES:
        raise DomainError(f"附件最多{MAX_FILES}个")
    for name, handle in files:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(0)
        if size == 0:
            raise DomainError(f"附件“{clean_label(name)}”为空")
        if size > _max_bytes():
            limit_mb = _max_bytes() / 1048576
            raise DomainError(f"附件“{clean_label(name)}”过大：上限为 {limit_mb:.0f} MB")
        sniff(handle.read(16), name)
        handle.seek(0)


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    label: str
    kind: str
    size: int
    sha256: str


def file_store(name: str, handle: IO[bytes]) -> StoredFile:
    """Write one checked file under a random name (any app's attachments: case evidence, plan
    task reports). A file written for a transaction that rolls back is left without a row and
    is harmless (random name, never served)."""
    data = handle.read()
    kind = sniff(data[:16], name)
    stored_name = secrets.token_hex(16) + "." + kind
    temporary = _folder() / (stored_name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, _folder() / stored_name)
    return StoredFile(
        stored_name=stored_name,
        label=clean_label(name),
        kind=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def evidence_store(
    files: list[tuple[str, IO[bytes]]],
    *,
    case: Case | None = None,
    correction: SelfCorrection | None = None,
) -> list[Evidence]:
    """Store checked files; call inside the transaction that creates their case, after
    `check_uploads`."""
    return [
        Evidence.objects.create(
            case=case, correction=correction, **dataclasses.asdict(file_store(name, handle))
        )
        for name, handle in files
    ]


class Stored(Protocol):
    """What serving a stored file needs: its random name, its label and its judged kind."""

    stored_name: str
    label: str
    kind: str


def evidence_path(evidence: Stored) -> Path:
    return _folder() / evidence.stored_name
