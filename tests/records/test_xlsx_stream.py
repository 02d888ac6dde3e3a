"""The streamed .xlsx reader gives the rows calamine gives, without holding the sheet."""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
import xlsxwriter
from openpyxl.cell.rich_text import CellRichText, TextBlock  # type: ignore[import-untyped]
from openpyxl.cell.text import InlineFont  # type: ignore[import-untyped]
from python_calamine import CalamineWorkbook

from govtrust.core.errors import DomainError
from govtrust.records.bulk import readers, xlsx_stream


def _calamine(path: Path) -> tuple[int, list[list[Any]]]:
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return sheet.height, [list(row) for row in sheet.iter_rows()]


def _streamed(path: Path) -> tuple[int, list[list[Any]]]:
    height, rows = xlsx_stream.open_sheet(path)
    return height, list(rows)


def test_openpyxl_workbook_with_shared_strings_dates_and_gaps(tmp_path: Path) -> None:
    """openpyxl writes shared strings; the sheet starts at B3, has an empty row, a rich-text
    cell, a date, a date and time, a custom date format, numbers, a boolean and a formula."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["B3"] = "主体名称"
    sheet["C3"] = datetime.date(2025, 3, 5)
    sheet["D3"] = 12
    sheet["E3"] = 1234.5
    sheet["F3"] = True
    sheet["C4"] = datetime.datetime(2025, 3, 5, 10, 30)
    sheet["D4"] = 45721
    sheet["D4"].number_format = "yyyy年m月d日"
    sheet["E4"] = 45721
    sheet["E4"].number_format = '0.00"万元"'
    sheet["B6"] = CellRichText(["城关区", TextBlock(InlineFont(b=True), "财政局")])
    sheet["C6"] = "=1+1"
    sheet["D6"] = " 全角　空格 "
    path = tmp_path / "book.xlsx"
    book.save(path)
    assert _streamed(path) == _calamine(path)


def test_xlsxwriter_constant_memory_inline_strings(tmp_path: Path) -> None:
    path = tmp_path / "inline.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    dated = book.add_format({"num_format": "yyyy-mm-dd"})
    for row in range(300):
        sheet.write_string(row, 0, f"王伟{row} <&> \"'")
        sheet.write_number(row, 1, row * 1.5)
        sheet.write_datetime(row, 2, datetime.datetime(2025, 1, 1) + datetime.timedelta(row), dated)
        if row % 7:
            sheet.write_string(row, 4, "公务员")
    book.close()
    assert _streamed(path) == _calamine(path)


def test_a_sheet_without_dimension_is_measured(tmp_path: Path) -> None:
    source = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["a", "b"], [1, 2, 3], ["c"]):
        sheet.append(row)
    book.save(source)
    target = tmp_path / "bare.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:C3" />', b"")
                data = data.replace(b'<dimension ref="A1:C3"/>', b"")
                assert b"dimension" not in data
            new.writestr(item, data)
    assert _streamed(target) == _calamine(source)


def test_a_sheet_cut_short_is_refused_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "cut.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    for row in range(20_000):
        sheet.write_string(row, 0, f"第{row}行")
    book.close()
    cut = tmp_path / "cut2.xlsx"
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(cut, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            new.writestr(item, data)
    height, rows = readers.open_rows(cut, "xlsx")
    assert height == 20_000
    with pytest.raises(DomainError, match="表格文件已损坏"):
        list(rows)
