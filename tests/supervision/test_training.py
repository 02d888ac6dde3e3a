"""Integrity training (诚信教育, plan 三（二）1): a unit registers courses and sessions and the
attendance of the civil servants in its reach, from a list written whole or not at all;
coverage per unit and year counts trained civil servants over those on the directory's roll."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from govtrust.core.clock import today_beijing
from govtrust.core.errors import Conflict, DomainError, Forbidden
from govtrust.core.models import AuditEvent
from govtrust.core.sheets import workbook, write_cells
from govtrust.directory.models import CivilServant, Department, User
from govtrust.directory.services import civil_servant_create
from govtrust.supervision import selectors_training as selectors
from govtrust.supervision.demo_training import training_demo
from govtrust.supervision.models import (
    TrainingAttendance,
    TrainingImport,
    TrainingSession,
)
from govtrust.supervision.services import training as svc
from tests.conftest import new_ric

pytestmark = pytest.mark.django_db
HEADER = ["场次编号", "姓名", "身份证号码", "出勤情况", "考试成绩"]


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user("office_gs", "credit_office", "62")


@pytest.fixture
def city(make_user: Callable[..., User]) -> User:
    return make_user("reviewer_lz", "reviewer", "6201")


@pytest.fixture
def people(make_department: Callable[..., Department]) -> dict[str, tuple[CivilServant, str]]:
    """Civil servants of 城关区财政局 (two), 兰州市财政局 (one) and 天水市财政局 (one), by name,
    with their ID numbers."""
    found = {}
    for code, unit, name in [
        ("620102", "城关区财政局", "王芳"),
        ("620102", "城关区财政局", "李强"),
        ("6201", "兰州市财政局", "张敏"),
        ("6205", "天水市财政局", "赵磊"),
    ]:
        ric = new_ric(place=code.ljust(6, "0")[:6] if code != "62" else "620102")
        person = civil_servant_create(department=make_department(code, unit), name=name, ric=ric)
        found[name] = (person, ric)
    return found


def _session(actor: User, code: str = "LZ-01", **changes: Any) -> TrainingSession:
    course = svc.course_create(actor=actor, code=f"K-{code}", title="政务诚信与守信践诺")
    data: dict[str, Any] = {
        "course_id": course.pk,
        "code": code,
        "mode": "in_person",
        "held_on": today_beijing() - datetime.timedelta(days=10),
        "hours": Decimal("3"),
    }
    return svc.session_create(actor=actor, data=svc.SessionIn(**(data | changes)))


def _xlsx(rows: list[list[Any]], header: list[str] = HEADER) -> io.BytesIO:
    buffer = io.BytesIO()
    book = workbook(buffer, in_memory=True)
    sheet = book.add_worksheet("名单")
    write_cells(sheet, 0, 0, ["2026年诚信教育参训名单"])  # a title row above the header
    write_cells(sheet, 1, 0, header)
    for number, row in enumerate(rows, start=2):
        write_cells(sheet, number, 0, row)
    book.close()
    buffer.seek(0)
    return buffer


def test_a_session_belongs_to_its_organiser_in_reach(
    city: User, make_user: Callable[..., User]
) -> None:
    session = _session(city, place="兰州市委党校")
    assert (session.organiser, session.division_code) == ("兰州市人民政府", "6201")
    assert AuditEvent.objects.filter(action="training.session_create").count() == 1
    # Another unit in reach may be named; one outside reach is refused in words.
    county = _session(city, "CG-01", government_code="620102")
    assert county.organiser == "城关区人民政府"
    with pytest.raises(DomainError, match="不在您的数据范围内"):
        _session(city, "TS-01", government_code="6205")
    with pytest.raises(Conflict, match="已使用"):
        _session(make_user("office_x", "credit_office", "62"), "LZ-01")
    # A department's clerk organises for its department, whatever the form leaves empty.
    clerk = make_user("clerk_cg", "clerk", "620102", "城关区财政局")
    own = _session(clerk, "CZ-01")
    assert own.organiser == "城关区财政局" and own.department_id == clerk.department_id
    assert list(selectors.sessions_visible(clerk)) == [own]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hours": "0"}, "学时应大于0"),
        ({"hours": "1.25"}, "一位小数"),
        ({"hours": "abc"}, "学时应为数字"),
        ({"mode": "tv"}, "培训方式"),
        ({"held_on": datetime.date(1900, 1, 1)}, "培训日期"),
        ({"code": "  "}, "请填写场次编号"),
    ],
)
def test_a_bad_session_is_refused_in_words(
    city: User, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        _session(city, **changes)
    assert not TrainingSession.objects.exists()


def test_administrators_and_inspectors_do_not_register(make_user: Callable[..., User]) -> None:
    for role in ("inspector", "sysadmin"):
        with pytest.raises(Forbidden):
            svc.course_create(actor=make_user(f"u_{role}", role, "62"), code="X", title="x")


def test_an_attendance_list_is_written_whole(city: User, people: dict[str, Any]) -> None:
    session = _session(city)
    (_, ric_wang), (_, ric_li) = people["王芳"], people["李强"]
    rows = [
        [session.code, "王芳", ric_wang, "参加", 92.5],
        [session.code, "李强", ric_li.lower(), "缺席", ""],
        [session.code, "张敏", people["张敏"][1], "", "58"],
    ]
    batch = svc.attendance_import(actor=city, source=_xlsx(rows), filename="名单.xlsx")
    assert (batch.state, batch.created, batch.rows) == ("done", 3, 3)
    wang = TrainingAttendance.objects.get(civil_servant=people["王芳"][0])
    assert wang.attended and wang.score == Decimal("92.5") and wang.division_code == "620102"
    assert not TrainingAttendance.objects.get(civil_servant=people["李强"][0]).attended
    # The same list again is recognised as registered: nothing new, no error.
    again = svc.attendance_import(actor=city, source=_xlsx(rows), filename="名单.xlsx")
    assert (again.state, again.created, again.unchanged) == ("done", 0, 3)
    assert TrainingAttendance.objects.count() == 3
    assert AuditEvent.objects.filter(action="training.import").count() == 2


def test_a_list_with_any_bad_row_writes_nothing_and_says_why(
    city: User, people: dict[str, Any]
) -> None:
    session = _session(city)
    _session(city, "LZ-09", held_on=today_beijing() + datetime.timedelta(days=30))
    wang, li, zhang, zhao = (people[n][1] for n in ("王芳", "李强", "张敏", "赵磊"))
    rows = [
        [session.code, "王芳", wang, "参加", 90],  # good
        ["NO-SUCH", "李强", li, "参加", 80],  # unknown session
        [session.code, "赵磊", zhao, "参加", 80],  # 天水市: outside 兰州市's reach
        [session.code, "张三", zhang, "参加", 80],  # the name does not match the ID
        [session.code, "李强", li, "参加", "优秀"],  # not a number
        [session.code, "李强", li, "参加", 120],  # out of range
        [session.code, "王芳", wang, "参加", 90],  # the first row again
        [session.code, "张敏", zhang, "缺席", 70],  # absent with a score
        [session.code, "张敏", "620102198001011234", "迟到", ""],  # bad ID and status
        ["LZ-09", "张敏", zhang, "参加", ""],  # not yet held
    ]
    batch = svc.attendance_import(actor=city, source=_xlsx(rows), filename="名单.xlsx")
    assert batch.state == "refused" and not TrainingAttendance.objects.exists()
    said = {(row, column): message for row, column, message in batch.errors}
    assert "不存在或不在您的数据范围内" in said[(4, "场次编号")]
    assert "公务员名录" in said[(5, "身份证号码")]
    assert "姓名" in said[(6, "姓名")] and "不一致" in said[(6, "姓名")]
    assert "不是数字" in said[(7, "考试成绩")]
    assert "超出范围" in said[(8, "考试成绩")]
    assert "与第3行重复" in said[(9, "本行")]
    assert "缺席人员不应填写考试成绩" in said[(10, "考试成绩")]
    assert (11, "身份证号码") in said and "参加" in said[(11, "出勤情况")]
    assert "尚不能登记出勤" in said[(12, "场次编号")]
    assert (3, "本行") not in said and not any(row == 3 for row, _c, _m in batch.errors)
    assert AuditEvent.objects.filter(action="training.import_refused").count() == 1
    # The error report: the failing rows as sent, with their sheet row numbers and the reasons.
    assert batch.report is not None
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(bytes(batch.report))).get_sheet_by_index(0)
    table = sheet.to_python()
    assert table[0][:3] == ["原行号", "场次编号", "姓名"]
    assert [r[0] for r in table[1:]] == list(range(4, 13))
    assert "不存在" in str(table[1][-1]) and table[1][1] == "NO-SUCH"


def test_a_row_registered_otherwise_before_refuses_the_list(
    city: User, people: dict[str, Any]
) -> None:
    session = _session(city)
    wang = people["王芳"][1]
    svc.attendance_import(
        actor=city, source=_xlsx([[session.code, "王芳", wang, "参加", 90]]), filename="a.xlsx"
    )
    batch = svc.attendance_import(
        actor=city, source=_xlsx([[session.code, "王芳", wang, "参加", 60]]), filename="b.xlsx"
    )
    assert batch.state == "refused" and "已登记" in batch.errors[0][2]
    assert TrainingAttendance.objects.get().score == Decimal("90.0")


def test_csv_in_gbk_is_read_and_a_file_in_no_known_encoding_is_refused(
    city: User, people: dict[str, Any]
) -> None:
    session = _session(city)
    text = ",".join(HEADER) + f"\n{session.code},王芳,{people['王芳'][1]},参加,88\n"
    batch = svc.attendance_import(
        actor=city, source=io.BytesIO(text.encode("gb18030")), filename="名单.csv"
    )
    assert batch.state == "done" and batch.created == 1
    with pytest.raises(DomainError, match="编码"):
        svc.attendance_import(
            actor=city, source=io.BytesIO(b"\xff\xfe\x81\x30" * 50 + b"\n"), filename="x.csv"
        )
    with pytest.raises(DomainError, match="未找到表头"):
        svc.attendance_import(
            actor=city, source=_xlsx([["a"]], header=["编号", "名称"]), filename="x.xlsx"
        )
    with pytest.raises(DomainError, match="扩展名"):
        svc.attendance_import(actor=city, source=_xlsx([]), filename="x.csv")
    assert TrainingImport.objects.count() == 1 and TrainingAttendance.objects.count() == 1


def test_coverage_counts_trained_over_the_roll_per_unit_and_year(
    city: User, office: User, people: dict[str, Any], make_user: Callable[..., User]
) -> None:
    year = today_beijing().year
    session = _session(office, "GS-01", held_on=datetime.date(year, 1, 2))
    last_year = _session(office, "GS-00", held_on=datetime.date(year - 1, 6, 1))
    wang, li, zhang, zhao = (people[n][1] for n in ("王芳", "李强", "张敏", "赵磊"))
    svc.attendance_import(
        actor=office,
        source=_xlsx(
            [
                [session.code, "王芳", wang, "参加", 90],
                [session.code, "李强", li, "缺席", ""],
                [session.code, "赵磊", zhao, "参加", 40],
                [last_year.code, "李强", li, "参加", 75],
                [last_year.code, "张敏", zhang, "参加", 80],
            ]
        ),
        filename="all.xlsx",
    )
    with CaptureQueriesContext(connection) as queries:
        units = {g.division_id: g for g in selectors.coverage_by_unit(year)}
    assert len(queries) == 1
    chengguan = units["620102"]
    assert (chengguan.on_roll, chengguan.trained, chengguan.passed) == (2, 1, 1)  # type: ignore[attr-defined]
    assert units["6205"].trained == 1 and units["6205"].passed == 0  # type: ignore[attr-defined]
    assert units["6201"].trained == 0  # type: ignore[attr-defined]
    previous = {g.division_id: g for g in selectors.coverage_by_unit(year - 1)}
    assert previous["620102"].trained == 1 and previous["6201"].trained == 1  # type: ignore[attr-defined]
    # The table in reach: 兰州市 sees its own and 城关区's rows, not 天水市's.
    rows = selectors.coverage_rows(year, city)
    assert [(r.kind, r.unit, r.rate) for r in rows] == [
        ("政府", "兰州市人民政府", "0%"),
        ("部门", "兰州市财政局", "0%"),
        ("政府", "城关区人民政府", "50%"),
        ("部门", "城关区财政局", "50%"),
    ]
    clerk = make_user("clerk_cg", "clerk", "620102", "城关区财政局")
    assert [(r.kind, r.unit) for r in selectors.coverage_rows(year, clerk)] == [
        ("部门", "城关区财政局")
    ]


def test_attendance_is_seen_in_the_civil_servants_reach(
    office: User, city: User, people: dict[str, Any], make_user: Callable[..., User]
) -> None:
    session = _session(office, "GS-01")
    svc.attendance_import(
        actor=office,
        source=_xlsx(
            [
                [session.code, "王芳", people["王芳"][1], "参加", 90],
                [session.code, "赵磊", people["赵磊"][1], "参加", 90],
            ]
        ),
        filename="all.xlsx",
    )
    assert selectors.attendance_of(office, session).count() == 2
    assert [a.civil_servant.name for a in selectors.attendance_of(city, session)] == ["王芳"]
    sibling = make_user("reviewer_ts", "reviewer", "6205")
    assert [a.civil_servant.name for a in selectors.attendance_of(sibling, session)] == ["赵磊"]
    assert not selectors.sessions_visible(city).exists()  # the province's session is not its


def test_the_api_registers_lists_and_refuses(
    city: User, people: dict[str, Any], client: Client, make_user: Callable[..., User]
) -> None:
    client.force_login(city)
    course = client.post(
        "/api/v1/training-courses",
        {"code": "ZWCX-01", "title": "政务诚信与守信践诺"},
        content_type="application/json",
    )
    assert course.status_code == 201, course.content
    held = (today_beijing() - datetime.timedelta(days=3)).isoformat()
    created = client.post(
        "/api/v1/trainings",
        {
            "course_id": course.json()["id"],
            "code": "LZ-2026-01",
            "mode": "online",
            "held_on": held,
            "hours": "2.5",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["organiser"] == "兰州市人民政府" and body["mode_label"] == "线上学习"
    url = f"/api/v1/trainings/{body['id']}/attendance"
    bad = client.post(
        url,
        [
            {"name": "王芳", "ric": people["王芳"][1], "score": 91},
            {"name": "赵磊", "ric": people["赵磊"][1], "score": 101},
        ],
        content_type="application/json",
    )
    assert bad.status_code == 400 and "未登记任何记录" in bad.json()["detail"]
    assert not TrainingAttendance.objects.exists()
    good = client.post(
        url,
        [{"name": "王芳", "ric": people["王芳"][1], "score": 91}],
        content_type="application/json",
    )
    assert good.status_code == 201 and good.json() == {"created": 1}
    listed = client.get(url).json()
    assert listed[0]["ric_masked"] == people["王芳"][0].ric_masked
    assert people["王芳"][1] not in client.get(url).content.decode()
    assert [t["code"] for t in client.get("/api/v1/trainings").json()] == ["LZ-2026-01"]
    year = today_beijing().year
    coverage = client.get(f"/api/v1/training-coverage?year={year}").json()
    assert {"unit": "城关区财政局", "rate": "50%"}.items() <= coverage[-1].items()
    assert client.get("/api/v1/training-coverage?year=1999").status_code == 400
    client.force_login(make_user("reviewer_ts", "reviewer", "6205"))
    assert client.get(url).status_code == 404
    assert client.post(url, [], content_type="application/json").status_code == 404
    client.force_login(make_user("auditor_x", "auditor", "62"))
    assert client.get("/api/v1/trainings").status_code == 403


def test_the_demo_trains_the_demo_civil_servants_once(
    make_user: Callable[..., User], people: dict[str, Any]
) -> None:
    make_user("creditoffice", "credit_office", "62")
    make_user("reviewer", "reviewer", "6201")
    messages: list[str] = []
    training_demo(messages.append)
    first = TrainingAttendance.objects.count()
    assert first >= len(people) and TrainingSession.objects.count() == 3
    assert TrainingAttendance.objects.filter(attended=False).exists()
    training_demo(messages.append)
    assert TrainingAttendance.objects.count() == first and "新登记参训记录 0 条" in messages[-1]
