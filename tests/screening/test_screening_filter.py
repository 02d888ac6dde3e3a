"""The screenings list narrowed by the unit picker to a unit and those below it, within reach."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govtrust.directory import units
from govtrust.directory.models import User
from govtrust.screening.models import Screening

pytestmark = pytest.mark.django_db


def _run(client: Client, title: str) -> None:
    upload = SimpleUploadedFile("名单.csv", "姓名\n张三\n".encode("gb18030"), "text/csv")
    client.post("/backoffice/screenings/", {"title": title, "file": upload})


def test_screenings_list_narrows_by_unit_and_refuses_units_out_of_reach(
    make_user: Callable[..., User], reviewer: User
) -> None:
    units.forget()
    province = make_user("office_gs", "credit_office", "62")
    client = Client()
    client.force_login(reviewer)  # 兰州市
    _run(client, "兰州市评选")
    client.force_login(province)
    _run(client, "全省评选")
    assert Screening.objects.count() == 2
    everything = client.get("/backoffice/screenings/").content.decode()
    assert "兰州市评选" in everything and "全省评选" in everything
    assert 'id="screening-filter"' in everything and "兰州市人民政府（甘肃省）" in everything
    lanzhou = client.get("/backoffice/screenings/", {"unit": "6201"}).content.decode()
    assert "兰州市评选" in lanzhou and "全省评选" not in lanzhou
    hostile = client.get("/backoffice/screenings/", {"unit": "62'--"}).content.decode()
    assert units.UNKNOWN in hostile and "全省评选" in hostile  # refused, list unfiltered
    client.force_login(reviewer)
    outside = client.get("/backoffice/screenings/", {"unit": "6205"}).content.decode()
    assert units.OUTSIDE in outside
    own = client.get("/backoffice/screenings/").content.decode()
    assert "天水市人民政府" not in own  # the picker offers only what 兰州市 reaches
