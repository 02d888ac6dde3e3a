"""The Excel error report: the failing rows as they were sent, each bad cell marked in red with a
comment that says what is wrong, the sheet row number and all messages beside them.

The rows are the sender's text: written through core.sheets, so a cell `=...` stays text."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from govtrust.core.sheets import workbook as new_workbook
from govtrust.core.sheets import write_cell, write_cells
from govtrust.records.bulk import mapping, readers
from govtrust.records.bulk.columns import BY_FIELD, Layout
from govtrust.records.bulk.sniff import EXTENSIONS, Kind
from govtrust.records.services.bulk_rows import RowError

FIELD_LABELS = {field: column.header for field, column in BY_FIELD.items()}


def write(source: Path, kind: str, layout: Layout, errors: list[RowError], target: Path) -> None:
    """Write the report for `errors` (rows numbered as in the sheet) next to the upload."""
    by_row: dict[int, list[RowError]] = defaultdict(list)
    for error in errors:
        by_row[error.row].append(error)
    workbook = new_workbook(str(target), constant_memory=True)
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
            write_cells(sheet, 0, 0, ["原行号", *row, "错误说明"], head)
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
                write_cell(sheet, out, index + 1, value, bad)
                sheet.write_comment(out, index + 1, "；".join(marked[index]))
            else:
                write_cell(sheet, out, index + 1, value)
        for index in marked.keys() - set(range(len(row))):
            sheet.write_blank(out, index + 1, None, bad)
            sheet.write_comment(out, index + 1, "；".join(marked[index]))
        text = "；".join(
            f"{FIELD_LABELS.get(p.field, p.field or '本行')}：{p.message}" for p in problems
        )
        sheet.write_string(out, width + 1, text, note)
    sheet.set_column(1, width, 16)
    sheet.set_column(width + 1, width + 1, 60)
    workbook.close()
