"""How much backtracking a custom redaction pattern can cost, before it is stored or previewed.

Python's `re` has no time limit, and the credit office's patterns run on every published
record and on the preview's sample: `(a|aa)+$` on 40 characters held a server worker for 30 s.
Patterns are kept to a subset whose worst case grows about linearly with the text: no
repetition of something that itself varies in length or has alternatives (nested or ambiguous
quantifiers), no back-references, and a bounded product of the variable repetitions (two
unbounded ones in a row already cost the cube of the text length)."""

from __future__ import annotations

import importlib
from typing import Any

_parser: Any = importlib.import_module("re._parser")  # sre_parse, without its deprecation
_c: Any = importlib.import_module("re._constants")

UNBOUNDED = 2000  # an unbounded repeat counted as the longest text it runs on (the sample)
MAX_COST = 4 * UNBOUNDED  # one unbounded repeat and a few short ranges


class TooCostly(ValueError):
    """The pattern may backtrack too much; the message is for the user."""


_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}


def _cost(items: Any) -> tuple[int, bool]:
    """(worst-case factor, whether the part varies in length or has alternatives)."""
    total, varies = 1, False
    for op, av in items:
        if op in _REPEATS:
            low, high, sub = av
            inner, inner_varies = _cost(sub)
            width = min(high, UNBOUNDED) - low + 1
            if width > 1 and inner_varies:
                raise TooCostly("含有嵌套或有多种匹配方式的重复（如 (a|aa)+、(\\d+)*）")
            total *= max(width, 1) * inner
            varies = varies or width > 1 or inner_varies
        elif op is _c.SUBPATTERN:
            inner, inner_varies = _cost(av[-1])
            total, varies = total * inner, varies or inner_varies
        elif op is _c.BRANCH:
            costs = [_cost(branch) for branch in av[1]]
            total *= sum(c for c, _v in costs)
            varies = True
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            inner, _v = _cost(av[1])
            total *= inner
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            inner, inner_varies = _cost(av)
            total, varies = total * inner, varies or inner_varies
        elif op in (_c.GROUPREF, _c.GROUPREF_EXISTS):
            raise TooCostly("不支持反向引用")
        if total > MAX_COST:
            raise TooCostly("可变长度的重复过多（如 \\d+\\d+）")
    return total, varies


def check(pattern: str) -> None:
    """Refuse (TooCostly) a pattern outside the linear subset; `pattern` compiles already."""
    _cost(_parser.parse(pattern))
