"""Found by trying the system administrator's reference imports with hostile files: a deeply
nested JSON holiday file answered 500 (RecursionError in the JSON decoder), and control and
bidirectional-override characters went into division names (shown on every page and PDF that
names the government) and into the holiday notes. Refused or cleaned, in Chinese, nothing
changed."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govtrust.core.models import CalendarYear
from govtrust.directory.models import Division, User

pytestmark = pytest.mark.django_db
PAGE = "/accounts/system/imports/"


@pytest.fixture
def sysadmin(client: Client, make_user: Callable[..., User]) -> User:
    user = make_user("sys", "sysadmin", "62")
    client.force_login(user)
    return user


def _post(client: Client, kind: str, name: str, data: bytes) -> tuple[int, str]:
    answer = client.post(PAGE, {"kind": kind, "file": SimpleUploadedFile(name, data)})
    return answer.status_code, answer.content.decode()


def test_a_deeply_nested_json_holiday_file_is_refused_in_words(
    client: Client, sysadmin: User
) -> None:
    status, page = _post(client, "holidays", "h.json", b"[" * 200_000)
    assert status == 200
    assert "JSON" in page and "嵌套" in page
    assert not CalendarYear.objects.filter(year__gte=2027).exists()


def test_a_division_name_with_control_or_bidi_characters_is_refused(
    client: Client, sysadmin: User
) -> None:
    for name in ("新区\u202e局", "新\x01区"):
        data = f"code,name,parent_code,level\n620199,{name},6201,county\n".encode()
        status, page = _post(client, "divisions", "d.csv", data)
        assert status == 200
        assert "不可见字符" in page
    assert not Division.objects.filter(code="620199").exists()


def test_a_holiday_note_with_control_characters_is_refused(client: Client, sysadmin: User) -> None:
    data = "date,kind,source,note\n2031-10-01,休,国办发明电〔2030〕7号,国\u202e庆\n".encode()
    status, page = _post(client, "holidays", "h.csv", data)
    assert status == 200
    assert "不可见字符" in page


def test_a_schedule_marking_every_day_idle_is_refused_at_once(
    client: Client, sysadmin: User
) -> None:
    """Every day of 2031 marked 休 held the preview past the server's timeout (every deadline
    walked to the end of the file's years); such a year is refused in words."""
    day, lines = datetime.date(2031, 1, 1), ["date,kind,source"]
    while day.year == 2031:
        lines.append(f"{day},休,国办发明电〔2030〕7号")
        day += datetime.timedelta(days=1)
    started = time.monotonic()
    status, page = _post(client, "holidays", "h.csv", "\n".join(lines).encode())
    assert status == 200 and time.monotonic() - started < 10
    assert "2031年按此安排只有0个工作日" in page
    assert not CalendarYear.objects.filter(year=2031).exists()
