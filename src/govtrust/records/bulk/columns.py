"""The columns of the intake template and of the legacy 行政处罚 "双公示" exchange format.

The header row is found, not assumed: sheets arrive with title rows, merged banners and notes
above the header. A row with enough known headers is the header; every column is then read by
name, so column order does not matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from govtrust.records.bulk import cells
from govtrust.records.models import (
    CourtGround,
    Domain,
    Procedure,
    SafetyArea,
    Severity,
    SourceType,
    SubjectKind,
)

_HEADER_SCAN_ROWS = 30


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    required: bool
    note: str
    synonyms: tuple[str, ...] = ()
    choices: tuple[tuple[str, str], ...] = ()


def _choices(enum: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(value), str(label)) for value, label in enum.choices)


COLUMNS: tuple[Column, ...] = (
    Column(
        "subject_kind",
        "主体类型",
        True,
        "政府 / 部门 / 公务员",
        ("失信主体类型",),
        _choices(SubjectKind),
    ),
    Column(
        "subject_name",
        "主体名称",
        True,
        "政府、部门全称或公务员姓名",
        ("失信主体名称", "名称", "姓名"),
    ),
    Column(
        "subject_identifier",
        "统一社会信用代码/身份证号码",
        True,
        "政府、部门填统一社会信用代码；公务员填身份证号码",
        ("统一社会信用代码", "身份证号码", "证件号码", "主体代码"),
    ),
    Column(
        "source_type", "失信来源", True, "司法判决、行政处罚等", ("来源",), _choices(SourceType)
    ),
    Column("domain", "领域", True, "政府采购、PPP 等", ("所属领域",), _choices(Domain)),
    Column("severity", "严重程度", True, "轻微 / 一般 / 严重", ("失信程度",), _choices(Severity)),
    Column(
        "safety_area",
        "特殊领域",
        False,
        "安全生产 / 消防安全 / 特种设备；其他领域不填",
        ("安全领域",),
        _choices(SafetyArea),
    ),
    Column("decision_number", "文书号", True, "决定书、判决书文号", ("决定书文号", "文号")),
    Column("decision_date", "决定日期", True, "如 2025-03-05", ("作出决定日期",)),
    Column("authority_name", "决定机关", True, "作出决定的机关", ("处罚机关", "决定单位")),
    Column("authority_uscc", "决定机关统一社会信用代码", False, "可不填", ()),
    Column("facts", "失信事实", True, "", ("违法事实", "事实")),
    Column("basis", "依据", True, "法律、法规、文件依据", ("处理依据", "处罚依据")),
    Column("outcome", "处理结果", True, "", ("处理内容", "处罚内容")),
    Column(
        "amount",
        "金额（万元）",
        False,
        "可不填；单位为万元",
        ("金额", "金额(万元)", "罚款金额（万元）"),
    ),
    Column("arose_on", "信息产生日期", True, "报送期限自次日起算7个工作日", ("产生日期",)),
    Column(
        "procedure",
        "决定程序",
        False,
        "简易程序 / 普通程序；不填为普通程序",
        ("处罚程序", "程序"),
        _choices(Procedure),
    ),
    Column(
        "penalties",
        "处罚种类",
        False,
        "警告、通报批评、罚款、没收、暂扣或吊销许可证件、限制从业、责令停产停业、行政拘留、其他；"
        "多种用顿号分隔",
        ("处罚类别",),
    ),
    Column(
        "court_ground",
        "失信情形",
        False,
        "仅失信被执行人：法释〔2017〕7号第一条第几项（1至6）",
        ("失信被执行人情形",),
        _choices(CourtGround),
    ),
    Column("extension_years", "延长年限", False, "仅失信被执行人：0至3", ("纳入期限延长年数",)),
    Column(
        "minor_published",
        "轻微失信确有必要公示",
        False,
        "是 / 否；仅轻微失信信息，不填为否",
        ("确有必要公示",),
    ),
)

# Legacy 行政处罚 "双公示" columns (domain.md §3) for penalties whose party is a government body
# or a civil servant. An organisation's code is in CF_XDR_SHXYM; a natural person's ID number is in
# CF_XDR_ZJHM, its type in CF_XDR_ZJLX (mapping.py chooses between them row by row).
LEGACY: dict[str, str] = {
    "CF_WSH": "decision_number",
    "CF_XDR_MC": "subject_name",
    "CF_XDR_SHXYM": "subject_identifier",
    "CF_XDR_ZJHM": "subject_identifier",
    "CF_SY": "facts",
    "CF_YJ": "basis",
    "CF_NR": "outcome",
    "CF_NR_FK": "amount",
    "CF_JDRQ": "decision_date",
    "CF_CFJG": "authority_name",
    "CF_CFJGDM": "authority_uscc",
    "CF_CFLB": "penalties",
}
LEGACY_REQUIRED = ("CF_WSH", "CF_XDR_MC", "CF_JDRQ", "CF_CFJG")
LEGACY_IDENTIFIERS = ("CF_XDR_SHXYM", "CF_XDR_ZJHM")  # at least one of them


# The court's list of dishonest debtors (失信被执行人名单) as the provincial credit office
# receives it for government bodies: one row per entry, matched to its subject by USCC. A row with
# a deletion date is the court's deletion (performance, revocation): it ends the entry.
COURT: dict[str, str] = {
    "案号": "decision_number",
    "执行法院": "authority_name",
    "失信情形": "court_ground",
    "发布日期": "decision_date",
    "撤销/删除日期": "deleted_on",
    "统一社会信用代码": "subject_identifier",
    "被执行人": "subject_name",
    "延长年限": "extension_years",
}
COURT_SYNONYMS = {
    "删除日期": "撤销/删除日期",
    "撤销日期": "撤销/删除日期",
    "撤销或删除日期": "撤销/删除日期",
    "被执行人名称": "被执行人",
    "被执行人姓名/名称": "被执行人",
}
COURT_REQUIRED = ("案号", "执行法院", "失信情形", "发布日期", "统一社会信用代码")


def _key(header: Any) -> str:
    return cells.compact(header).replace("*", "").replace("＊", "").upper()


_LOOKUP: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.header, *_column.synonyms):
        _LOOKUP[_key(_name)] = _column.field
# Only in the court's list: the day the court deleted (or revoked) the entry.
DELETED_ON = Column("deleted_on", "撤销/删除日期", False, "人民法院删除或撤销之日")
BY_FIELD = {column.field: column for column in (*COLUMNS, DELETED_ON)}
LABELS: dict[str, dict[str, str]] = {
    column.field: {
        **{label: value for value, label in column.choices},
        **{value: value for value, _label in column.choices},
    }
    for column in COLUMNS
    if column.choices
}
LABELS["court_ground"] |= {
    f"{prefix}{numeral}{suffix}": str(value)
    for value, numeral in enumerate("一二三四五六", start=1)
    for prefix, suffix in (("", ""), ("（", "）"), ("(", ")"), ("第", "项"))
}
LABELS["subject_kind"] |= {
    "人民政府": "government",
    "政府部门": "department",
    "个人": "civil_servant",
}


@dataclass(frozen=True)
class Layout:
    header_row: int  # 0-based index of the header row in the sheet
    positions: dict[str, int]  # field (or CF_ code in legacy files) -> column index
    legacy: bool
    court: bool = False  # the court's list (COURT): positions by field


def find_layout(rows: list[list[Any]]) -> Layout | None:
    """The header among the first rows: the template's names, their synonyms, or CF_* codes."""
    for index, row in enumerate(rows[:_HEADER_SCAN_ROWS]):
        keys = [_key(cell) for cell in row]
        court = _court_positions(keys)
        if court is not None:
            return Layout(index, court, legacy=False, court=True)
        legacy = {k: i for i, k in enumerate(keys) if k.startswith("CF_") or k == "BZ"}
        if all(code in legacy for code in LEGACY_REQUIRED) and any(
            code in legacy for code in LEGACY_IDENTIFIERS
        ):
            return Layout(index, legacy, legacy=True)
        positions: dict[str, int] = {}
        for i, key in enumerate(keys):
            field = _LOOKUP.get(key)
            if field and field not in positions:
                positions[field] = i
        if len(positions) >= 5:
            return Layout(index, positions, legacy=False)
    return None


def _court_positions(keys: list[str]) -> dict[str, int] | None:
    """The court list's columns by field, when the row is its header (案号 and 执行法院 name it)."""
    names = {_key(n): n for n in COURT} | {_key(s): n for s, n in COURT_SYNONYMS.items()}
    found = {names[k]: i for i, k in reversed(list(enumerate(keys))) if k in names}
    if "案号" not in found or "执行法院" not in found:
        return None
    return {COURT[name]: i for name, i in found.items()}


def missing_columns(layout: Layout) -> list[str]:
    if layout.court:
        return [n for n in COURT_REQUIRED if COURT[n] not in layout.positions]
    if layout.legacy:
        return [code for code in LEGACY_REQUIRED if code not in layout.positions]
    return [c.header for c in COLUMNS if c.required and c.field not in layout.positions]
