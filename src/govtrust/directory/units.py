"""Choosing a government or department: the tree 市州 → 县市区 → 乡镇街道 / 部门 as the unit
picker walks it, search by name, code or pinyin (full or initials), and reading a chosen value back.

A value names a government by its division code ("620123100") or a department as "d" + its id
("d42"). Only public data is read: names and the tree, never a credit code or a person. The tree
follows the policy's supervision (`policy.supervisor`), so 兰州新区 sits beside the 市州 as the
portal groups it. Option labels carry their parent (城关镇人民政府（榆中县）): twenty townships
of Gansu are called 城关镇.

The index is built once per process and rebuilt when the directory's size or newest row changes
(loading divisions or adding a department); building it for 1,506 governments takes well under a
second.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min
from pypinyin import Style, lazy_pinyin

from govtrust.directory import policy
from govtrust.directory.models import Department, Government

ROOT = "62"
SEARCH_LIMIT = 20
_DEPARTMENT = re.compile(r"^d([1-9]\d{0,9})$")
_DIVISION = re.compile(r"^\d{2,12}$")
_ASCII = re.compile(r"^[a-z]+$")

UNKNOWN = "所选单位不存在，请从列表中选择，或输入名称、拼音首字母搜索"
OUTSIDE = "所选单位不在可选范围内，请重新选择"


@dataclass(frozen=True)
class Unit:
    value: str  # division code (a government) or d<id> (a department)
    name: str
    parent_name: str  # shown in brackets after the name
    node: str  # the division code: the government's own, a department's government's
    parent: str  # the value of the parent in the picker's tree ("" at the top)
    government_id: int
    department_id: int | None
    initials: str
    spelled: str
    has_children: bool = False

    @property
    def label(self) -> str:
        return f"{self.name}（{self.parent_name}）" if self.parent_name else self.name

    @property
    def is_department(self) -> bool:
        return self.department_id is not None

    def as_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "name": self.name,
            "label": self.label,
            "parent": self.parent,
            "department": self.is_department,
            "has_children": self.has_children,
        }


def _pinyin(name: str) -> tuple[str, str]:
    syllables = [s.lower() for s in lazy_pinyin(name, errors="ignore")]
    initials = "".join(
        s[0] for s in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore") if s
    ).lower()
    return initials, "".join(syllables)


@dataclass
class _Index:
    stamp: tuple[Any, ...]
    units: dict[str, Unit]
    children: dict[str, list[str]]  # parent value -> child values, in code / name order
    groups: list[tuple[str, list[Unit]]]  # governments by 市州, for the select without script


def _stamp() -> tuple[Any, ...]:
    g = Government.objects.aggregate(n=Count("id"), top=Max("id"))
    d = Department.objects.aggregate(
        n=Count("id"), top=Max("id"), first=Min("name"), last=Max("name")
    )
    return (g["n"], g["top"], d["n"], d["top"], d["first"], d["last"])


def forget() -> None:
    """Drop the index (tests, after renaming a unit): the next read rebuilds it."""
    global _cached
    with _lock:
        _cached = None


def _parent_name(name: str, parent: str, level: str) -> str:
    # 嘉峪关市 (县级, 620201) under 嘉峪关市 (市州, 6202): the bare parent name tells nothing.
    return f"{parent}·县级" if name == parent and level == "county" else parent


def _build(stamp: tuple[Any, ...]) -> _Index:
    governments = list(Government.objects.select_related("division").order_by("division_id").all())
    by_code = {g.division_id: g for g in governments}
    units: dict[str, Unit] = {}
    children: dict[str, list[str]] = {}
    for g in governments:
        code = g.division_id
        above = policy.supervisor(code)
        parent = "" if code == ROOT or above == ROOT else above
        parent_gov = by_code.get(above)
        parent_name = (
            "省级"
            if code == ROOT
            else _parent_name(
                g.division.name, parent_gov.division.name if parent_gov else "", g.division.level
            )
        )
        units[code] = Unit(code, g.name, parent_name, code, parent, g.pk, None, *_pinyin(g.name))
        children.setdefault(parent, []).append(code)
    gov_of = {g.pk: g for g in governments}
    for d in Department.objects.order_by("government_id", "name").only(
        "id", "name", "government_id", "division_code"
    ):
        gov = gov_of.get(d.government_id)
        if gov is None:
            continue
        value = f"d{d.pk}"
        units[value] = Unit(
            value,
            d.name,
            gov.name,
            gov.division_id,
            gov.division_id,
            gov.pk,
            d.pk,
            *_pinyin(d.name),
        )
        children.setdefault(gov.division_id, []).append(value)
    for value, unit in list(units.items()):
        if children.get(value) and value != "":
            units[value] = _with_children(unit)
    groups: list[tuple[str, list[Unit]]] = []
    for top in children.get("", []):
        if top == ROOT:
            groups.append(("省级", [units[top]]))
            continue
        members = [units[top]]
        stack = [c for c in reversed(children.get(top, [])) if not c.startswith("d")]
        while stack:
            value = stack.pop()
            members.append(units[value])
            stack += [c for c in reversed(children.get(value, [])) if not c.startswith("d")]
        groups.append(
            (units[top].name.removesuffix("人民政府").removesuffix("管理委员会"), members)
        )
    return _Index(stamp, units, children, groups)


def _with_children(unit: Unit) -> Unit:
    return Unit(**{**unit.__dict__, "has_children": True})


_lock = threading.Lock()
_cached: _Index | None = None


def _index() -> _Index:
    global _cached
    stamp = _stamp()
    with _lock:
        if _cached is None or _cached.stamp != stamp:
            _cached = _build(stamp)
        return _cached


def _inside(unit: Unit, within: str) -> bool:
    """Within the subtree the policy puts under `within` (兰州新区 is not under 兰州市)."""
    return not within or (unit.node.startswith(within) and within in policy.lineage(unit.node))


def _scope(within: str) -> str:
    return "" if within == ROOT else within


def _allowed(unit: Unit, within: str, departments: bool) -> bool:
    return (departments or not unit.is_department) and _inside(unit, within)


def children(parent: str, *, within: str = "", departments: bool = True) -> list[Unit]:
    """The units one level below `parent` ("" for the top: 甘肃省人民政府, the 市州 and
    兰州新区). Under `within` (a division code) only that subtree is offered; its own
    government then stands at the top."""
    index, within = _index(), _scope(within)
    if within and parent == "":
        own = index.units.get(within)
        return [own] if own is not None else []
    if parent == ROOT:
        # The 市州 stand beside the province at the top; below it only its departments.
        values = [v for v in index.children.get(ROOT, []) if v.startswith("d")]
    else:
        values = index.children.get(parent, [])
    return [index.units[v] for v in values if _allowed(index.units[v], within, departments)]


def search(
    query: str, *, within: str = "", departments: bool = True, limit: int = SEARCH_LIMIT
) -> list[Unit]:
    """Units whose name contains `query`, or whose pinyin (initials or full, e.g. "cgz",
    "chengguanzhen") starts with or contains it, or whose code starts with it; best first."""
    q, within = "".join(query.split()).lower()[:40], _scope(within)
    if not q:
        return []
    ranked: list[tuple[int, int, str, Unit]] = []
    for unit in _index().units.values():
        if not _allowed(unit, within, departments):
            continue
        if _ASCII.match(q):
            if unit.initials.startswith(q):
                score = 0
            elif unit.spelled.startswith(q):
                score = 1
            elif q in unit.initials:
                score = 2
            elif q in unit.spelled:
                score = 3
            else:
                continue
        elif q.isdecimal():
            if unit.is_department or not unit.value.startswith(q):
                continue
            score = 0
        elif unit.name.startswith(q):
            score = 0
        elif q in unit.name:
            score = 1
        elif q in unit.label:
            score = 2
        else:
            continue
        ranked.append((score, len(unit.node), unit.value, unit))
    ranked.sort(key=lambda r: r[:3])
    return [r[3] for r in ranked[:limit]]


def groups(*, within: str = "") -> list[tuple[str, list[Unit]]]:
    """Every government by 市州, for the picker's plain select (no script)."""
    within = _scope(within)
    return [
        (name, [u for u in members if _inside(u, within)])
        for name, members in _index().groups
        if any(_inside(u, within) for u in members)
    ]


def unit_get(value: str) -> Unit | None:
    """The unit a posted value names, or None for anything else (unknown, malformed, hostile)."""
    value = (value or "").strip()
    if not (_DIVISION.match(value) or _DEPARTMENT.match(value)):
        return None
    return _index().units.get(value)


def path(value: str, *, within: str = "") -> list[Unit]:
    """The unit and the ones above it in the picker's tree, top first (to preset the cascade);
    under `within` the chain starts at that unit."""
    index, within = _index(), _scope(within)
    chain: list[Unit] = []
    unit = index.units.get(value)
    while unit is not None and len(chain) < 6:
        chain.append(unit)
        if within and unit.value == within:
            break
        unit = index.units.get(unit.parent) if unit.parent else None
    if within and (not chain or chain[-1].value != within):
        return []
    return chain[::-1]
