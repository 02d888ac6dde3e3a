"""Error reports of refused sheets (evaluation scores, suggestion lists), kept for their uploader
to download: a random token held in the uploader's session, never the refused file itself."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings


def _folder() -> Path:
    path = Path(settings.VAR_DIR) / "uploads" / "refusals"
    path.mkdir(parents=True, exist_ok=True)
    return path


def refusal_store(report: bytes) -> str:
    token = secrets.token_hex(16)
    (_folder() / f"{token}.xlsx").write_bytes(report)
    return token


def refusal_path(token: str) -> Path | None:
    if len(token) != 32 or not all(ch in "0123456789abcdef" for ch in token):
        return None
    path = _folder() / f"{token}.xlsx"
    return path if path.is_file() else None
