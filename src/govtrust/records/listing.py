"""The filters and export columns of the record lists (records, review queue, publish queue):
one definition for the three, on top of the shared list mechanism (directory/lists.py)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.db.models import Q, QuerySet

from govtrust.directory.lists import Column, ListFilter, Lookup, Sheet, day
from govtrust.records.models import ImportMode, ImportStatus, Severity, SourceType
from govtrust.records.workflow import Status


def _choices(options: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", "全部"), *options]


def _text(rows: QuerySet[Any], text: str) -> QuerySet[Any]:
    return rows.filter(
        Q(number__icontains=text)
        | Q(subject_name__icontains=text)
        | Q(decision_number__icontains=text)
    )


class RecordFilter(ListFilter):
    """A list of records: unit, source, severity, and a date."""

    unit = True
    date_field = "due_date"
    date_label = "报送期限"
    source_type = forms.ChoiceField(
        label="来源", required=False, choices=_choices(SourceType.choices)
    )
    severity = forms.ChoiceField(
        label="严重程度", required=False, choices=_choices(Severity.choices)
    )
    lookups: ClassVar[dict[str, Lookup]] = {"source_type": "source_type", "severity": "severity"}


class RecordListFilter(RecordFilter):
    """All records: state and a search besides."""

    q = forms.CharField(
        label="查询",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "编号、主体名称或文书号"}),
    )
    status = forms.ChoiceField(label="状态", required=False, choices=_choices(Status.choices))
    lookups: ClassVar[dict[str, Lookup]] = {**RecordFilter.lookups, "status": "status", "q": _text}
    field_order = ("q", "status")


class PublishFilter(RecordFilter):
    date_field = "decision_date"
    date_label = "决定日期"


RECORD_COLUMNS = [
    Column("记录编号", lambda r: r.number),
    Column("主体名称", lambda r: r.subject_name),
    Column("主体类型", lambda r: r.get_subject_kind_display()),
    Column("统一社会信用代码", lambda r: r.subject_uscc),
    Column("失信来源", lambda r: r.get_source_type_display()),
    Column("严重程度", lambda r: r.get_severity_display()),
    Column("文书号", lambda r: r.decision_number),
    Column("决定日期", lambda r: day(r.decision_date)),
    Column("报送单位", lambda r: r.reporting_unit),
    Column("报送期限", lambda r: day(r.due_date)),
    Column("报送时间", lambda r: day(r.submitted_at)),
    Column("状态", lambda r: r.get_status_display()),
]
RECORDS_SHEET = Sheet("records", "失信记录", RECORD_COLUMNS)
REVIEW_SHEET = Sheet("review", "审核队列", RECORD_COLUMNS)
PUBLISH_SHEET = Sheet("publish", "待公示记录", RECORD_COLUMNS)


class ImportFilter(ListFilter):
    unit = True
    date_field = "created_at"
    date_label = "上传日期"
    status = forms.ChoiceField(label="状态", required=False, choices=_choices(ImportStatus.choices))
    mode = forms.ChoiceField(label="导入方式", required=False, choices=_choices(ImportMode.choices))
    lookups: ClassVar[dict[str, Lookup]] = {"status": "status", "mode": "mode"}


IMPORTS_SHEET = Sheet(
    "imports",
    "批量导入",
    [
        Column("文件", lambda b: b.filename),
        Column("上传人", lambda b: b.created_by.first_name or b.created_by.username),
        Column("上传时间", lambda b: day(b.created_at)),
        Column("导入方式", lambda b: b.get_mode_display() + ("（仅校验）" if b.dry_run else "")),
        Column("状态", lambda b: b.get_status_display()),
        Column("导入条数", lambda b: b.created_count),
        Column("错误条数", lambda b: b.error_count),
    ],
)
