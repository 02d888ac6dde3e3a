"""Reading the system administrator's reference-data uploads: the State Council's holiday
schedule (CSV or JSON, several years at once) and an update of the administrative divisions
(CSV). Parsing only; reference_imports.py previews and applies. Every refusal is a DomainError
in Chinese naming the row, and nothing is written until a whole file reads cleanly."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from govtrust.core.errors import DomainError
from govtrust.core.workdays.services import ScheduleDay, implausible_year
from govtrust.directory.models import Level

MAX_BYTES = 2 << 20  # a national division file of every township is ~1.5 MB; a schedule is ~3 KB
MAX_ERRORS = 20  # rows named in one refusal; the rest are counted

KINDS = {"休": False, "班": True}
# The level column takes the code (as gansu_divisions.csv has it) or the Chinese label.
LEVELS = {**{v: v for v in Level.values}, **{label: v for v, label in Level.choices}}
CODE_LENGTH = {Level.PROVINCE: 2, Level.PREFECTURE: 4, Level.COUNTY: 6, Level.TOWNSHIP: 9}


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030, as Excel on a Chinese Windows saves CSV."""
    if len(data) > MAX_BYTES:
        raise DomainError(f"文件过大：不能超过 {MAX_BYTES >> 20} MiB")
    if not data.strip():
        raise DomainError("文件为空")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break  # UTF-16 or a binary file: neither encoding really fits
        return text
    raise DomainError("无法识别文件编码，请另存为 UTF-8 或 GB18030（GBK）编码的 CSV 文件")


def _invisible(text: str) -> bool:
    """Control or format characters (NUL, U+202E right-to-left override, zero-width ones): none
    belongs in a division name or a holiday's notice and note, and a bidi override would make a
    government's name read otherwise on every page and PDF that shows it."""
    return any(unicodedata.category(c) in ("Cc", "Cf") for c in text)


def _rows(text: str, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [name for name in required if name not in header]
    if missing:
        raise DomainError(f"缺少列：{'、'.join(missing)}（第一行应为列名：{','.join(required)}）")
    reader.fieldnames = header
    return [
        (number, {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)})
        for number, row in enumerate(reader, start=2)
    ]


def _refuse(title: str, errors: list[str]) -> None:
    if errors:
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            shown.append(f"另有 {len(errors) - MAX_ERRORS} 处错误未列出")
        raise DomainError(title, errors=[("file", e) for e in shown])


# ---- the holiday schedule ------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleYear:
    year: int
    source: str  # the notice's 文号, e.g. 国办发明电〔2026〕7号
    days: list[ScheduleDay]


def _holiday_items(text: str, filename: str) -> list[tuple[int, dict[str, str]]]:
    if filename.lower().endswith(".json") or text.lstrip().startswith(("[", "{")):
        try:
            loaded: Any = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DomainError(f"JSON 格式有误：第 {exc.lineno} 行第 {exc.colno} 列") from exc
        except RecursionError as exc:  # "[[[[…": the decoder's stack, not a schedule
            raise DomainError("JSON 格式有误：嵌套层数过多") from exc
        if isinstance(loaded, dict):
            loaded = loaded.get("days")
        if not isinstance(loaded, list) or not all(isinstance(i, dict) for i in loaded):
            raise DomainError("JSON 应为对象数组，每个对象含 date、kind、source")
        return [
            (number, {k: str(v).strip() for k, v in item.items()})
            for number, item in enumerate(loaded, start=1)
        ]
    return _rows(text, ("date", "kind", "source"))


def parse_holidays(data: bytes, filename: str) -> list[ScheduleYear]:
    """One row a day: date (YYYY-MM-DD), kind (休 or 班), source (the notice's 文号), and an
    optional note (国庆节). Each year comes whole from one notice."""
    items = _holiday_items(decode(data), filename)
    errors: list[str] = []
    years: dict[int, ScheduleYear] = {}
    seen: set[datetime.date] = set()
    unit = "项" if filename.lower().endswith(".json") else "行"
    for number, row in items:
        where = f"第{number}{unit}"
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", row.get("date", "")):
            errors.append(f"{where}日期应为 YYYY-MM-DD：{row.get('date', '')[:20]}")
            continue
        try:
            day = datetime.date.fromisoformat(row["date"])
        except ValueError:
            errors.append(f"{where}日期无效：{row['date']}")
            continue
        kind, source = row.get("kind", ""), row.get("source", "")[:200]
        if kind not in KINDS:
            errors.append(f"{where}类型应为“休”或“班”：{kind[:10]}")
            continue
        if not source:
            errors.append(f"{where}缺少通知文号（source）")
            continue
        if _invisible(source + row.get("note", "")):
            errors.append(f"{where}文号或说明含有控制符等不可见字符")
            continue
        if not 2000 <= day.year <= 2100:
            errors.append(f"{where}年度应在2000至2100之间")
            continue
        if day in seen:
            errors.append(f"{where}日期重复：{day}")
            continue
        seen.add(day)
        year = years.setdefault(day.year, ScheduleYear(day.year, source, []))
        if year.source != source:
            errors.append(f"{where}{day.year}年的文号应一致：{year.source} 与 {source}")
            continue
        year.days.append(ScheduleDay(day, KINDS[kind], row.get("note", "")[:60]))
    errors += [m for y in years.values() if (m := implausible_year(y.year, y.days))]
    _refuse("节假日安排文件有误，未导入任何内容", errors)
    if not years:
        raise DomainError("文件中没有任何日期")
    return [years[y] for y in sorted(years)]


# ---- administrative divisions --------------------------------------------------------------


@dataclass(frozen=True)
class DivisionRow:
    line: int
    code: str
    name: str
    level: str
    parent: str


def parse_divisions(data: bytes) -> list[DivisionRow]:
    """CSV with columns code, name, parent_code, level (the shipped gansu_divisions.csv's own
    shape). The checks that need the database (unknown parent) are the preview's."""
    errors: list[str] = []
    rows: list[DivisionRow] = []
    seen: set[str] = set()
    for number, row in _rows(decode(data), ("code", "name", "parent_code", "level")):
        where = f"第{number}行"
        code, name, parent = row["code"], row["name"], row["parent_code"]
        level = LEVELS.get(row["level"])
        if level is None:
            errors.append(f"{where}层级应为 省、市州、县市区 或 乡镇街道：{row['level'][:10]}")
            continue
        if not code.isascii() or not code.isdigit() or len(code) != CODE_LENGTH[Level(level)]:
            errors.append(
                f"{where}区划代码应为 {CODE_LENGTH[Level(level)]} 位数字"
                f"（{Level(level).label}）：{code[:20]}"
            )
            continue
        if not name or len(name) > 60:
            errors.append(f"{where}名称应为1至60个字")
            continue
        if _invisible(name):
            errors.append(f"{where}名称含有控制符等不可见字符")
            continue
        if code in seen:
            errors.append(f"{where}区划代码重复：{code}")
            continue
        if level == Level.PROVINCE:
            errors.append(f"{where}不能通过导入增改省级区划：{code}")
            continue
        seen.add(code)
        rows.append(DivisionRow(number, code, name, level, parent))
    _refuse("行政区划文件有误，未导入任何内容", errors)
    if not rows:
        raise DomainError("文件中没有任何区划")
    return rows
