"""An .xlsx sheet read row by row, never held whole.

calamine parses a whole sheet into memory before the first row comes out (its Python binding
cannot hand out a lazy iterator), so a 100,000-row upload cost ~200 MB more than a 10,000-row
one. Here the sheet's XML is decompressed and parsed as it is read (ElementTree's C parser,
each row dropped once yielded); only the shared strings and the date styles are read first.
Values come out as calamine gives them, so the rest of the importer cannot tell: text as str,
numbers as float, booleans as bool, date-formatted numbers as date (datetime with a time of
day), empty cells as "", every row padded from column A to the sheet's last column.
"""

from __future__ import annotations

import datetime
import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

# ElementTree never fetches external entities, and expat >= 2.4 caps entity expansion.
from xml.etree import ElementTree as ET

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW, _C, _V, _IS, _T, _RPH = (f"{_MAIN}{t}" for t in ("row", "c", "v", "is", "t", "rPh"))
_DIMENSION = f"{_MAIN}dimension"

# Built-in number formats that show a date or a time (ECMA-376 §18.8.30, with the CJK ids).
_DATE_FORMAT_IDS = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')  # literal text, escapes, colours and locales
_EPOCH = datetime.datetime(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug)
_EPOCH_1904 = datetime.datetime(1904, 1, 1)
_CELL_REF = re.compile(r"([A-Z]+)")


class SheetError(Exception):
    """The workbook is not a readable .xlsx (the caller says so in Chinese)."""


def _column(ref: str) -> int:
    """0-based column of a cell reference (B3 -> 1)."""
    index = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            index = index * 26 + ord(ch) - 64
        else:
            break
    return index - 1


def _is_date_format(code: str) -> bool:
    return any(ch in "dmyhsDMYHS" for ch in _QUOTED.sub("", code))


def _parse(zf: zipfile.ZipFile, name: str) -> ET.Element | None:
    if name not in zf.namelist():
        return None
    with zf.open(name) as handle:
        return ET.parse(handle).getroot()  # noqa: S314 (small parts: workbook, rels, styles)


def _first_sheet(zf: zipfile.ZipFile) -> tuple[str, bool]:
    """The first sheet's part name and whether the workbook counts dates from 1904."""
    book = _parse(zf, "xl/workbook.xml")
    if book is None:
        raise SheetError("no workbook part")
    pr = book.find(f"{_MAIN}workbookPr")
    date1904 = pr is not None and pr.get("date1904", "").lower() in ("1", "true")
    sheet = book.find(f"{_MAIN}sheets/{_MAIN}sheet")
    if sheet is None:
        raise SheetError("no sheet")
    rels = _parse(zf, "xl/_rels/workbook.xml.rels")
    target = None
    for rel in [] if rels is None else rels.iter(f"{_PKG_REL}Relationship"):
        if rel.get("Id") == sheet.get(f"{_REL}id"):
            target = rel.get("Target", "")
    if not target:
        return "xl/worksheets/sheet1.xml", date1904
    name = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    return posixpath.normpath(name), date1904


def _text(node: ET.Element) -> str:
    """The text of a string item: its own <t>, or its rich-text runs, without phonetic runs."""
    own = node.find(_T)
    if own is not None:
        return own.text or ""
    return "".join(t.text or "" for run in node if run.tag != _RPH for t in run.iter(_T))


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    name = "xl/sharedStrings.xml"
    if name not in zf.namelist():
        return []
    strings: list[str] = []
    with zf.open(name) as handle:
        for _event, node in ET.iterparse(handle):  # noqa: S314
            if node.tag == f"{_MAIN}si":
                strings.append(_text(node))
                node.clear()
    return strings


def _date_styles(zf: zipfile.ZipFile) -> frozenset[str]:
    """Style indices (as the `s` attribute spells them) whose number format shows a date."""
    styles = _parse(zf, "xl/styles.xml")
    if styles is None:
        return frozenset()
    custom = {
        int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in styles.iter(f"{_MAIN}numFmt")
    }
    xfs = styles.find(f"{_MAIN}cellXfs")
    dates = set()
    for index, xf in enumerate([] if xfs is None else xfs.iter(f"{_MAIN}xf")):
        fmt = int(xf.get("numFmtId", "0"))
        code = custom.get(fmt)
        if (code is None and fmt in _DATE_FORMAT_IDS) or (code and _is_date_format(code)):
            dates.add(str(index))
    return frozenset(dates)


def _date(serial: float, epoch: datetime.datetime) -> Any:
    try:
        moment = epoch + datetime.timedelta(days=serial)
    except OverflowError:
        return serial
    moment = moment.replace(microsecond=round(moment.microsecond / 1000) * 1000 % 1000000)
    return moment.date() if moment.time() == datetime.time() else moment


def _size(ref: bytes | None) -> tuple[int, int, int] | None:
    """Rows, first column and columns of a dimension like A1:U10001, as calamine counts them:
    rows from the first used one (but yielded from row 1), columns from the first used one."""
    if not ref:
        return None
    parts = ref.decode("ascii", "replace").upper().split(":")
    first, last = parts[0], parts[-1]
    try:
        top, bottom = int(_CELL_REF.sub("", first)), int(_CELL_REF.sub("", last))
    except ValueError:
        return None
    left, right = _column(first), _column(last)
    return bottom - top + 1, left, right - left + 1


_SHEET_DATA = re.compile(rb"<((?:[\w.-]+:)?)sheetData\b[^>]*?(/?)>")
_ROOT = re.compile(rb"<((?:[\w.-]+:)?worksheet)\b[^>]*>")
_DIMENSION_REF = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*?\bref=\"([^\"]*)\"")
_ENCODING = re.compile(rb"<\?xml[^>]*encoding=[\"']([^\"']+)")
_BLOCK = 1 << 20


def _row_blocks(handle: IO[bytes]) -> tuple[bytes, Iterator[ET.Element]]:
    """The part before the rows, and the <row> elements, parsed a block of rows at a time:
    each block of ~1 MB of complete rows is wrapped in the sheet's own root tag (which declares
    its namespaces) and parsed in one call of the C parser, far cheaper than an event per
    element."""
    buffer = b""
    while (found := _SHEET_DATA.search(buffer)) is None:
        data = handle.read(_BLOCK)
        if not data:
            raise SheetError("no sheetData")
        buffer += data
    head = buffer[: found.start()]
    encoding = _ENCODING.search(head)
    if encoding and encoding.group(1).lower().replace(b"-", b"") != b"utf8":
        raise SheetError("not UTF-8")
    root = _ROOT.search(head)
    if root is None or root.group(0).endswith(b"/>"):
        raise SheetError("no worksheet root")
    opening, closing = root.group(0), b"</" + root.group(1) + b">"
    if _MAIN[1:-1].encode() not in opening:  # strict OOXML names its elements otherwise
        raise SheetError("not a transitional SpreadsheetML sheet")
    prefix = found.group(1)
    end_row, end_rows = b"</" + prefix + b"row>", b"</" + prefix + b"sheetData>"
    empty = found.group(2) == b"/"

    def parse(piece: bytes) -> list[ET.Element]:
        element = ET.fromstring(opening + piece + closing)  # noqa: S314
        return [node for node in element if node.tag == _ROW]

    def blocks() -> Iterator[ET.Element]:
        if empty:
            return
        rest = buffer[found.end() :]
        while True:
            stop = rest.find(end_rows)
            if stop >= 0:
                yield from parse(rest[:stop])
                return
            cut = rest.rfind(end_row)
            if cut >= 0:
                cut += len(end_row)
                yield from parse(rest[:cut])
                rest = rest[cut:]
            data = handle.read(_BLOCK)
            if not data:
                raise SheetError("the sheet ends before its rows do")
            rest += data

    return head, blocks()


def open_sheet(path: Path) -> tuple[int, Iterator[list[Any]]]:
    """The first sheet's number of rows and its rows, read as they are parsed."""
    try:
        zf = zipfile.ZipFile(path)
        sheet, date1904 = _first_sheet(zf)
        shared = _shared_strings(zf)
        dates = _date_styles(zf)
        handle = zf.open(sheet)
        head, rows = _row_blocks(handle)
    except (zipfile.BadZipFile, KeyError, ET.ParseError, OSError, ValueError) as exc:
        raise SheetError(str(exc)) from exc
    ref = _DIMENSION_REF.search(head)
    size = _size(ref.group(1) if ref else None)
    if size is None:  # no dimension: one pass to measure the rows and columns
        with zf.open(sheet) as again:
            size = _measure(_row_blocks(again)[1])
    height, left, width = size
    epoch = _EPOCH_1904 if date1904 else _EPOCH
    reader = _RowReader(shared, dates, epoch, left, width)

    def numbered() -> Iterator[list[Any]]:
        with zf, handle:
            expected = 1
            for node in rows:
                number = int(node.get("r") or expected)
                while expected < number:  # rows with nothing in them are not written
                    yield [""] * width
                    expected += 1
                yield reader.cells(node)
                expected = number + 1

    return height, _guarded(numbered())


def _measure(rows: Iterator[ET.Element]) -> tuple[int, int, int]:
    first = last = 0
    left, right = 1 << 30, -1
    for node in rows:
        number = int(node.get("r") or last + 1)
        first, last = first or number, number
        for index, cell in enumerate(node):
            column = _column(cell.get("r") or "") if cell.get("r") else index
            left, right = min(left, column), max(right, column)
    if last == 0 or right < 0:
        return 0, 0, 0
    return last - first + 1, left, right - left + 1


def _guarded(rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    try:
        yield from rows
    except (ET.ParseError, zipfile.BadZipFile, EOFError, OSError, ValueError, IndexError) as exc:
        raise SheetError(str(exc)) from exc


class _RowReader:
    """Cell values of one row, as calamine gives them."""

    def __init__(
        self,
        shared: list[str],
        dates: frozenset[str],
        epoch: datetime.datetime,
        left: int,
        width: int,
    ) -> None:
        self.shared, self.dates, self.epoch = shared, dates, epoch
        self.left, self.width = left, width
        self.columns: dict[str, int] = {}  # "AB" -> 27 - left: a sheet has a few dozen

    def column(self, ref: str) -> int:
        letters = ref.rstrip("0123456789")
        index = self.columns.get(letters)
        if index is None:
            index = self.columns[letters] = _column(letters) - self.left
        return index

    def cells(self, node: ET.Element) -> list[Any]:
        cells: list[Any] = []
        shared, dates, columns = self.shared, self.dates, self.columns
        for cell in node:
            if cell.tag != _C:
                continue
            ref = cell.get("r")
            if ref is not None:
                column = columns.get(ref.rstrip("0123456789"))
                if column is None:
                    column = self.column(ref)
                if column != len(cells):
                    if column < 0:
                        continue
                    if column > len(cells):
                        cells += [""] * (column - len(cells))
            kind = cell.get("t")
            # The usual shapes first: <c><v>..</v></c> and <c t="inlineStr"><is><t>..</t></is>.
            first = cell[0] if len(cell) else None
            value: Any
            if kind == "inlineStr":
                inline = first if first is not None and first.tag == _IS else cell.find(_IS)
                if inline is None:
                    value = ""
                elif len(inline) == 1 and inline[0].tag == _T:
                    value = inline[0].text or ""
                else:
                    value = _text(inline)
            else:
                v = first if first is not None and first.tag == _V else cell.find(_V)
                text = None if v is None else v.text
                if text is None:
                    value = ""
                elif kind == "s":
                    value = shared[int(text)]
                elif kind is None or kind == "n":
                    number = float(text)
                    value = _date(number, self.epoch) if cell.get("s") in dates else number
                elif kind == "b":
                    value = text.strip() in ("1", "true")
                else:  # str (a formula's text), e (an error such as #N/A), d (an ISO date)
                    value = text
            cells.append(value)
        if len(cells) < self.width:
            cells += [""] * (self.width - len(cells))
        return cells
