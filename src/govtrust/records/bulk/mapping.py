"""A sheet row as the payload RecordIn validates: the template's columns, or a legacy CF_* row."""

from __future__ import annotations

import re
from typing import Any

from govtrust.records.bulk import cells
from govtrust.records.bulk.columns import LABELS, LEGACY, Layout

_GOVERNMENT_SUFFIXES = ("人民政府", "管理委员会", "管委会", "办事处")
_DATE_FIELDS = {"decision_date", "arose_on", "deleted_on"}
_PERSON_KINDS = {"自然人", "个人", "个体", "公民"}  # CF_XDR_LB as the national format spells it


def _cell(row: list[Any], index: int | None) -> Any:
    return row[index] if index is not None and index < len(row) else None


# Penalty kinds by the words a sheet uses for them (CF_CFLB spells e.g. "暂扣或者吊销许可证、暂扣
# 或者吊销执照"); every kind named in a cell is kept.
_PENALTY_WORDS: tuple[tuple[str, str], ...] = (
    ("警告", "warning"),
    ("通报批评", "criticism"),
    ("罚款", "fine"),
    ("没收", "confiscation"),
    ("吊销", "license"),
    ("暂扣", "license"),
    ("许可证", "license"),
    ("限制从业", "restrict_practice"),
    ("停产停业", "stop_production"),
    ("拘留", "detention"),
    ("其他", "other"),
)
_PENALTY_CODES = {code for _word, code in _PENALTY_WORDS}


def penalty_codes(value: Any) -> list[str]:
    """Penalty kind codes named in a cell, in the order of the kinds; an unknown word is kept as
    it is for RecordIn to refuse with the list of kinds."""
    raw = cells.text(value)
    if not raw:
        return []
    parts = [p.strip() for p in re.split(r"[、,，;；/\s]+", raw) if p.strip()]
    found = {code for word, code in _PENALTY_WORDS if word in raw}
    found |= {p for p in parts if p in _PENALTY_CODES}
    if not found:
        return parts
    return sorted(found, key=[code for _w, code in _PENALTY_WORDS].index)


def _clean(field: str, value: Any) -> Any:
    if field == "penalties":
        return penalty_codes(value)
    if field == "minor_published":
        return cells.compact(value) in {"是", "Y", "y", "1", "TRUE", "True", "true"}
    if field == "extension_years":
        return cells.compact(value) or 0
    if field == "court_ground":
        return cells.coded(value, LABELS[field]) or None
    if field in _DATE_FIELDS:
        return cells.date(value)
    if field == "amount":
        return cells.amount(value)
    if field in LABELS:
        return cells.coded(value, LABELS[field])
    if field in {"subject_identifier", "authority_uscc"}:
        return cells.compact(value)
    return cells.text(value)


def payload(row: list[Any], layout: Layout) -> dict[str, Any]:
    """The row's values by RecordIn field, cleaned; empty optional cells left out."""
    return Mapper(layout)(row)


# Free text differs on every row: remembering its cleaned values would only cost memory.
_FREE_TEXT = frozenset(
    {"subject_name", "subject_identifier", "decision_number", "authority_name"}
    | {"facts", "basis", "outcome"}
)


class Mapper:
    """`payload` for every row of one file: the cleaning of each column is chosen once, and
    a coded, date or amount column remembers what each of its (few) distinct texts cleans to,
    so a 100,000-row file parses 公务员 or 2025-09-26 once, not 100,000 times."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.plan: list[tuple[str, int, dict[str, Any] | None]] = [
            (field, index, {} if field not in _FREE_TEXT else None)
            for field, index in layout.positions.items()
        ]

    def __call__(self, row: list[Any]) -> dict[str, Any]:
        layout = self.layout
        if layout.legacy:
            return _legacy(row, layout)
        if layout.court:
            return _court(row, layout)
        width = len(row)
        data = {}
        for field, index, memo in self.plan:
            value = row[index] if index < width else None
            if memo is None or type(value) is not str:  # 1, 1.0 and True are equal keys
                data[field] = _clean(field, value)
                continue
            try:
                cleaned = memo[value]
            except KeyError:
                cleaned = memo[value] = _clean(field, value)
            # Penalties are a list: each row gets its own.
            data[field] = list(cleaned) if type(cleaned) is list else cleaned
        for optional in ("amount", "procedure", "safety_area"):
            if data.get(optional) in ("", None):
                data.pop(optional, None)
        return data


def _legacy_person(row: list[Any], layout: Layout) -> bool:
    """A natural person: so typed in CF_XDR_LB, or with an ID number and no organisation code."""
    kind = cells.compact(_cell(row, layout.positions.get("CF_XDR_LB")))
    if kind in _PERSON_KINDS:
        return True
    uscc = cells.compact(_cell(row, layout.positions.get("CF_XDR_SHXYM")))
    return not uscc and bool(cells.compact(_cell(row, layout.positions.get("CF_XDR_ZJHM"))))


def _legacy(row: list[Any], layout: Layout) -> dict[str, Any]:
    """CF_* columns of the national 双公示 exchange: a penalty on a government body or a person.

    The format has no severity, domain or arising date: a penalty decision is "general" unless a
    reviewer says otherwise, its domain "other", and the information arises on the decision date.
    """
    person = _legacy_person(row, layout)
    skipped = "CF_XDR_SHXYM" if person else "CF_XDR_ZJHM"
    data: dict[str, Any] = {}
    for code, field in LEGACY.items():
        if code != skipped:
            data[field] = _clean(field, _cell(row, layout.positions.get(code)))
    name = str(data.get("subject_name", ""))
    if person:
        data["subject_kind"] = "civil_servant"
    else:
        government = name.endswith(_GOVERNMENT_SUFFIXES)
        data["subject_kind"] = "government" if government else "department"
    data["source_type"] = "penalty"
    data["domain"] = "other"
    data["severity"] = "general"
    data["arose_on"] = data.get("decision_date")
    if data.get("amount") in ("", None):
        data.pop("amount", None)
    return data


def _court(row: list[Any], layout: Layout) -> dict[str, Any]:
    """A court-list row: an entry of 法释〔2017〕7号, published by the court on its 发布日期. The
    subject's kind and name come from the directory by USCC (bulk_rows.court_subjects)."""
    data = {field: _clean(field, _cell(row, i)) for field, i in layout.positions.items()}
    ground = data.get("court_ground")
    data.update(
        source_type="debtor_list",
        domain="other",
        severity="serious",
        arose_on=data.get("decision_date"),
        facts=f"经人民法院纳入失信被执行人名单（法释〔2017〕7号第一条第{ground}项）",
        basis="《最高人民法院关于公布失信被执行人名单信息的若干规定》（法释〔2017〕7号）",
        outcome="纳入失信被执行人名单",
    )
    if not data.get("deleted_on"):
        data.pop("deleted_on", None)
    return data


def column_of(field: str, layout: Layout) -> int | None:
    """The sheet column a RecordIn field came from (to mark the cell in the error report)."""
    if layout.legacy:
        codes = [code for code, f in LEGACY.items() if f == field and code in layout.positions]
        if field == "arose_on":
            codes = ["CF_JDRQ"]
        return next((layout.positions[c] for c in codes if c in layout.positions), None)
    return layout.positions.get(field)
