"""Spreadsheet cells that cannot run: the one rule against formula injection (OWASP "CSV
Injection") for every CSV and Excel file the platform writes.

Excel, WPS and LibreOffice start a formula at text that begins with =, +, - or @, and after a
leading TAB or CR on import; Chinese input methods type the full-width forms ＝＋－＠, which WPS
and Excel's Chinese editions may convert. A sign-in name or an import cell such as
`=HYPERLINK(...)` would otherwise run on the machine of whoever opens the export.

- CSV: such text is written behind a single quote, so a spreadsheet takes it as text.
- Excel: text is always a string cell (`write_string`), never `write`, and every workbook is
  opened with `strings_to_formulas` and `strings_to_urls` off, so nothing turns text into a
  formula or a link. The text itself is kept unchanged, so a corrected error report can be sent
  back as it is.

Numbers stay numbers in both.
"""

from __future__ import annotations

import csv
import decimal
from collections.abc import Iterable, Iterator
from typing import IO, Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

# Characters that make a spreadsheet read a cell as a formula (OWASP), with their full-width forms.
FORMULA_LEADS = frozenset("=+-@\t\r＝＋－＠")


def csv_cell(value: object) -> object:
    """A CSV field: numbers as they are, None as empty, text behind ' if it could be a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float | decimal.Decimal):  # bool too: an int
        return value
    text = str(value)
    return "'" + text if text[:1] in FORMULA_LEADS else text


class _Echo:
    """A file-like object for csv.writer that hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[object], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """The lines of a CSV file for a StreamingHttpResponse: UTF-8 with a BOM (so Excel opens
    Chinese text correctly), every field through `csv_cell`."""
    writer = csv.writer(_Echo())
    line: str = writer.writerow([csv_cell(value) for value in header])
    yield "\ufeff" + line
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def workbook(
    target: str | IO[bytes], *, constant_memory: bool = False, in_memory: bool = False
) -> Any:
    """An xlsxwriter Workbook that never turns a string into a formula, a hyperlink or a number
    (xlsxwriter's `write` would make "=..." a live formula). Only the memory options are the
    caller's: nothing can switch the conversions back on."""
    return xlsxwriter.Workbook(
        target,
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            # Read data may hold NaN or infinity; Excel has no such number, xlsxwriter would raise.
            "nan_inf_to_errors": True,
            "constant_memory": constant_memory,
            "in_memory": in_memory,
        },
    )


def write_cell(sheet: Worksheet, row: int, col: int, value: object, style: Any = None) -> None:
    """One cell: a number as a number, anything else as a string cell (never a formula)."""
    if value is None or value == "":
        sheet.write_blank(row, col, None, style)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, style)
    elif isinstance(value, int | float | decimal.Decimal):
        sheet.write_number(row, col, float(value), style)
    else:
        sheet.write_string(row, col, str(value), style)


def write_cells(
    sheet: Worksheet, row: int, col: int, values: Iterable[object], style: Any = None
) -> None:
    """`write_cell` across a row, starting at `col`."""
    for offset, value in enumerate(values):
        write_cell(sheet, row, col + offset, value, style)
