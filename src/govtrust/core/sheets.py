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


# ---- small sheets in: a header row and rows of text, for the imports of the business apps ----


class SheetRefused(Exception):
    """A sheet refused as a whole: nothing was written. `problems` are (sheet row, column
    title, message); `report` is an Excel error report built from them (may be empty)."""

    def __init__(self, detail: str, problems: list[tuple[int, str, str]], report: bytes) -> None:
        super().__init__(detail)
        self.detail = detail
        self.problems = problems
        self.report = report


def read_table(
    source: IO[bytes], filename: str, *, header: tuple[str, ...], max_rows: int = 5000
) -> tuple[list[str], list[tuple[int, list[str]]], bytes]:
    """An uploaded sheet (xlsx, xls, ods, CSV in UTF-8 or GB18030), checked as bulk imports are
    (kind by content, size and zip-bomb limits, encodings): its header (the first row naming
    `header[0]`; title rows above it skipped), the non-empty rows below it as trimmed text with
    their sheet row numbers, and the file's bytes. Refuses in Chinese (DomainError)."""
    import tempfile
    from pathlib import Path

    from django.conf import settings

    from govtrust.core.errors import DomainError
    from govtrust.records.bulk import cells, readers, sniff

    data = source.read(int(settings.GOVTRUST_IMPORT_MAX_BYTES) + 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sheet"
        path.write_bytes(data)
        kind = sniff.detect(path, filename)
        titles: list[str] | None = None
        found: list[tuple[int, list[str]]] = []
        for number, row in enumerate(readers.rows(path, kind), start=1):
            texts = [cells.text(value) for value in row]
            if titles is None:
                if header[0] in texts:
                    titles = texts
                elif number > 20:
                    break
                continue
            if any(texts):
                found.append((number, texts))
                if len(found) > max_rows:
                    raise DomainError(f"表格最多{max_rows}行，请分批上传")
    if titles is None:
        raise DomainError("未找到表头：第一行应为“" + "”“".join(header) + "”")
    missing = [title for title in header if title not in titles]
    if missing:
        raise DomainError("表头缺少列：“" + "”“".join(missing) + "”")
    return titles, found, data


def error_report(titles: list[str], rows: list[tuple[int, list[str], list[str]]]) -> bytes:
    """An Excel error report: each refused row as it was sent, its sheet row number first and
    what is wrong last (text cells only, so nothing sent can run as a formula)."""
    import io

    buffer = io.BytesIO()
    book = workbook(buffer, in_memory=True)
    sheet = book.add_worksheet("错误报告")
    head = book.add_format({"bold": True, "bg_color": "#F1F5F9", "border": 1})
    note = book.add_format({"font_color": "#9C0006", "text_wrap": True})
    write_cells(sheet, 0, 0, ["原行号", *titles, "错误说明"], head)
    for line, (number, values, problems) in enumerate(rows, start=1):
        sheet.write_number(line, 0, number)
        for col, value in enumerate(values[: len(titles)], start=1):
            sheet.write_string(line, col, value)
        sheet.write_string(line, len(titles) + 1, "；".join(problems), note)
    sheet.set_column(1, len(titles), 18)
    sheet.set_column(len(titles) + 1, len(titles) + 1, 60)
    sheet.freeze_panes(1, 1)
    book.close()
    return buffer.getvalue()
