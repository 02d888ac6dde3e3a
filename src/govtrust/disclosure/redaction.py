"""Masking personal data inside free text, every occurrence.

Citizen ID numbers are masked by rules built into the code, applied before any rule kept as
data: no row, proposal or database edit can switch them off or weaken them (issue 11). The other
kinds (phone numbers, e-mail, bank cards, addresses) are chosen by the provincial credit office
from a catalogue of kinds, plus its own regular expressions ("advanced"), stored as RedactionRule
rows once a second member of the office approved the change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

MAX_KEEP = 10  # characters kept at either end; beyond that a mask hides too little to matter


@dataclass(frozen=True)
class RuleSpec:
    """One masking rule as stored and proposed: `name` is the internal key (a catalogue kind or
    custom_N), `label` what people read."""

    name: str
    label: str
    pattern: str
    keep_head: int
    keep_tail: int
    active: bool = True

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def of(cls, data: dict[str, Any]) -> RuleSpec:
        return cls(
            name=str(data["name"]),
            label=str(data["label"]),
            pattern=str(data["pattern"]),
            keep_head=int(data["keep_head"]),
            keep_tail=int(data["keep_tail"]),
            active=bool(data["active"]),
        )


# GB 11643-1999: 6-digit area, 8-digit birth date, 3-digit sequence, check digit (0-9 or X).
CITIZEN_ID = RuleSpec(
    "citizen_id",
    "身份证号码（18位）",
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?![0-9A-Za-z])",
    6,
    4,
)
CITIZEN_ID_15 = RuleSpec(
    "citizen_id_15",
    "身份证号码（15位旧号码）",
    r"(?<![0-9A-Za-z])[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])",
    6,
    3,
)
BUILT_IN: tuple[RuleSpec, ...] = (CITIZEN_ID, CITIZEN_ID_15)
BUILT_IN_NAMES = frozenset(r.name for r in BUILT_IN)

# Kinds the office switches on or off and sets the kept characters of; the patterns are ours.
# Bank cards and addresses are new kinds and start off, so adding them changes no public view.
KINDS: tuple[RuleSpec, ...] = (
    RuleSpec(
        "mobile",
        "手机号码",
        r"(?<![\d+])(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)",
        3,
        4,
    ),
    RuleSpec("landline", "固定电话", r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)", 4, 2),
    RuleSpec("email", "电子邮箱", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", 1, 0),
    RuleSpec(
        "bank_card",
        "银行卡号",
        r"(?<![0-9A-Za-z])(?:\d{4}[ -]?){3}\d{4}(?:[ -]?\d{1,3})?(?![0-9A-Za-z])",
        6,
        4,
        active=False,
    ),
    RuleSpec(
        "address",
        "详细地址（县级以下部分）",
        # After a county-level name (区/县/旗/市): a road, street or village, then a house
        # number and any building, unit or room. The county and everything above stay readable.
        r"(?<=[区县旗市])(?:(?![区县旗市])[\u4e00-\u9fa5A-Za-z0-9]){1,20}?"
        r"(?:路|街|巷|道|村|社区|小区|花园|大厦|公寓)[\u4e00-\u9fa5A-Za-z0-9-]{0,20}?"
        r"\d+(?:号楼|号院|号|栋|幢|单元|室|组|社)(?:[\dA-Za-z-]+(?:号楼|号|栋|幢|单元|室))*",
        0,
        0,
        active=False,
    ),
)
KIND_NAMES = frozenset(k.name for k in KINDS)
CUSTOM_NAME = re.compile(r"custom_[1-9]\d{0,5}")

# What the preview starts from: one of every kind, so the office sees each rule at work.
SAMPLE_TEXT = (
    "当事人王某，身份证号码620102198001011234，旧证号620102800101123，"
    "手机13812345678，座机0931-8765432，邮箱wang.wei@example.com，"
    "银行卡6222 0212 3456 7890 123，住址甘肃省兰州市城关区张掖路123号5栋2单元301室。"
)

# The shape migrations 0002 and 0003 read (name, pattern, keep head, keep tail, note): the rules
# that were rows before the ID rules were built in.
DEFAULT_RULES: tuple[tuple[str, str, int, int, str], ...] = tuple(
    (r.name, r.pattern, r.keep_head, r.keep_tail, r.label) for r in (*BUILT_IN, *KINDS) if r.active
)


def describe(rule: RuleSpec) -> str:
    """How a rule masks, in words (for the rule table and the diff)."""
    if rule.name == "email":
        return f"保留@前{rule.keep_head}位" if rule.keep_head else "@前全部遮蔽"
    kept = [f"前{rule.keep_head}位"] * bool(rule.keep_head) + [f"后{rule.keep_tail}位"] * bool(
        rule.keep_tail
    )
    return "保留" + "、".join(kept) if kept else "全部遮蔽"


_KIND_ORDER = {k.name: i for i, k in enumerate(KINDS)}


def display_order(name: str) -> tuple[int, str]:
    """Catalogue kinds in catalogue order, then custom rules by name."""
    return _KIND_ORDER.get(name, len(KINDS)), name


def summary(rule: RuleSpec) -> str:
    return f"{'启用' if rule.active else '未启用'}，{describe(rule)}"


@dataclass(frozen=True)
class DiffRow:
    rule: str
    item: str
    before: str
    after: str


def rules_diff(before: list[RuleSpec], after: list[RuleSpec]) -> list[DiffRow]:
    """What a proposal changes, rule by rule and item by item, catalogue kinds first."""
    old, new = {r.name: r for r in before}, {r.name: r for r in after}
    rows: list[DiffRow] = []
    for name in sorted(old.keys() | new.keys(), key=display_order):
        b, a = old.get(name), new.get(name)
        if a is None and b is not None:
            rows.append(DiffRow(b.label, "删除规则", summary(b), "—"))
        elif b is None and a is not None:
            rows.append(DiffRow(a.label, "新增规则", "—", f"{summary(a)}，{a.pattern}"))
        elif a is not None and b is not None:
            items = (
                ("名称", b.label, a.label),
                ("状态", "启用" if b.active else "未启用", "启用" if a.active else "未启用"),
                ("遮蔽方式", describe(b), describe(a)),
                ("正则表达式", b.pattern, a.pattern),
            )
            rows += [DiffRow(a.label, i, x, y) for i, x, y in items if x != y]
    return rows


@dataclass(frozen=True)
class CompiledRule:
    name: str
    regex: re.Pattern[str]
    keep_head: int
    keep_tail: int


def compile_rules(rules: Iterable[RuleSpec]) -> list[CompiledRule]:
    return [CompiledRule(r.name, re.compile(r.pattern), r.keep_head, r.keep_tail) for r in rules]


_BUILT_IN = compile_rules(BUILT_IN)


def _mask(text: str, head: int, tail: int) -> str:
    if "@" in text:
        local, _, domain = text.partition("@")
        return f"{local[:head]}***@{domain}"
    hidden = len(text) - head - tail
    if hidden <= 0:
        return "*" * len(text)
    return text[:head] + "*" * hidden + (text[-tail:] if tail else "")


def redact(text: str, rules: list[CompiledRule]) -> str:
    """Every match of every rule masked (re.sub replaces all occurrences, not the first).

    The built-in ID rules run first, whatever `rules` holds: a later rule only ever sees, and
    can only mask further, text in which ID numbers are already masked."""
    for rule in (*_BUILT_IN, *rules):

        def masked(match: re.Match[str], rule: CompiledRule = rule) -> str:
            return _mask(match.group(0), rule.keep_head, rule.keep_tail)

        text = rule.regex.sub(masked, text)
    return text
