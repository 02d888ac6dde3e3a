"""Bulk intake: every format, the mess departments send, both modes, and what is refused."""

from __future__ import annotations

import datetime
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from python_calamine import CalamineWorkbook

from govtrust.core.audit import audit_verify
from govtrust.core.errors import DomainError, Forbidden
from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.records.bulk import template
from govtrust.records.bulk.columns import COLUMNS, find_layout
from govtrust.records.models import ImportBatch, Record
from govtrust.records.services import bulk_rows
from govtrust.records.services.bulk import import_batch_create, import_batch_run, report_file
from tests.conftest import new_ric, new_uscc
from tests.records import sheets

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(clerk: User) -> Callable[..., ImportBatch]:
    def go(path: Path, actor: User = clerk, name: str | None = None, **options: Any) -> ImportBatch:
        with path.open("rb") as handle:
            batch = import_batch_create(
                actor=actor, source=handle, filename=name or path.name, **options
            )
        return import_batch_run(batch_id=batch.pk)

    return go


def test_xlsx_with_title_rows_becomes_submitted_records(
    tmp_path: Path, run: Callable[..., ImportBatch], clerk: User
) -> None:
    rows = [sheets.row() for _ in range(3)]
    batch = run(sheets.xlsx(tmp_path / "报送.xlsx", rows, title_rows=3))
    assert batch.status == "succeeded", batch.message
    assert batch.created_count == 3 and batch.error_count == 0
    records = list(Record.objects.order_by("number"))
    assert [r.status for r in records] == ["submitted"] * 3
    assert all(
        r.created_by == clerk and r.reporting_department == clerk.department for r in records
    )
    assert records[0].due_date == datetime.date(2025, 10, 13) and records[0].on_time is False
    assert records[0].amount == Decimal("1234.5")
    assert [e.action for e in records[0].events.all()] == ["import"]
    assert AuditEvent.objects.filter(action="record.import").count() == 3
    assert audit_verify().ok


@pytest.mark.parametrize("kind", ["xls", "ods", "csv-utf8-bom", "csv-utf8", "csv-gbk"])
def test_every_format_is_read(tmp_path: Path, run: Callable[..., ImportBatch], kind: str) -> None:
    rows = [sheets.row(), sheets.row(主体名称="李娜")]
    if kind == "xls":
        path = sheets.xls(tmp_path / "a.xls", rows)
    elif kind == "ods":
        path = sheets.ods(tmp_path / "a.ods", rows)
    else:
        encoding = {"csv-utf8-bom": "utf-8-sig", "csv-utf8": "utf-8", "csv-gbk": "gbk"}[kind]
        path = sheets.csv_file(tmp_path / "a.csv", rows, encoding=encoding)
    batch = run(path)
    assert batch.status == "succeeded", (batch.message, batch.errors)
    assert sorted(Record.objects.values_list("subject_name", flat=True)) == ["李娜", "王伟"]


def test_messy_cells_are_cleaned(tmp_path: Path, run: Callable[..., ImportBatch]) -> None:
    ric = new_ric()
    uscc = new_uscc()
    rows = [
        sheets.row(
            **{
                "统一社会信用代码/身份证号码": "　"
                + ric.lower().translate(str.maketrans("0123456789", "０１２３４５６７８９"))
                + "  ",
                "决定日期": 45926,  # Excel serial number for 2025-09-26
                "信息产生日期": "2025年9月26日",
                "金额（万元）": "１２,３４５.６７ ",
                "主体名称": "王伟  ",
                "严重程度": " 严重 ",
            }
        ),
        sheets.row(
            **{
                "主体类型": "部门",
                "主体名称": "城关区财政局",
                "统一社会信用代码/身份证号码": uscc.lower(),
                "决定日期": "2025/9/26",
                "信息产生日期": "20250926",
                "领域": "ppp",
                "失信来源": "judicial",
            }
        ),
    ]
    batch = run(sheets.xlsx(tmp_path / "messy.xlsx", rows))
    assert batch.status == "succeeded", batch.errors
    person = Record.objects.get(subject_kind="civil_servant")
    assert person.subject_ric_masked == f"{ric[:6]}********{ric[14:]}"
    assert person.decision_date == person.arose_on == datetime.date(2025, 9, 26)
    assert person.amount == Decimal("12345.67") and person.subject_name == "王伟"
    assert person.severity == "serious"
    organ = Record.objects.get(subject_kind="department")
    assert organ.subject_uscc == uscc and organ.domain == "ppp" and organ.source_type == "judicial"


def test_all_or_nothing_imports_nothing_and_marks_each_bad_cell(
    tmp_path: Path, run: Callable[..., ImportBatch]
) -> None:
    rows = [
        sheets.row(),
        sheets.row(**{"统一社会信用代码/身份证号码": "110105194912310021", "决定日期": "明天"}),
        sheets.row(严重程度="非常严重"),
        sheets.row(),
    ]
    batch = run(sheets.xlsx(tmp_path / "bad.xlsx", rows, title_rows=1))
    assert batch.status == "failed" and batch.created_count == 0
    assert not Record.objects.exists()
    assert {(e["row"], e["field"]) for e in batch.errors} == {
        (4, "subject_identifier"),
        (4, "decision_date"),
        (5, "severity"),
    }
    report = CalamineWorkbook.from_path(str(report_file(batch)))
    lines = list(report.get_sheet_by_index(0).iter_rows())
    assert lines[0][0] == "原行号" and lines[0][-1] == "错误说明"
    assert [line[0] for line in lines[1:]] == [4, 5]
    explanation = str(lines[1][-1])
    assert "校验位错误" in explanation and "日期格式" in explanation
    with zipfile.ZipFile(report_file(batch)) as archive:
        comments = "".join(archive.read(n).decode() for n in archive.namelist() if "comments" in n)
    assert "身份证号码校验位错误" in comments and "取值应为" in comments


def test_valid_rows_mode_imports_the_good_rows(
    tmp_path: Path, run: Callable[..., ImportBatch]
) -> None:
    rows = [sheets.row(), sheets.row(决定日期=""), sheets.row()]
    batch = run(sheets.xlsx(tmp_path / "part.xlsx", rows), mode="valid_rows")
    assert batch.status == "partial" and batch.created_count == 2 and batch.error_count == 1
    assert Record.objects.count() == 2


def test_sending_the_same_file_again_creates_no_duplicate(
    tmp_path: Path, run: Callable[..., ImportBatch]
) -> None:
    path = sheets.xlsx(tmp_path / "again.xlsx", [sheets.row() for _ in range(4)])
    first = run(path)
    second = run(path)
    assert first.created_count == 4
    assert second.status == "succeeded" and second.created_count == 0
    assert second.skipped_count == 4 and "已跳过" in second.message
    assert Record.objects.count() == 4


def test_the_same_decision_twice_in_one_file_is_an_error(
    tmp_path: Path, run: Callable[..., ImportBatch]
) -> None:
    twin = sheets.row()
    batch = run(sheets.xlsx(tmp_path / "twin.xlsx", [twin, dict(twin)], title_rows=1))
    assert batch.status == "failed"
    assert batch.errors == [
        {
            "row": 4,
            "field": "decision_number",
            "label": "文书号",
            "message": "与第3行是同一主体的同一决定",
        }
    ]


def test_dry_run_checks_and_writes_nothing(tmp_path: Path, run: Callable[..., ImportBatch]) -> None:
    batch = run(sheets.xlsx(tmp_path / "dry.xlsx", [sheets.row()]), dry_run=True)
    assert batch.status == "succeeded" and "仅校验" in batch.message
    assert not Record.objects.exists()


def test_legacy_penalty_columns_for_government_bodies(
    tmp_path: Path, run: Callable[..., ImportBatch]
) -> None:
    headers = [
        "CF_WSH",
        "CF_XDR_MC",
        "CF_XDR_LB",
        "CF_XDR_SHXYM",
        "CF_SY",
        "CF_YJ",
        "CF_NR",
        "CF_NR_FK",
        "CF_JDRQ",
        "CF_CFJG",
        "CF_CFJGDM",
        "BZ",
    ]
    government = {
        "CF_WSH": "甘财罚〔2025〕1号",
        "CF_XDR_MC": "城关区人民政府",
        "CF_XDR_LB": "法人及非法人组织",
        "CF_XDR_SHXYM": new_uscc(),
        "CF_SY": "违规采购",
        "CF_YJ": "《政府采购法》",
        "CF_NR": "罚款",
        "CF_NR_FK": "3",
        "CF_JDRQ": "2025-09-26",
        "CF_CFJG": "甘肃省财政厅",
        "CF_CFJGDM": "",
        "BZ": "",
    }
    company = dict(
        government,
        CF_WSH="甘财罚〔2025〕2号",
        CF_XDR_MC="某某公司",
        CF_XDR_SHXYM="91110108551385082Q",
    )
    path = sheets.csv_file(tmp_path / "cf.csv", [government, company], headers=headers)
    batch = run(path, mode="valid_rows")
    assert batch.legacy and batch.created_count == 1
    record = Record.objects.get()
    assert (record.subject_kind, record.source_type, record.arose_on) == (
        "government",
        "penalty",
        datetime.date(2025, 9, 26),
    )
    assert "不是政府机关" in batch.errors[0]["message"]


def _bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 << 20))
    return path


@pytest.mark.parametrize(
    ("make", "name", "fragment"),
    [
        (lambda p: p.write_bytes(b""), "a.xlsx", "文件为空"),
        (lambda p: p.write_bytes(b"\x00\x01binary" * 100), "a.csv", "不是表格"),
        (lambda p: sheets.xlsx(p, [sheets.row()]), "renamed.csv", "扩展名不符"),
        (lambda p: p.write_text("主体名称,文书号\n王伟,1\n"), "text.xlsx", "扩展名不符"),
        (lambda p: p.write_text("x"), "a.pdf", "只支持"),
        (_bomb, "bomb.xlsx", "压缩炸弹"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(
    tmp_path: Path, clerk: User, make: Callable[[Path], Any], name: str, fragment: str
) -> None:
    path = tmp_path / "upload.bin"
    make(path)
    with pytest.raises(DomainError, match=fragment), path.open("rb") as handle:
        import_batch_create(actor=clerk, source=handle, filename=name)
    assert not ImportBatch.objects.exists()


def test_size_and_row_limits(tmp_path: Path, clerk: User, run: Callable[..., ImportBatch]) -> None:
    path = sheets.xlsx(tmp_path / "big.xlsx", [sheets.row() for _ in range(5)])
    with (
        override_settings(GOVTRUST_IMPORT_MAX_BYTES=1000),
        pytest.raises(DomainError, match="上限"),
    ):
        with path.open("rb") as handle:
            import_batch_create(actor=clerk, source=handle, filename=path.name)
    with override_settings(GOVTRUST_IMPORT_MAX_ROWS=3):
        batch = run(path)
    assert batch.status == "failed" and "行数过多" in batch.message
    assert not Record.objects.exists()


def test_unreadable_csv_encoding_is_reported_not_guessed(
    tmp_path: Path, run: Callable[..., ImportBatch]
) -> None:
    path = tmp_path / "mixed.csv"
    good = sheets.csv_file(tmp_path / "u.csv", [sheets.row()] * 1, encoding="utf-8").read_bytes()
    path.write_bytes(good + b"\x80\x81\xfe\xff\x00".replace(b"\x00", b"") * 3 + b"\n")
    batch = run(path)
    assert batch.status == "failed" and "编码" in batch.message
    assert not Record.objects.exists()


def test_missing_header_and_missing_columns(
    tmp_path: Path, run: Callable[..., ImportBatch]
) -> None:
    no_header = run(sheets.csv_file(tmp_path / "n.csv", [], headers=["甲", "乙"]))
    assert "找不到表头" in no_header.message
    short = sheets.HEADERS[:6]
    missing = run(sheets.csv_file(tmp_path / "m.csv", [sheets.row()], headers=short))
    assert (
        missing.status == "failed"
        and "缺少必填列" in missing.message
        and "文书号" in missing.message
    )


@pytest.mark.parametrize("mode", ["all_or_nothing", "valid_rows"])
def test_a_crash_half_way_keeps_what_the_mode_says(
    tmp_path: Path, run: Callable[..., ImportBatch], monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    monkeypatch.setattr("govtrust.records.services.bulk.CHUNK", 2)
    real = bulk_rows.import_chunk
    calls = {"n": 0}

    def flaky(rows: Any, intake: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real(rows, intake)

    monkeypatch.setattr("govtrust.records.services.bulk.import_chunk", flaky)
    with pytest.raises(OSError):
        run(sheets.xlsx(tmp_path / "crash.xlsx", [sheets.row() for _ in range(5)]), mode=mode)
    batch = ImportBatch.objects.get()
    assert batch.status == "failed" and "回滚" in batch.message
    assert Record.objects.count() == (2 if mode == "valid_rows" else 0)


def test_only_clerks_import(tmp_path: Path, reviewer: User) -> None:
    path = sheets.xlsx(tmp_path / "r.xlsx", [sheets.row()])
    with pytest.raises(Forbidden), path.open("rb") as handle:
        import_batch_create(actor=reviewer, source=handle, filename=path.name)


def test_template_is_read_back_by_the_importer(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    path.write_bytes(template.build("城关区财政局"))
    workbook = CalamineWorkbook.from_path(str(path))
    assert workbook.sheet_names[:3] == ["失信记录", "代码表", "填写说明"]
    layout = find_layout(list(workbook.get_sheet_by_name("失信记录").iter_rows()))
    assert layout is not None and layout.header_row == 1
    assert len(layout.positions) == len(COLUMNS)  # every column, the period's fields included
    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    # kind, source, domain, severity, area, and now procedure and court ground
    assert sheet_xml.count("<dataValidation ") == 7


def test_legacy_rows_of_natural_persons_read_the_id_number_from_cf_xdr_zjhm(
    tmp_path: Path, run: Callable[..., ImportBatch]
) -> None:
    """GIVEN a 双公示 sheet whose party is a natural person: CF_XDR_SHXYM empty, the ID number in
    CF_XDR_ZJHM and its type in CF_XDR_ZJLX
    WHEN it is imported
    THEN a civil-servant record is created (it was refused as "subject_identifier 不能为空")."""
    headers = ["CF_WSH", "CF_XDR_MC", "CF_XDR_LB", "CF_XDR_SHXYM", "CF_XDR_ZJLX", "CF_XDR_ZJHM"]
    headers += ["CF_SY", "CF_YJ", "CF_NR", "CF_JDRQ", "CF_CFJG"]
    number = new_ric()
    person = {
        "CF_WSH": "兰财罚〔2025〕9号",
        "CF_XDR_MC": "王伟",
        "CF_XDR_LB": "自然人",
        "CF_XDR_SHXYM": "",
        "CF_XDR_ZJLX": "身份证",
        "CF_XDR_ZJHM": number.lower(),
        "CF_SY": "违规干预采购",
        "CF_YJ": "《政府采购法》",
        "CF_NR": "警告",
        "CF_JDRQ": "2025-09-26",
        "CF_CFJG": "兰州市财政局",
    }
    path = sheets.csv_file(tmp_path / "cf-person.csv", [person], headers=headers)
    batch = run(path)
    assert batch.status == "succeeded", batch.errors
    record = Record.objects.get()
    assert record.subject_kind == "civil_servant"
    assert record.subject_ric_masked == f"{number[:6]}********{number[14:]}"


def test_template_rows_carry_procedure_penalties_and_court_ground(
    tmp_path: Path, run: Callable[..., ImportBatch]
) -> None:
    """GIVEN template rows with 决定程序, 处罚种类 (two kinds), and a court-list row with its ground
    WHEN imported
    THEN the records store them, and a row lowering the law's class is refused."""
    warning = sheets.row(
        决定程序="简易程序",
        处罚种类="警告",
        严重程度="轻微",
        决定日期="2026-05-06",
        信息产生日期="2026-05-06",
    )
    court = sheets.row(失信来源="失信被执行人", 失信情形="（三）", 延长年限="2", 处罚种类="")
    lowered = sheets.row(
        处罚种类="罚款、限制从业", 严重程度="一般", 决定日期="2026-05-06", 信息产生日期="2026-05-06"
    )
    batch = run(sheets.xlsx(tmp_path / "new.xlsx", [warning, court, lowered]), mode="valid_rows")
    assert batch.created_count == 2
    assert batch.errors[0]["field"] == "severity" and "严重" in batch.errors[0]["message"]
    simple = Record.objects.get(procedure="simple")
    assert simple.penalties == ["warning"] and simple.severity == "minor"
    listed = Record.objects.get(source_type="debtor_list")
    assert (listed.court_ground, listed.extension_years) == (3, 2)


def test_legacy_penalty_kinds_are_read_from_cf_cflb() -> None:
    from govtrust.records.bulk.mapping import penalty_codes

    assert penalty_codes("警告、罚款") == ["warning", "fine"]
    assert penalty_codes("暂扣或者吊销许可证、暂扣或者吊销执照") == ["license"]
    assert penalty_codes("没收违法所得、没收非法财物") == ["confiscation"]
    assert penalty_codes("责令停产停业") == ["stop_production"]
    assert penalty_codes("") == []


def test_message_counts_rows_and_errors_apart(
    tmp_path: Path, run: Callable[..., ImportBatch]
) -> None:
    """GIVEN one row with several errors and one good row
    WHEN imported keeping the valid rows
    THEN the message says 1 row, and how many errors in all (not "N处错误的行")."""
    bad = sheets.row(严重程度="很严重", 失信来源="不知道", 决定日期="昨天")
    batch = run(sheets.xlsx(tmp_path / "import3.xlsx", [sheets.row(), bad]), mode="valid_rows")
    assert batch.created_count == 1
    assert batch.error_count >= 3, batch.errors
    assert f"有错误的行未导入：1行，共{batch.error_count}处错误" in batch.message, batch.message
    failed = run(sheets.xlsx(tmp_path / "import4.xlsx", [bad, bad]))
    assert f"发现错误：2行，共{failed.error_count}处错误，未导入任何记录" in failed.message


@pytest.mark.parametrize(
    ("uploaded", "named"),
    [
        ("import3.xlsx", "错误报告-import3.xlsx"),
        ("import3.xlsx.xlsx", "错误报告-import3.xlsx"),
        ("城关区.CSV", "错误报告-城关区.xlsx"),
        ("名单", "错误报告-名单.xlsx"),
        (".xlsx", "错误报告-导入.xlsx"),
    ],
)
def test_report_is_named_after_the_upload_without_its_extension(uploaded: str, named: str) -> None:
    from govtrust.records.views_imports import report_name

    assert report_name(uploaded) == named
