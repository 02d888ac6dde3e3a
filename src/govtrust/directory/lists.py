"""Back-office lists, one way for all of them: numbered pages with a jump box and the count of
all rows, filters that fit each list (a `ListFilter` subclass), and the Excel export of exactly
the rows the filtered list holds.

A list view reads its rows through its app's scoped selector (the access policy decides the
reach), narrows them with its filter, then either pages them (`list_page`, shown by the
`{% pager page %}` tag) or, when the page asked for `export=xlsx`, writes all of them to an
Excel file (`list_export`). Both take the same query set, so the export holds what the list
shows, in the same order, and nothing outside the user's reach.

The export is a sensitive read: it is audited (`list.export`, with the list, the filters and the
number of rows) before the file leaves the server. The rows are read in chunks and written with
xlsxwriter's constant-memory mode to a temporary file, which is then streamed, so a list of a
hundred thousand rows takes as little memory as one of ten. Every cell goes through
core/sheets.py: text that a spreadsheet would run as a formula stays text.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, ClassVar
from urllib.parse import quote

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.http import client_address
from govtrust.core.sheets import workbook, write_cells
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.directory.units import Unit
from govtrust.directory.widgets import UnitField

PAGE_SIZE = 50
EXPORT_KEY = "export"  # `?export=xlsx` on any list: the same rows as an Excel file
EXPORT_CHUNK = 2000  # rows read from the database at a time while exporting
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Where the pager and the export leave the query string alone: everything else is a filter.
_NOT_FILTERS = frozenset({"page", EXPORT_KEY})


def list_page(request: HttpRequest, rows: QuerySet[Any], per_page: int = PAGE_SIZE) -> Page[Any]:
    """The page the request names (`?page=`); a page past the end shows the last one and
    anything that is not a number the first (Django's `get_page`)."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def filter_query(get: QueryDict) -> QueryDict:
    """The filters of a query string: everything but the page and the export switch."""
    kept = get.copy()
    for key in _NOT_FILTERS:
        kept.pop(key, None)
    return kept


def wants_export(request: HttpRequest) -> bool:
    return request.GET.get(EXPORT_KEY) == "xlsx"


# ---- filters ---------------------------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


Lookup = str | Callable[[QuerySet[Any], Any], QuerySet[Any]]


class ListFilter(forms.Form):
    """A list's filters, read from the query string. A subclass declares its fields and, in
    `lookups`, how each narrows the rows (an ORM lookup, or a function of the rows and the
    value). Two filters are common and switched on by class attributes:

    - `unit = True`: 单位, the divisions within the user's reach (policy.units_in_reach),
      applied with policy.under, so it narrows the reach and never widens it;
    - `date_field = "path"`: 起始日期 and 截止日期 (both included) on that date or time field,
      labelled `date_label`.

    A value that cannot be read (a date like 2026-13-40, a state the list does not know) is
    reported in Chinese beside the form and left out; the others still apply."""

    lookups: ClassVar[dict[str, Lookup]] = {}
    defaults: ClassVar[dict[str, str]] = {}  # a field's value when the query string has none
    unit: ClassVar[bool] = False
    date_field: ClassVar[str | None] = None
    date_label: ClassVar[str] = "日期"

    def __init__(self, data: QueryDict, *, user: User) -> None:
        query = filter_query(data)
        for name, value in self.defaults.items():
            query.setdefault(name, value)
        super().__init__(query)
        self.user = user
        # One unit to choose is no choice (a department's account: its own rows only).
        if self.unit and policy.units_in_reach(user)[:2].count() > 1:
            self.fields["unit"] = UnitField(
                label="单位",
                required=False,
                departments=False,
                within=user.scope_code,
                allowed=lambda code: policy.covers(user, code),
                empty_label="全部",
            )
        if self.date_field:
            self.fields["since"] = forms.DateField(
                label=f"{self.date_label}自", required=False, widget=DateInput()
            )
            self.fields["until"] = forms.DateField(label="至", required=False, widget=DateInput())
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = "没有这个选项"
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = "请填写日期，如 2026-01-31"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "截止日期不能早于起始日期")
        return cleaned

    def chosen(self) -> dict[str, Any]:
        """The filters that apply: given and readable."""
        self.is_valid()  # fills cleaned_data with the readable values and errors with the rest
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "", False) and name not in self.errors
        }

    def apply(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        """`rows` narrowed by every filter chosen."""
        chosen = self.chosen()
        for name, value in chosen.items():
            if name == "unit":
                rows = self.narrow_to_unit(rows, value.node)  # a units.Unit from the picker
            elif name == "since" and self.date_field:
                rows = rows.filter(**{_day_lookup(rows, self.date_field, "gte"): value})
            elif name == "until" and self.date_field:
                rows = rows.filter(**{_day_lookup(rows, self.date_field, "lte"): value})
            else:
                lookup = self.lookups.get(name)
                if callable(lookup):
                    rows = lookup(rows, value)
                elif lookup:
                    rows = rows.filter(**{lookup: value})
        return rows

    def narrow_to_unit(self, rows: QuerySet[Any], code: str) -> QuerySet[Any]:
        """The rows of the unit `code` chosen in the picker: by default those it owns
        (policy.under); a list whose unit means something else (the inspected government of
        an inspection) overrides this with another rule of the policy."""
        return policy.under(rows, code)

    def described(self) -> dict[str, str]:
        """The filters chosen, as the audit event of an export records them."""
        return {
            name: value.label if isinstance(value, Unit) else str(value)
            for name, value in self.chosen().items()
        }

    def problems(self) -> list[str]:
        """What could not be read, in words, for the page."""
        self.is_valid()
        return [
            f"{self.fields[name].label}：{message}（已忽略）"
            if name in self.fields
            else str(message)
            for name, messages in self.errors.items()
            for message in messages
        ]


def _day_lookup(rows: QuerySet[Any], path: str, op: str) -> str:
    """`path__gte` for a date field, `path__date__gte` (Beijing time) for a time field."""
    model = rows.model
    *hops, last = path.split("__")
    for hop in hops:
        model = model._meta.get_field(hop).related_model
    field = model._meta.get_field(last)
    timed = field.get_internal_type() == "DateTimeField"
    return f"{path}__date__{op}" if timed else f"{path}__{op}"


# ---- export ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], object]


@dataclass(frozen=True)
class Sheet:
    """What a list exports: its name in the audit log (`name`), the file's and sheet's title,
    and its columns."""

    name: str
    title: str
    columns: Sequence[Column]


def xlsx_file(title: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> IO[bytes]:
    """An Excel file of `rows` under `header`, in a temporary file positioned at its start.
    Constant-memory mode writes each row out as it comes; every cell through core/sheets."""
    target = tempfile.TemporaryFile(suffix=".xlsx")  # closed by the response
    book = workbook(target, constant_memory=True)
    sheet = book.add_worksheet(title[:31])
    bold = book.add_format({"bold": True})
    write_cells(sheet, 0, 0, header, bold)
    sheet.freeze_panes(1, 0)
    for number, row in enumerate(rows, start=1):
        write_cells(sheet, number, 0, row)
    book.close()
    target.seek(0)
    return target


def xlsx_response(file: IO[bytes], filename: str) -> FileResponse:
    """The file streamed as a download, its Chinese name encoded for every browser."""
    response = FileResponse(file, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def _rows(rows: QuerySet[Any], columns: Sequence[Column]) -> Iterator[list[object]]:
    for row in rows.iterator(chunk_size=EXPORT_CHUNK):
        yield [column.value(row) for column in columns]


class _Counted:
    """An iterable that remembers how many items it gave."""

    def __init__(self, items: Iterable[list[object]]) -> None:
        self.items, self.count = items, 0

    def __iter__(self) -> Iterator[list[object]]:
        for item in self.items:
            self.count += 1
            yield item


def list_export(
    request: HttpRequest, user: User, rows: QuerySet[Any], sheet: Sheet, filters: ListFilter
) -> FileResponse:
    """Every row of the filtered list as an Excel file, audited as a sensitive read."""
    counted = _Counted(_rows(rows, sheet.columns))
    file = xlsx_file(sheet.title, [c.header for c in sheet.columns], counted)
    audit_append(
        actor=user.username,
        action="list.export",
        object_type="list",
        object_id=sheet.name,
        after={
            "filters": filters.described(),
            "rows": counted.count,
            "address": client_address(request),
        },
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(file, f"{sheet.title}-{stamp}.xlsx")


def list_response(
    request: HttpRequest,
    user: User,
    rows: QuerySet[Any],
    *,
    sheet: Sheet | Callable[[], Sheet],
    filters: ListFilter,
    template: str,
    extra: Callable[[Page[Any]], dict[str, Any]] | None = None,
) -> HttpResponseBase:
    """A list view's answer: the Excel export of `rows` when asked for (`sheet` may be built
    only then), else the page of `rows` rendered with `template`, its filters and `extra`."""
    if wants_export(request):
        return list_export(
            request, user, rows, sheet if isinstance(sheet, Sheet) else sheet(), filters
        )
    page = list_page(request, rows)
    context = {"page": page, "filters": filters, **(extra(page) if extra else {})}
    return render(request, template, context)


def day(value: datetime.date | datetime.datetime | None) -> str:
    """A date (or a time, in Beijing time) as an export cell: 2026-01-31 or 2026-01-31 08:30."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()
