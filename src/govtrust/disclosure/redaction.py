"""Masking personal data inside free text, every occurrence, with rules kept as audited data."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The rules the platform ships with; `govtrust setup` stores them as RedactionRule rows.
DEFAULT_RULES: tuple[tuple[str, str, int, int, str], ...] = (
    (
        "citizen_id",
        r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?![0-9A-Za-z])",
        6,
        4,
        "身份证号码 GB 11643",
    ),
    (
        "citizen_id_15",
        r"(?<![0-9A-Za-z])[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])",
        6,
        3,
        "15位旧身份证号码",
    ),
    (
        "mobile",
        r"(?<![\d+])(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)",
        3,
        4,
        "手机号码（含+86、空格或连字符）",
    ),
    ("landline", r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)", 4, 2, "固定电话"),
    ("email", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", 1, 0, "电子邮箱"),
)


@dataclass(frozen=True)
class CompiledRule:
    name: str
    regex: re.Pattern[str]
    keep_head: int
    keep_tail: int


def compile_rules(rows: list[tuple[str, str, int, int]]) -> list[CompiledRule]:
    return [CompiledRule(n, re.compile(p), h, t) for n, p, h, t in rows]


def _mask(text: str, head: int, tail: int) -> str:
    if "@" in text:
        local, _, domain = text.partition("@")
        return f"{local[:head]}***@{domain}"
    hidden = len(text) - head - tail
    if hidden <= 0:
        return "*" * len(text)
    return text[:head] + "*" * hidden + (text[-tail:] if tail else "")


def redact(text: str, rules: list[CompiledRule]) -> str:
    """Every match of every rule masked (re.sub replaces all occurrences, not the first)."""
    for rule in rules:

        def masked(match: re.Match[str], rule: CompiledRule = rule) -> str:
            return _mask(match.group(0), rule.keep_head, rule.keep_tail)

        text = rule.regex.sub(masked, text)
    return text
