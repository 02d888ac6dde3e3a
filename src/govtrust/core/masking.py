"""Masked display of personal identifiers, done on the server so the full value never leaves it."""

from __future__ import annotations


def mask_ric(number: str) -> str:
    """620102199001011234 -> 620102********123X style: division code and last four shown."""
    if len(number) != 18:
        return "*" * len(number)
    return f"{number[:6]}{'*' * 8}{number[14:]}"


def mask_phone(number: str) -> str:
    """13812345678 -> 138****5678."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
