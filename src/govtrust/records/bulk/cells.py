"""Cleaning a cell as departments actually type it.

Full-width digits and spaces, trailing spaces, lower-case `x` in ID numbers, dates as Excel serial
numbers or as 2025-03-05, 2025/3/5 and 2025年3月5日, amounts with thousands separators. What cannot
be read is left as it is for RecordIn to refuse with a message; nothing is guessed.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

_EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 = 1900-01-01 (with Excel's leap-year bug)
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def text(value: Any) -> str:
    """Free text: trimmed (ASCII and ideographic spaces), otherwise kept as typed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 文书号 12 typed in a numeric cell arrives as 12.0
    return str(value).strip(" \t\r\n\u3000\xa0")


def compact(value: Any) -> str:
    """Codes, numbers and identifiers: half-width, no inner spaces."""
    if type(value) is str and value.isascii():  # NFKC leaves ASCII as it is
        return "".join(value.split())
    return "".join(unicodedata.normalize("NFKC", text(value)).split())


def date(value: Any) -> Any:
    """A date from a date cell, an Excel serial number, or the usual Chinese spellings."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        return value
    raw = compact(value)
    match = _DATE.match(raw) or _COMPACT_DATE.match(raw)
    if match:
        try:
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return raw  # 2025-02-30: RecordIn reports it
    if re.fullmatch(r"\d+(\.0+)?", raw) and 1 <= float(raw) < 2958466:
        return _EXCEL_EPOCH + datetime.timedelta(days=int(float(raw)))
    return raw or None


def amount(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    raw = compact(value).replace(",", "").replace("，", "")
    raw = raw.removesuffix("万元")
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        return raw


def coded(value: Any, labels: dict[str, str]) -> str:
    """A coded column: the code itself or its Chinese label."""
    raw = compact(value)
    return labels.get(raw, labels.get(raw.lower(), raw))
