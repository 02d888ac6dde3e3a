"""The unit picker as a Django form field and widget: one way to choose a government or
department anywhere (the public report form, list filters, screening).

Without script it is a select of every government grouped by 市州, each option with its parent
(城关镇人民政府（榆中县）), and a search box: in a GET form the page comes back with the select
narrowed to the units found (name, code or pinyin initials). With static/govtrust/unit-picker.js
it becomes cascading selects 市州 → 县市区 → 乡镇街道/部门 with live search, asking
/gs/units/ (directory/views_units.py). Either way the field posts one value (directory/units.py)
and UnitField checks it: an unknown or malformed value is refused in words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.urls import reverse

from govtrust.directory import units
from govtrust.directory.units import Unit


class UnitPicker(forms.Widget):
    template_name = "directory/widgets/unit_picker.html"

    def __init__(
        self,
        *,
        departments: bool = True,
        within: str = "",
        empty_label: str = "请选择",
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.departments = departments
        self.within = within
        self.empty_label = empty_label
        self.query = ""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        self.query = str(data.get(f"{name}_q", ""))[:40]
        return data.get(name)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen = units.unit_get(str(value)) if value else None
        empty_label = self.empty_label
        if self.query.strip():
            found = units.search(self.query, within=self.within, departments=self.departments)
            groups = [(f"“{self.query.strip()}”的搜索结果", found)] if found else []
            empty_label = f"找到{len(found)}个单位，请在此选择"
            if not found:
                empty_label = "没有找到，请换个名称或拼音首字母"
        else:
            groups = units.groups(within=self.within)
        listed = {u.value for _, members in groups for u in members}
        context["widget"]["picker"] = {
            "groups": groups,
            "chosen": chosen,
            "chosen_listed": chosen is not None and chosen.value in listed,
            "path": [u.value for u in units.path(chosen.value, within=self.within)]
            if chosen
            else [],
            "query": self.query,
            "endpoint": reverse("unit-lookup"),
            "departments": self.departments,
            "within": self.within,
            "empty_label": empty_label,
        }
        return context


class UnitField(forms.Field):
    """A government or department chosen with the picker; cleans to a `Unit`. `allowed` (a
    division code -> bool, e.g. the policy's `covers` for a user) narrows what may be chosen."""

    default_error_messages = {"required": "请选择单位", "invalid": units.UNKNOWN}

    def __init__(
        self,
        *,
        departments: bool = True,
        within: str = "",
        allowed: Callable[[str], bool] | None = None,
        empty_label: str = "请选择",
        **kwargs: Any,
    ) -> None:
        self.departments = departments
        self.allowed = allowed
        kwargs.setdefault(
            "widget", UnitPicker(departments=departments, within=within, empty_label=empty_label)
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Unit | None:
        if value in self.empty_values:
            return None
        unit = units.unit_get(str(value))
        if unit is None or (unit.is_department and not self.departments):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if self.allowed is not None and not self.allowed(unit.node):
            raise forms.ValidationError(units.OUTSIDE, code="outside")
        return unit

    def prepare_value(self, value: Any) -> Any:
        return value.value if isinstance(value, Unit) else value
