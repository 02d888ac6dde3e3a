"""A session's assignment list (交办清单) imported from Excel: every row registered with its
reply deadline, or none (row errors listed, an error report, nothing written)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from govtrust.core.errors import DomainError, Forbidden
from govtrust.core.models import AuditEvent
from govtrust.core.sheets import SheetRefused, workbook, write_cells
from govtrust.directory.models import User
from govtrust.supervision.models import Suggestion
from govtrust.supervision.services.suggestion_import import suggestions_import

pytestmark = pytest.mark.django_db
SESSION = "兰州市第十七届人大五次会议"
HEADER = [
    "编号",
    "标题",
    "提出人",
    "承办政府代码",
    "交办日期",
    "承办部门",
    "协办单位",
    "涉及面广难度大",
]
GOOD: list[list[object]] = [
    ["0001", "关于增设社区养老服务站的建议", "王芳", "620102", "2025-11-30", "", "", "否"],
    [
        "0002",
        "关于规范政府采购付款的建议",
        "李强",
        "620102",
        datetime.date(2025, 8, 31),
        "城关区财政局",
        "",
        "是",
    ],
    ["0003", "关于加强诚信教育的建议", "赵敏", "620103", "2025/3/15", "", "七里河区教育局", ""],
]


def xlsx(rows: list[list[object]], header: list[str] = HEADER) -> io.BytesIO:
    buffer = io.BytesIO()
    book = workbook(buffer, in_memory=True)
    sheet = book.add_worksheet()
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    write_cells(sheet, 0, 0, header)
    for number, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(
                    number, col, datetime.datetime.combine(value, datetime.time()), date
                )
            else:
                write_cells(sheet, number, col, [value])
    book.close()
    buffer.seek(0)
    buffer.name = "交办清单.xlsx"
    return buffer


@pytest.fixture
def office(make_user: Callable[..., User], make_department: Callable[..., object]) -> User:
    make_department("620102", "城关区财政局")
    return make_user("office_lz", "credit_office", "6201")


def run(office: User, source: io.BytesIO, name: str = "交办清单.xlsx") -> list[Suggestion]:
    return suggestions_import(
        actor=office, kind="deputy", session=SESSION, filename=name, source=source
    )


def test_a_good_list_registers_every_item_with_its_deadline(office: User) -> None:
    done = run(office, xlsx(GOOD))
    assert len(done) == 3
    by_number = {s.number: s for s in Suggestion.objects.all()}
    assert by_number["0001"].due_date == datetime.date(2026, 2, 28)
    second = by_number["0002"]
    assert second.complex and second.due_date == datetime.date(2026, 2, 28)
    assert second.department is not None and second.department.name == "城关区财政局"
    assert by_number["0003"].co_units == "七里河区教育局"
    assert all(s.session == SESSION and s.kind == "deputy" for s in by_number.values())
    assert AuditEvent.objects.filter(action="suggestion.register").count() == 3
    assert AuditEvent.objects.get(action="suggestion.import").after == {
        "kind": "deputy",
        "session": SESSION,
        "count": 3,
    }


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["0004", "标题", "张三", "620102", "明天", "", "", ""], "交办日期“明天”无法识别"),
        (["0004", "标题", "张三", "9901", "2025-11-30", "", "", ""], "承办单位不存在"),
        (
            ["0004", "标题", "张三", "620102", "2025-11-30", "不存在局", "", ""],
            "承办部门“不存在局”",
        ),
        (["0004", "", "张三", "620102", "2025-11-30", "", "", ""], "请填写标题"),
        (["0004", "标题", "张三", "620102", "2025-11-30", "", "", "也许"], "应填“是”或“否”"),
        (["0001", "标题", "张三", "620102", "2025-11-30", "", "", ""], "编号与第2行重复"),
        (["0004", "标题", "张三", "620102", "2999-01-01", "", "", ""], "交办日期"),
    ],
)
def test_one_bad_row_refuses_the_list(office: User, row: list[object], message: str) -> None:
    with pytest.raises(SheetRefused) as refused:
        run(office, xlsx([*GOOD, row]))
    assert "未登记任何建议提案" in refused.value.detail
    assert next(n for n, _c, m in refused.value.problems if message in m) == 5
    assert not Suggestion.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="suggestion.").exists()
    lines = CalamineWorkbook.from_filelike(io.BytesIO(refused.value.report))
    assert message in str(lines.get_sheet_by_index(0).to_python()[1][-1])


def test_an_item_registered_before_is_refused(office: User) -> None:
    run(office, xlsx(GOOD[:1]))
    with pytest.raises(SheetRefused, match="1行错误"):
        run(office, xlsx(GOOD))
    assert Suggestion.objects.count() == 1


def test_unreadable_lists_and_wrong_headers(office: User) -> None:
    with pytest.raises(SheetRefused, match="表头缺少列"):
        run(office, xlsx(GOOD, header=["编号", "标题", "提出人", "承办政府", "交办日期"]))
    bad = io.BytesIO("编号,标题\n".encode() + b"\xff\xfe\x81\x30")
    with pytest.raises(SheetRefused, match="编码"):
        run(office, bad, "清单.csv")
    with pytest.raises(DomainError, match="届次"):
        suggestions_import(
            actor=office, kind="deputy", session=" ", filename="a.xlsx", source=xlsx(GOOD)
        )


def test_only_the_credit_office_imports(make_user: Callable[..., User]) -> None:
    unit = make_user("reviewer_cg", "reviewer", "620102")
    with pytest.raises(Forbidden):
        run(unit, xlsx(GOOD))


def test_the_page_imports_and_shows_a_refusal(office: User, client: Client) -> None:
    client.force_login(office)
    page = client.get("/backoffice/suggestions/").content.decode()
    assert 'id="import"' in page
    refused = client.post(
        "/backoffice/suggestions/import",
        {
            "kind": "deputy",
            "session": SESSION,
            "file": xlsx([*GOOD, ["0001", "x", "y", "620102", "2025-01-01"]]),
        },
        follow=True,
    ).content.decode()
    assert 'id="import-refusal"' in refused and "编号与第2行重复" in refused
    assert client.get("/backoffice/suggestions/import/refusal.xlsx").status_code == 200
    assert 'id="import-refusal"' not in client.get("/backoffice/suggestions/").content.decode()
    done = client.post(
        "/backoffice/suggestions/import",
        {"kind": "cppcc", "session": SESSION, "file": xlsx(GOOD)},
        follow=True,
    ).content.decode()
    assert "已导入交办清单：登记建议提案3件" in done
    assert Suggestion.objects.filter(kind="cppcc").count() == 3
    template = client.get("/backoffice/suggestions/import/template.xlsx")
    assert template.status_code == 200
