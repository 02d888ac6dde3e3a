"""The Excel error report: the failing rows as they were sent, each bad cell marked in red with a
comment that says what is wrong, the sheet row number and all messages beside them."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import xlsxwriter

from govtrust.records.bulk import mapping, readers
from govtrust.records.bulk.columns import BY_FIELD, Layout
from govtrust.records.bulk.sniff import EXTENSIONS, Kind
from govtrust.records.services.bulk_rows import RowError

FIELD_LABELS = {field: column.header for field, column in BY_FIELD.items()}


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return str(value)


def write(source: Path, kind: str, layout: Layout, errors: list[RowError], target: Path) -> None:
    """Write the report for `errors` (rows numbered as in the sheet) next to the upload."""
    by_row: dict[int, list[RowError]] = defaultdict(list)
    for error in errors:
        by_row[error.row].append(error)
    workbook = xlsxwriter.Workbook(str(target), {"constant_memory": True})
    bad = workbook.add_format({"bg_color": "#FDE2E2", "font_color": "#9C0006", "border": 1})
    head = workbook.add_format({"bold": True, "bg_color": "#F1F5F9", "border": 1})
    note = workbook.add_format({"font_color": "#9C0006", "text_wrap": True})
    sheet = workbook.add_worksheet("错误报告")
    kind_: Kind = EXTENSIONS["." + kind]
    number = 0
    out = 0
    width = 0
    for row in readers.rows(source, kind_):
        number += 1
        width = max(width, len(row))
        if number - 1 == layout.header_row:
            sheet.write_row(0, 0, ["原行号", *[_plain(c) for c in row]], head)
            sheet.write(0, len(row) + 1, "错误说明", head)
            sheet.freeze_panes(1, 1)
            continue
        problems = by_row.get(number)
        if not problems:
            continue
        out += 1
        sheet.write_number(out, 0, number)
        marked: dict[int, list[str]] = defaultdict(list)
        for problem in problems:
            column = mapping.column_of(problem.field, layout)
            if column is not None:
                marked[column].append(problem.message)
        for index, value in enumerate(row):
            if index in marked:
                sheet.write(out, index + 1, _plain(value), bad)
                sheet.write_comment(out, index + 1, "；".join(marked[index]))
            else:
                sheet.write(out, index + 1, _plain(value))
        for index in marked.keys() - set(range(len(row))):
            sheet.write(out, index + 1, "", bad)
            sheet.write_comment(out, index + 1, "；".join(marked[index]))
        text = "；".join(
            f"{FIELD_LABELS.get(p.field, p.field or '本行')}：{p.message}" for p in problems
        )
        sheet.write(out, width + 1, text, note)
    sheet.set_column(1, width, 16)
    sheet.set_column(width + 1, width + 1, 60)
    workbook.close()
