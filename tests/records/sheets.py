"""Spreadsheets as departments send them, built by the tests: xlsx, xls, ods and CSV, with the
mess the importer must handle (title rows, merged banners, full-width digits, serial dates...)."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path
from typing import Any

import xlsxwriter
import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from govtrust.records.bulk.columns import COLUMNS
from tests.conftest import new_ric, new_uscc

HEADERS = [c.header for c in COLUMNS]


def row(**overrides: Any) -> dict[str, Any]:
    """One good row keyed by template header."""
    values: dict[str, Any] = {
        "主体类型": "公务员",
        "主体名称": "王伟",
        "统一社会信用代码/身份证号码": new_ric(),
        "失信来源": "行政处罚",
        "领域": "政府采购",
        "严重程度": "一般",
        "文书号": f"兰财罚〔2025〕{new_uscc()[-6:]}号",
        "决定日期": "2025-09-26",
        "决定机关": "兰州市财政局",
        "决定机关统一社会信用代码": "",
        "失信事实": "未按合同约定支付中小企业货款。",
        "依据": "《保障中小企业款项支付条例》第八条",
        "处理结果": "责令限期支付",
        "金额（万元）": "1,234.5",
        "信息产生日期": "2025-09-26",
    }
    values.update(overrides)
    return values


def _matrix(rows: list[dict[str, Any]], headers: list[str], title_rows: int) -> list[list[Any]]:
    matrix: list[list[Any]] = [["政务失信记录报送表"] + [None] * (len(headers) - 1)]
    matrix += [[None] * len(headers)] * (title_rows - 1)
    matrix.append(list(headers))
    matrix += [[r.get(h) for h in headers] for r in rows]
    return matrix


def xlsx(
    path: Path,
    rows: list[dict[str, Any]],
    headers: list[str] = HEADERS,
    title_rows: int = 2,
    merge_title: bool = True,
) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("失信记录")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for r, values in enumerate(_matrix(rows, headers, title_rows)):
        for c, value in enumerate(values):
            if r == 0 and merge_title and c == 0 and title_rows:
                sheet.merge_range(0, 0, 0, len(headers) - 1, value)
            elif r == 0 and merge_title and title_rows:
                continue
            elif isinstance(value, datetime.date):
                sheet.write_datetime(
                    r, c, datetime.datetime.combine(value, datetime.time()), date_format
                )
            elif value is not None:
                sheet.write(r, c, value)
    workbook.close()
    return path


def xls(path: Path, rows: list[dict[str, Any]], headers: list[str] = HEADERS) -> Path:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("失信记录")
    for r, values in enumerate(_matrix(rows, headers, 1)):
        for c, value in enumerate(values):
            if value is not None:
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def ods(path: Path, rows: list[dict[str, Any]], headers: list[str] = HEADERS) -> Path:
    document = OpenDocumentSpreadsheet()
    table = Table(name="失信记录")
    for values in _matrix(rows, headers, 1):
        table_row = TableRow()
        for value in values:
            cell = TableCell(valuetype="string")
            if value is not None:
                cell.addElement(P(text=str(value)))
            table_row.addElement(cell)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def csv_file(
    path: Path,
    rows: list[dict[str, Any]],
    encoding: str = "utf-8-sig",
    headers: list[str] = HEADERS,
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for r in rows:
        writer.writerow(["" if r.get(h) is None else r.get(h) for h in headers])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path
