"""规则与参考数据导入: the system administrator uploads the holiday schedule of several years and
an update of the administrative divisions, reads the preview, then applies; bad files are refused
in Chinese with nothing changed."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govtrust.core.errors import Forbidden
from govtrust.core.models import AuditEvent, CalendarDay, CalendarYear
from govtrust.core.workdays.services import calendar_year_enter, parse_schedule
from govtrust.directory.models import Division, Government, User
from govtrust.directory.reference_imports import divisions_apply, holidays_apply
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_create
from tests.conftest import record_payload

pytestmark = pytest.mark.django_db

PAGE = "/accounts/system/imports/"
NOTICE_2028 = "国办发明电〔2027〕7号"
NOTICE_2029 = "国办发明电〔2028〕9号"
HOLIDAYS_CSV = (
    "date,kind,source,note\n"
    f"2028-01-03,休,{NOTICE_2028},元旦补休\n"
    f"2028-01-04,休,{NOTICE_2028},假想的假日\n"
    f"2029-01-01,休,{NOTICE_2029},元旦\n"
    f"2029-02-10,班,{NOTICE_2029},春节调休\n"
)


@pytest.fixture
def sysadmin(client: Client, make_user: Callable[..., User]) -> User:
    user = make_user("sys", "sysadmin", "62")
    client.force_login(user)
    return user


def _upload(client: Client, kind: str, name: str, data: bytes) -> str:
    answer = client.post(PAGE, {"kind": kind, "file": SimpleUploadedFile(name, data)})
    assert answer.status_code == 200
    return answer.content.decode()


def _apply(client: Client, preview: str) -> Any:
    """Press 确认导入 on a preview: its hidden fields carry the previewed file back."""
    form = re.search(r'<section class="card" data-preview=.*?</form>', preview, re.S)
    assert form is not None
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(0)))
    return client.post(PAGE, fields, follow=True)


@time_machine.travel(datetime.datetime(2027, 12, 27, 10, tzinfo=datetime.UTC), tick=False)
def test_a_holiday_file_of_two_years_is_previewed_then_applied(
    client: Client, sysadmin: User, clerk: User
) -> None:
    """GIVEN December 2027, 2028 unscheduled, and a record whose deadline reaches into 2028
    (provisional) WHEN the sysadmin uploads the 2028 and 2029 schedules THEN the preview names
    both years, the 1 deadline to recompute, and changes nothing; applying enters both years
    from their notices and moves the deadline, audited."""
    client.force_login(sysadmin)  # the fixture's session is from before the journey in time
    schedule_2027 = parse_schedule("2027-01-01 休 元旦", year=2027)
    calendar_year_enter(year=2027, days=schedule_2027, source="通知", actor_name="a", actor_id=None)
    day = "2027-12-27"
    data = RecordIn.model_validate(record_payload(decision_date=day, arose_on=day))
    record = record_create(data=data, actor=clerk)
    assert record.due_provisional and record.due_date == datetime.date(2028, 1, 5)

    preview = _upload(client, "holidays", "holidays.csv", HOLIDAYS_CSV.encode())
    assert NOTICE_2028 in preview and NOTICE_2029 in preview
    assert re.search(r"重算 <strong>1</strong> 个暂定期限", preview)
    record.refresh_from_db()
    assert record.due_date == datetime.date(2028, 1, 5) and record.due_provisional
    assert not CalendarYear.objects.filter(year__gte=2028).exists()
    assert not AuditEvent.objects.filter(action="calendar.import").exists()

    done = _apply(client, preview).content.decode()
    assert "已导入2028年、2029年节假日安排，重算了1个暂定期限" in done
    assert dict(CalendarYear.objects.filter(year__gte=2028).values_list("year", "source")) == {
        2028: NOTICE_2028,
        2029: NOTICE_2029,
    }
    assert CalendarDay.objects.get(date=datetime.date(2029, 2, 10)).is_workday
    record.refresh_from_db()
    assert record.due_date == datetime.date(2028, 1, 7) and not record.due_provisional
    event = AuditEvent.objects.get(action="calendar.import")
    assert event.actor == "sys" and (event.after or {})["years"] == {
        "2028": NOTICE_2028,
        "2029": NOTICE_2029,
    }
    assert AuditEvent.objects.filter(action="calendar.enter_year", actor="sys").count() == 2


def test_a_json_schedule_previews_what_changes_in_an_entered_year(
    client: Client, sysadmin: User
) -> None:
    """GIVEN 2030 entered WHEN a JSON file changes one day and drops another THEN the preview
    lists both."""
    days = parse_schedule("2030-01-01 休 元旦\n2030-02-02 班 春节调休", year=2030)
    calendar_year_enter(year=2030, days=days, source="旧通知", actor_name="a", actor_id=None)
    items = [
        {"date": "2030-01-01", "kind": "休", "source": "新通知", "note": "元旦"},
        {"date": "2030-02-02", "kind": "休", "source": "新通知", "note": "春节"},
        {"date": "2030-10-01", "kind": "休", "source": "新通知", "note": "国庆节"},
    ]
    preview = _upload(client, "holidays", "h.json", json.dumps(items, ensure_ascii=False).encode())
    assert "改为：2030-02-02 休 春节" in preview
    assert re.search(r'<tr data-year="2030">.*?<td>已录入</td>\s*<td>1</td>', preview, re.S)
    assert CalendarYear.objects.get(year=2030).source == "旧通知"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("date,kind,source\n2028-01-03,放,国办\n", "第2行类型应为“休”或“班”"),
        ("date,kind,source\n2028-02-30,休,国办\n", "第2行日期无效"),
        ("date,kind,source\n2028-01-03,休,\n", "第2行缺少通知文号"),
        ("date,kind\n2028-01-03,休\n", "缺少列：source"),
        ("date,kind,source\n2028-01-03,休,甲\n2028-01-04,休,乙\n", "2028年的文号应一致"),
        ('[{"date": "2028-01-03"', "JSON 格式有误"),
    ],
)
def test_a_bad_holiday_file_is_refused_in_chinese(
    client: Client, sysadmin: User, content: str, message: str
) -> None:
    name = "h.json" if content.startswith("[") else "h.csv"
    page = _upload(client, "holidays", name, content.encode())
    assert message in page and "确认导入" not in page
    assert not CalendarYear.objects.exists() and not CalendarDay.objects.exists()


DIVISIONS = (
    "code,name,parent_code,level\n"
    "620199,兰州测试区,6201,county\n"
    "620199001,测试街道,620199,乡镇街道\n"
    "620103,七里河新区,6201,county\n"
    "620102,城关区,6201,county\n"
)


def test_a_gb18030_division_update_is_previewed_then_applied(
    client: Client, sysadmin: User
) -> None:
    """WHEN the sysadmin uploads a GB18030 file adding a county with a street and renaming
    七里河区 THEN the preview shows the diff and changes nothing; applying adds the divisions
    with their governments, renames the county and its government, audited."""
    preview = _upload(client, "divisions", "区划.csv", DIVISIONS.encode("gb18030"))
    assert re.search(r"新增 <strong>2</strong> 个，更名 <strong>1</strong> 个，未变 1 个", preview)
    assert "七里河区 → 七里河新区" in preview
    assert not Division.objects.filter(code="620199").exists()
    assert Division.objects.get(code="620103").name == "七里河区"

    done = _apply(client, preview).content.decode()
    assert "已导入行政区划：新增2个，更名1个" in done
    street = Division.objects.get(code="620199001")
    assert (street.name, street.parent_id, street.level) == ("测试街道", "620199", "township")
    assert Government.objects.get(division_id="620199001").name == "测试街道办事处"
    assert Government.objects.get(division_id="620199").name == "兰州测试区人民政府"
    assert Division.objects.get(code="620103").name == "七里河新区"
    assert Government.objects.get(division_id="620103").name == "七里河新区人民政府"
    event = AuditEvent.objects.get(action="directory.import_divisions")
    assert (event.after or {})["renamed"] == [["620103", "七里河区", "七里河新区"]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code,name,parent_code,level\n620198001,某街道,620198,township\n", "上级区划代码不存在"),
        ("code,name,parent_code,level\n62019,某区,6201,county\n", "区划代码应为 6 位数字"),
        ("code,name,parent_code,level\n620299,某区,6201,county\n", "应以上级代码 6201 开头"),
        ("code,name,parent_code,level\n620199,某区,6201,城区\n", "层级应为"),
        ("code,name,parent_code,level\n620103,七里河区,6202,county\n", "不支持通过导入变更"),
        ("code,name,level\n620199,某区,county\n", "缺少列：parent_code"),
    ],
)
def test_a_bad_division_file_is_refused_in_chinese(
    client: Client, sysadmin: User, content: str, message: str
) -> None:
    count = Division.objects.count()
    page = _upload(client, "divisions", "d.csv", content.encode())
    assert message in page and "确认导入" not in page
    assert Division.objects.count() == count


def test_a_file_in_another_encoding_is_refused(client: Client, sysadmin: User) -> None:
    count = Division.objects.count()
    page = _upload(client, "divisions", "d.csv", DIVISIONS.encode("utf-16"))
    assert "无法识别文件编码" in page and Division.objects.count() == count
    tampered = client.post(PAGE, {"kind": "divisions", "step": "apply", "content": "不是base64"})
    assert "请重新上传文件" in tampered.content.decode()
    assert Division.objects.count() == count


def test_the_system_page_links_the_imports(client: Client, sysadmin: User) -> None:
    assert PAGE in client.get("/accounts/system/").content.decode()


@pytest.mark.parametrize("role", ["secadmin", "auditor", "credit_office", "clerk"])
def test_no_one_else_imports_reference_data(make_user: Callable[..., User], role: str) -> None:
    """The services refuse every role but the system administrator (the pages' answers are in
    the access table)."""
    user = make_user(f"{role}_ref", role, "62", "甘肃省财政厅" if role == "clerk" else None)
    with pytest.raises(Forbidden):
        holidays_apply(data=HOLIDAYS_CSV.encode(), filename="h.csv", actor=user)
    with pytest.raises(Forbidden):
        divisions_apply(data=DIVISIONS.encode(), filename="d.csv", actor=user)
    assert not CalendarYear.objects.exists()
