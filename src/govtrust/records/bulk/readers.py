"""Rows out of xlsx / xls / ods (python-calamine) and CSV (UTF-8 with or without BOM, GB18030).

Each reader yields lists of raw cell values, one per sheet row, without holding Python copies of
the whole sheet. A CSV's encoding is decided from its first bytes and then held to: a file that
stops decoding half-way is reported, never guessed.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from govtrust.core.errors import DomainError
from govtrust.records.bulk import xlsx_stream
from govtrust.records.bulk.sniff import Kind

Row = list[Any]


def csv_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        sample = handle.read(1 << 16)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)  # a character cut at the sample's end is fine
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
    except UnicodeDecodeError as exc:
        raise DomainError("无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV") from exc
    return "gb18030"


def _csv_rows(path: Path) -> Iterator[Row]:
    encoding = csv_encoding(path)
    try:
        with path.open(encoding=encoding, newline="") as handle:
            sample = handle.read(4096)
            handle.seek(0)
            try:
                dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
            except csv.Error:
                dialect = csv.excel
            yield from csv.reader(handle, dialect)
    except UnicodeDecodeError as exc:
        raise DomainError(f"文件中部分内容不是 {encoding} 编码，无法读取") from exc
    except csv.Error as exc:
        raise DomainError(f"CSV 格式错误：{exc}") from exc


def _open_sheet(path: Path) -> tuple[int, Iterator[Row]]:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except CalamineError as exc:
        raise DomainError("表格文件已损坏或受密码保护，无法读取") from exc
    except Exception as exc:  # calamine raises plain errors for some malformed files
        raise DomainError("表格文件无法读取") from exc
    if not workbook.sheet_names:
        workbook.close()
        raise DomainError("表格中没有工作表")
    try:
        sheet = workbook.get_sheet_by_index(0)
    except Exception as exc:
        workbook.close()
        raise DomainError("表格文件无法读取") from exc

    def iterate() -> Iterator[Row]:
        with workbook:
            yield from sheet.iter_rows()

    return sheet.height, iterate()


def _open_xlsx(path: Path) -> tuple[int, Iterator[Row]]:
    """An .xlsx streamed (xlsx_stream), so memory does not grow with the rows; a workbook it
    does not read (strict OOXML, another encoding) goes to calamine, which holds it whole."""
    try:
        height, streamed = xlsx_stream.open_sheet(path)
    except xlsx_stream.SheetError:
        return _open_sheet(path)

    def guarded() -> Iterator[Row]:
        try:
            yield from streamed
        except xlsx_stream.SheetError as exc:
            raise DomainError("表格文件已损坏，无法读取") from exc

    return height, guarded()


def rows(path: Path, kind: Kind) -> Iterator[Row]:
    """All rows of the first sheet (or the CSV), as raw values."""
    return open_rows(path, kind)[1]


def open_rows(path: Path, kind: Kind) -> tuple[int, Iterator[Row]]:
    """The number of rows and the rows. CSV is read twice (counting is cheap); an .xlsx is
    parsed as it is read, its number of rows taken from the sheet's dimension; xls and ods
    go through calamine, which holds the sheet in memory (parsed once: a second parse just to
    count would double the peak)."""
    if kind == "csv":
        return sum(1 for _ in _csv_rows(path)), _csv_rows(path)
    if kind == "xlsx":
        return _open_xlsx(path)
    return _open_sheet(path)
