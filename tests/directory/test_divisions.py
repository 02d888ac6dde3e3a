"""The Gansu directory loaded from the shipped reference data."""

from __future__ import annotations

import pytest
from django.test import Client

from govtrust.directory.models import Division, Government
from govtrust.directory.services import divisions_load

pytestmark = pytest.mark.django_db


def test_counts_by_level_through_the_api(directory: None, client: Client) -> None:
    counts = {}
    for level in ("province", "prefecture", "county", "township"):
        body = client.get("/api/v1/divisions", {"level": level}).json()
        counts[level] = body["count"]
        assert len(body["items"]) == body["count"]
    # 14 市州 plus 兰州新区, which answers to the province (issue 11; plan's addressees).
    assert counts == {"province": 1, "prefecture": 15, "county": 87, "township": 1403}


def test_children_by_parent(directory: None, client: Client) -> None:
    body = client.get("/api/v1/divisions", {"parent": "6201"}).json()
    names = {item["name"] for item in body["items"]}
    assert {"城关区", "七里河区"} <= names
    assert "兰州新区" not in names  # it answers to the province, not to 兰州市
    assert all(item["code"].startswith("6201") for item in body["items"])
    province = client.get("/api/v1/divisions", {"parent": "62"}).json()
    assert "兰州新区" in {item["name"] for item in province["items"]}


def test_lanzhou_new_area_is_flagged_statistical_with_a_management_committee(
    directory: None,
) -> None:
    area = Division.objects.get(code="620171")
    assert area.is_statistical and area.name == "兰州新区"
    assert area.government.name == "兰州新区管理委员会"
    assert Division.objects.filter(is_statistical=True).count() == 1


def test_each_division_has_its_government(directory: None) -> None:
    assert Government.objects.count() == Division.objects.count() == 1506
    assert Government.objects.get(division_id="62").name == "甘肃省人民政府"
    assert Government.objects.get(division_id="6229").name == "临夏回族自治州人民政府"
    street = Government.objects.filter(division__name="酒泉路街道").get()
    assert street.name == "酒泉路街道办事处"
    town = Government.objects.filter(division__name="阿干镇").get()
    assert town.name == "阿干镇人民政府"


def test_loading_again_changes_nothing(directory: None) -> None:
    report = divisions_load()
    assert (report.divisions_created, report.governments_created) == (0, 0)
    assert Division.objects.count() == 1506


def test_codes_nest_by_prefix(directory: None) -> None:
    for division in Division.objects.exclude(parent=None):
        assert division.code.startswith(division.parent_id or "")
