"""Attachments kept across a refused submission, so the filer need not choose them again.

A browser never refills a file input. When a public form is refused (a missing field, a text too
short), the files it carried are checked like evidence (type by content, size, count) and kept
under var/evidence-staging/<random>/, outside the web root; the form then carries a signed token
naming that folder and the files' names. The next submission reads them back with the token;
a filing that succeeds removes the folder. Folders older than HOLD_SECONDS are swept away whenever
files are kept. Files that fail the evidence checks are not kept: the refusal names them.

HOLD_SECONDS is 本地政策 (GOVTRUST_EVIDENCE_HOLD_SECONDS): long enough to fix a form, short
enough that nothing lingers.
"""

from __future__ import annotations

import re
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core import signing

from govtrust.core.errors import DomainError
from govtrust.remedies.services.evidence import check_uploads, clean_label

SALT = "govtrust.remedies.staged-evidence"
_FOLDER = re.compile(r"^[0-9a-f]{32}$")
_CHUNK = 1 << 16


def hold_seconds() -> int:
    return int(getattr(settings, "GOVTRUST_EVIDENCE_HOLD_SECONDS", 7200))


def _root() -> Path:
    path = Path(settings.VAR_DIR) / "evidence-staging"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class Kept:
    """Files read back from a token: (name, open handle) pairs, to be closed by the caller."""

    token: str = ""
    names: list[str] = field(default_factory=list)
    files: list[tuple[str, IO[bytes]]] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # named by the token but gone or expired

    def close(self) -> None:
        for _, handle in self.files:
            handle.close()


def _sweep(root: Path) -> None:
    cutoff = time.time() - hold_seconds()
    for folder in root.iterdir():
        if _FOLDER.match(folder.name) and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


def stage(files: list[tuple[str, IO[bytes]]]) -> tuple[str, list[str]]:
    """Keep `files` (already checked or not: they are checked here); ("", []) when there are none
    or any fails the evidence checks (the caller then names them as lost)."""
    if not files:
        return "", []
    try:
        check_uploads(files)
    except DomainError:
        return "", []
    root = _root()
    _sweep(root)
    folder = root / secrets.token_hex(16)
    folder.mkdir()
    names = []
    for index, (name, handle) in enumerate(files):
        handle.seek(0)
        with (folder / str(index)).open("wb") as out:
            while chunk := handle.read(_CHUNK):
                out.write(chunk)
        names.append(clean_label(name))
    return signing.dumps({"d": folder.name, "n": names}, salt=SALT), names


def _payload(token: str) -> tuple[str, list[str]] | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=hold_seconds())
    except signing.BadSignature:  # SignatureExpired is one
        return None
    folder, names = data.get("d"), data.get("n")
    if not isinstance(folder, str) or not _FOLDER.match(folder) or not isinstance(names, list):
        return None
    return folder, [clean_label(str(n)) for n in names]


def kept_open(token: str) -> Kept:
    """The files a token names, opened; those missing (expired, already filed) listed as lost.
    A forged or malformed token keeps nothing."""
    if not token:
        return Kept()
    payload = _payload(token[:2000])
    if payload is None:
        return Kept(lost=["（已保留的附件已过期）"])
    folder, names = payload
    path = _root() / folder
    kept = Kept(token=token)
    for index, name in enumerate(names):
        file = path / str(index)
        if file.is_file():
            kept.files.append((name, file.open("rb")))
            kept.names.append(name)
        else:
            kept.lost.append(name)
    return kept


def kept_discard(token: str) -> None:
    """Remove the folder a token names (its case is filed, or the filer dropped the files)."""
    payload = _payload(token[:2000]) if token else None
    if payload is not None:
        shutil.rmtree(_root() / payload[0], ignore_errors=True)
