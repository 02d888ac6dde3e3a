"""Text as people type it, made safe to store: control characters removed (PostgreSQL refuses
NUL in text, and none of them belongs in a name, a title or a note), tabs and newlines kept."""

from __future__ import annotations

import re
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain(text: str) -> str:
    return _CONTROL.sub("", text or "")


def plain_data(value: Any) -> Any:
    """`plain` applied to every string in JSON-like data (PostgreSQL's jsonb refuses NUL too)."""
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, list):
        return [plain_data(item) for item in value]
    if isinstance(value, dict):
        return {plain(str(key)): plain_data(item) for key, item in value.items()}
    return value
