"""Formula injection (OWASP CSV injection): every CSV and Excel file the platform writes keeps a
user's `=...`, `+...`, `-...`, `@...` and their full-width forms as text, and numbers as numbers.
Each writer is fed the same payloads through its real path and its output is opened again."""

from __future__ import annotations

import csv
import decimal
import io
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]  # ships no type hints
import pytest
from django.test import Client

from govtrust.core import sheets
from govtrust.directory.models import User
from govtrust.disclosure.models import Publication
from govtrust.records.bulk import template
from govtrust.records.services.bulk import import_batch_create, import_batch_run, report_file
from tests.records import sheets as input_sheets
from tests.remedies.conftest import fresh_counters, office, published

__all__ = ["fresh_counters", "office", "published"]

PAYLOADS = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "＝1+1"]


def _csv(response: object) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def _cells(data: bytes | Path) -> list[Any]:
    book = openpyxl.load_workbook(data if isinstance(data, Path) else io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_texts_not_formulas(cells: list[Any]) -> None:
    """Each payload is in some cell, as a string cell; no cell anywhere is a formula."""
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = {cell.value for cell in cells if cell.data_type == "s"}
    assert set(PAYLOADS) <= texts


def test_the_rule_quotes_formula_leads_and_keeps_numbers() -> None:
    """Given text that spreadsheets read as a formula, and numbers,
    when they become CSV fields, then the text is quoted and the numbers are untouched."""
    for payload in [*PAYLOADS, "\t=1", "\r=1", "＋1", "－1", "＠A1"]:
        assert sheets.csv_cell(payload) == "'" + payload
    for number in (-2, 3.5, decimal.Decimal("-1.25"), 0):
        assert sheets.csv_cell(number) == number
    assert sheets.csv_cell(None) == "" and sheets.csv_cell("王伟 =1") == "王伟 =1"


def test_workbook_writes_text_as_strings_and_numbers_as_numbers() -> None:
    """Given a workbook from core.sheets, when payloads and numbers are written,
    then openpyxl reads strings and numbers, and no formula."""
    buffer = io.BytesIO()
    book = sheets.workbook(buffer, in_memory=True)
    sheet = book.add_worksheet("x")
    sheets.write_cells(sheet, 0, 0, [*PAYLOADS, -2, 3.5, decimal.Decimal("1.25"), None])
    sheet.write(1, 0, "=1+1")  # even a plain `write` of a string stays text
    book.close()
    cells = _cells(buffer.getvalue())
    _assert_texts_not_formulas(cells)
    assert [c.value for c in cells[len(PAYLOADS) : len(PAYLOADS) + 3]] == [-2, 3.5, 1.25]
    assert {c.data_type for c in cells[len(PAYLOADS) : len(PAYLOADS) + 3]} == {"n"}


@pytest.mark.django_db
def test_audit_csv_keeps_hostile_sign_in_names_as_text(
    client: Client, make_user: Callable[..., User]
) -> None:
    """Given failed sign-ins whose user names are formulas,
    when the auditor exports the log, then each name field starts with a quote and the
    sequence numbers are plain numbers."""
    for payload in PAYLOADS:
        client.post("/accounts/login/", {"username": payload, "password": "wrong-Pass-1"})
    client.force_login(make_user("aud", "auditor", "62"))
    rows = _csv(client.get("/accounts/audit/export.csv", {"action": "auth.login_failed"}))
    # The sign-in form folds full-width characters (NFKC): ＝1+1 arrives as =1+1.
    names = sorted("'" + unicodedata.normalize("NFKC", p) for p in PAYLOADS)
    assert sorted(row[2] for row in rows[1:]) == names
    # The object column names the account in words ("账号 …"): text, never a formula.
    accounts = sorted("账号 " + unicodedata.normalize("NFKC", p) for p in PAYLOADS)
    assert sorted(row[6] for row in rows[1:]) == accounts
    assert all(row[0].isdecimal() for row in rows[1:])


@pytest.mark.django_db
def test_open_data_csv_keeps_record_text_as_text(
    client: Client, published: Callable[..., Publication]
) -> None:
    """Given a published record whose text fields hold formulas,
    when the public CSV is downloaded, then each such field starts with a quote."""
    published(
        facts=PAYLOADS[0],
        outcome=PAYLOADS[1],
        subject_name=PAYLOADS[4],
        authority_name=PAYLOADS[3],
        basis=PAYLOADS[2],
    )
    header, row = _csv(client.get("/gs/records.csv"))
    fields = dict(zip(header, row, strict=True))
    assert fields["失信事实"] == "'" + PAYLOADS[0] and fields["处理结果"] == "'+1+1"
    assert fields["主体名称"] == "'＝1+1" and fields["决定机关"] == "'@SUM(A1)"
    assert fields["金额（万元）"] == "12.5"


@pytest.mark.django_db
def test_import_error_report_keeps_failing_cells_as_text(tmp_path: Path, clerk: User) -> None:
    """Given an import whose failing row holds formulas in its cells,
    when the error report is written, then those cells are strings, none is a formula, and
    the row number is a number."""
    row = input_sheets.row(
        主体名称=PAYLOADS[0],
        失信事实=PAYLOADS[1],
        处理结果=PAYLOADS[2],
        依据=PAYLOADS[3],
        决定机关=PAYLOADS[4],
        严重程度="非常严重",
    )
    path = input_sheets.csv_file(tmp_path / "bad.csv", [row])
    with path.open("rb") as handle:
        batch = import_batch_create(actor=clerk, source=handle, filename=path.name)
    batch = import_batch_run(batch_id=batch.pk)
    assert batch.status == "failed"
    cells = _cells(report_file(batch))
    _assert_texts_not_formulas(cells)
    number = next(c for c in cells if c.coordinate == "A2")
    assert number.data_type == "n" and number.value == 2


def test_import_template_has_no_formula_cells() -> None:
    """Given a unit name that looks like a formula, when the template is built, then no cell
    of any sheet is a formula (the drop-down lists are validations, not cells)."""
    cells = _cells(template.build("=1+1"))
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert "政务失信记录报送表（=1+1）" in {cell.value for cell in cells}


@pytest.mark.django_db
def test_screening_results_keep_candidate_names_as_text(reviewer: User) -> None:
    """Given a candidate list whose names are formulas,
    when the results are downloaded as Excel, then the names are string cells and the row
    numbers are numbers."""
    listing = io.StringIO()
    csv.writer(listing).writerows(
        [["姓名", "身份证号码", "所在单位"], *[[p, "", "单位"] for p in PAYLOADS]]
    )
    upload = io.BytesIO(listing.getvalue().encode())
    upload.name = "名单.csv"
    client = Client()
    client.force_login(reviewer)
    answer = client.post("/api/v1/screenings/upload?format=xlsx", {"file": upload})
    assert answer.status_code == 200
    cells = _cells(answer.content)
    _assert_texts_not_formulas(cells)
    numbers = [c.value for c in cells if c.column == 1 and c.value is not None]
    assert numbers[-5:] == [2, 3, 4, 5, 6]
    assert {c.data_type for c in cells if c.column == 1 and c.row > 3} == {"n"}
