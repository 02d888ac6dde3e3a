"""The unit picker: its tree, search by name / pinyin initials, the JSON endpoint, the form
field's refusal of unknown or hostile values, and the plain select without script."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from govtrust.directory import units
from govtrust.directory.models import Department
from govtrust.directory.widgets import UnitField

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh(directory: None) -> Iterator[None]:
    units.forget()
    cache.clear()
    yield
    units.forget()
    cache.clear()


def test_every_option_names_its_parent_so_the_twenty_chengguan_towns_differ() -> None:
    labels = [u.label for u in units.search("城关镇", limit=100)]
    assert "城关镇人民政府（榆中县）" in labels
    assert len(labels) >= 20 and len(set(labels)) == len(labels)
    jiayuguan = [u.label for u in units.search("嘉峪关市人民政府")]
    assert jiayuguan[:2] == ["嘉峪关市人民政府（甘肃省）", "嘉峪关市人民政府（嘉峪关市·县级）"]


def test_cascade_goes_prefecture_county_township_and_departments(
    make_department: Callable[..., Department],
) -> None:
    finance = make_department("620123", "榆中县财政局")
    top = [u.value for u in units.children("")]
    assert top[0] == "62" and "6201" in top and "620171" in top  # 兰州新区 beside the 市州
    assert "620123" in [u.value for u in units.children("6201")]
    below = [u.value for u in units.children("620123")]
    assert "620123100" in below and f"d{finance.pk}" in below
    assert f"d{finance.pk}" not in [u.value for u in units.children("620123", departments=False)]
    assert [u.value for u in units.path(f"d{finance.pk}")] == [
        "6201",
        "620123",
        f"d{finance.pk}",
    ]


def test_search_by_pinyin_initials_full_pinyin_and_code() -> None:
    assert units.search("yzx")[0].label == "榆中县人民政府（兰州市）"
    assert "城关镇人民政府（榆中县）" in [u.label for u in units.search("cgz")]
    assert units.search("yuzhongxian")[0].value == "620123"
    assert units.search("620123100")[0].name == "城关镇人民政府"
    assert units.search("zzzzzz") == []


def test_within_keeps_to_a_subtree_as_the_policy_draws_it() -> None:
    assert [u.value for u in units.children("", within="6201")] == ["6201"]
    found = {u.value for u in units.search("lzxq", within="6201")}
    assert "620171" not in found  # 兰州新区 answers to the province, not to 兰州市
    assert all(u.node.startswith("6205") for u in units.search("cgz", within="6205"))


def test_endpoint_lists_children_and_searches(client: Client) -> None:
    top = client.get("/gs/units/").json()["units"]
    assert top[1] == {
        "value": "6201",
        "name": "兰州市人民政府",
        "label": "兰州市人民政府（甘肃省）",
        "parent": "",
        "department": False,
        "has_children": True,
    }
    found = client.get("/gs/units/", {"q": "cgz"}).json()["units"]
    assert "城关镇人民政府（榆中县）" in [u["label"] for u in found]
    chain = client.get("/gs/units/", {"path": "620123100"}).json()["units"]
    assert [u["value"] for u in chain] == ["6201", "620123", "620123100"]


@pytest.mark.parametrize("params", [{"parent": "99"}, {"parent": "<script>"}, {"path": "d0"}])
def test_endpoint_refuses_unknown_values_in_chinese(client: Client, params: dict[str, str]) -> None:
    response = client.get("/gs/units/", params)
    assert response.status_code == 400
    assert response.json()["detail"] == units.UNKNOWN


def test_endpoint_is_rate_limited_per_address(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govtrust.directory import views_units

    monkeypatch.setattr(views_units, "LOOKUPS_PER_WINDOW", 3)
    codes = [client.get("/gs/units/", {"q": "cgz"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get("/gs/units/").json()["detail"] == "查询过于频繁，请稍后再试"


@pytest.mark.parametrize(
    "value", ["99999", "62012310099999", "d999999", "d-1", "6201' OR 1=1", "<b>", "d1x"]
)
def test_field_refuses_unknown_or_hostile_values_in_chinese(value: str) -> None:
    from django import forms

    with pytest.raises(forms.ValidationError) as refused:
        UnitField().clean(value)
    assert refused.value.messages == [units.UNKNOWN]


def test_field_cleans_to_the_unit_and_honours_allowed(
    make_department: Callable[..., Department],
) -> None:
    from django import forms

    finance = make_department("620123", "榆中县财政局")
    unit = UnitField().clean(f"d{finance.pk}")
    assert unit.department_id == finance.pk and unit.node == "620123"
    with pytest.raises(forms.ValidationError) as refused:
        UnitField(departments=False).clean(f"d{finance.pk}")
    assert refused.value.messages == [units.UNKNOWN]
    only_tianshui = UnitField(allowed=lambda code: code.startswith("6205"))
    with pytest.raises(forms.ValidationError) as outside:
        only_tianshui.clean("620123100")
    assert outside.value.messages == [units.OUTSIDE]
    with pytest.raises(forms.ValidationError) as empty:
        UnitField().clean("")
    assert empty.value.messages == ["请选择单位"]


def test_widget_without_script_is_a_grouped_select_narrowed_by_a_search() -> None:
    from django import forms

    class Pick(forms.Form):
        unit = UnitField(required=False)

    html = str(Pick()["unit"])
    assert '<optgroup label="兰州市">' in html and html.count("<option") > 1500
    assert '<option value="620123100">城关镇人民政府（榆中县）</option>' in html
    narrowed = str(Pick({"unit": "", "unit_q": "cgz"})["unit"])
    assert narrowed.count("<option") <= units.SEARCH_LIMIT + 1
    assert "城关镇人民政府（榆中县）" in narrowed and "兰州市人民政府（甘肃省）" not in narrowed
    chosen = str(Pick({"unit": "620123100"})["unit"])
    assert '<option value="620123100" selected>' in chosen
    assert 'data-path="6201,620123,620123100"' in chosen
