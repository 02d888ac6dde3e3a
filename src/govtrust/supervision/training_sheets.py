"""Attendance lists as files: the columns an integrity-training attendance list has, reading
one (xlsx, xls, ods, or CSV in UTF-8 or GBK, judged by content as the records import does) and
the Excel error report of its failing rows. Nothing here writes: services/training.py does."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from govtrust.core.errors import DomainError
from govtrust.core.sheets import workbook, write_cell, write_cells
from govtrust.records.bulk import cells, readers, sniff

# 本地政策: the most rows one attendance list may hold (GOVTRUST_TRAINING_IMPORT_MAX_ROWS).
DEFAULT_MAX_ROWS = 5000
# The columns of an attendance list, by key: the headers accepted for each.
COLUMNS: dict[str, tuple[str, ...]] = {
    "session": ("场次编号", "培训场次编号", "场次"),
    "name": ("姓名",),
    "ric": ("身份证号码", "公民身份号码", "身份证号"),
    "attended": ("出勤情况", "是否参加", "出勤"),
    "score": ("考试成绩", "成绩"),
}
REQUIRED = ("session", "name", "ric")
LABELS = {"session": "场次编号", "name": "姓名", "ric": "身份证号码"}
LABELS |= {"attended": "出勤情况", "score": "考试成绩"}
PRESENT = frozenset({"", "参加", "出勤", "已参加", "是", "√", "1", "参训"})
ABSENT = frozenset({"缺席", "未参加", "否", "×", "0", "缺勤"})


@dataclass(frozen=True)
class RowIn:
    """One line of an attendance list, as typed."""

    row: int  # the sheet's row number (1-based), or the position in an API list
    session: Any
    name: Any
    ric: Any
    attended: Any = ""
    score: Any = ""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # a COLUMNS key, "" for the whole row
    message: str


def max_rows() -> int:
    return int(getattr(settings, "GOVTRUST_TRAINING_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def header_positions(texts: list[str]) -> dict[str, int] | None:
    positions: dict[str, int] = {}
    for key, names in COLUMNS.items():
        for index, title in enumerate(texts):
            if title in names:
                positions[key] = index
                break
    return positions if all(key in positions for key in REQUIRED) else None


def read_list(path: Path, kind: sniff.Kind) -> tuple[int, list[Any], list[tuple[int, list[Any]]]]:
    """The header row's number and cells, and the data rows (number, cells), blank ones left
    out. Title rows above the header are skipped (up to 10)."""
    header_at, header, data = 0, [], []
    positions: dict[str, int] | None = None
    for number, row in enumerate(readers.rows(path, kind), start=1):
        if positions is None:
            texts = [cells.text(value) for value in row]
            positions = header_positions(texts)
            if positions is not None:
                header_at, header = number, list(row)
            elif number >= 10:
                break
            continue
        if not any(cells.text(value) for value in row):
            continue
        data.append((number, list(row)))
        if len(data) > max_rows():
            raise DomainError(f"名单最多{max_rows()}行，请分批导入")
    if positions is None:
        raise DomainError(
            "未找到表头：需要“场次编号”“姓名”“身份证号码”列（可选“出勤情况”“考试成绩”）"
        )
    if not data:
        raise DomainError("名单中没有数据行")
    return header_at, header, data


def report_xlsx(
    header: list[Any], data: list[tuple[int, list[Any]]], errors: list[RowError]
) -> bytes:
    """The failing rows as they were sent, each bad cell marked red with a comment, the sheet's
    row number first and all messages beside (as the records import's error report)."""
    positions = header_positions([cells.text(v) for v in header]) or {}
    by_row: dict[int, list[RowError]] = defaultdict(list)
    for error in errors:
        by_row[error.row].append(error)
    buffer = io.BytesIO()
    book = workbook(buffer, in_memory=True)
    bad = book.add_format({"bg_color": "#FDE2E2", "font_color": "#9C0006", "border": 1})
    head = book.add_format({"bold": True, "bg_color": "#F1F5F9", "border": 1})
    note = book.add_format({"font_color": "#9C0006", "text_wrap": True})
    sheet = book.add_worksheet("错误报告")
    width = max([len(header), *(len(row) for _, row in data)])
    write_cells(sheet, 0, 0, ["原行号", *header], head)
    write_cell(sheet, 0, width + 1, "错误说明", head)
    sheet.freeze_panes(1, 1)
    out = 0
    for number, row in data:
        problems = by_row.get(number)
        if not problems:
            continue
        out += 1
        sheet.write_number(out, 0, number)
        marked: dict[int, list[str]] = defaultdict(list)
        for problem in problems:
            if problem.column in positions:
                marked[positions[problem.column]].append(problem.message)
        for index in range(max([len(row), *(i + 1 for i in marked)])):
            value = row[index] if index < len(row) else None
            if index in marked:
                write_cell(sheet, out, index + 1, value, bad)
                sheet.write_comment(out, index + 1, "；".join(marked[index]))
            else:
                write_cell(sheet, out, index + 1, value)
        text = "；".join(f"{LABELS.get(p.column, '本行')}：{p.message}" for p in problems)
        sheet.write_string(out, width + 1, text, note)
    sheet.set_column(1, width, 18)
    sheet.set_column(width + 1, width + 1, 60)
    book.close()
    return buffer.getvalue()
