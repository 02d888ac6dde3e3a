"""The portal home's charts as data for static/govtrust/charts.js (rendered with the vendored
ECharts, read from a json_script tag: no inline script, so the page needs no CSP nonce and stays
cacheable for everyone)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.templatetags.static import static
from django.urls import reverse

from govtrust.disclosure.selectors_summary import Summary

GEO = "govtrust/geo/gansu_prefectures.json"  # the 14 prefectures (README.md beside it)


def _search(**params: str | int) -> str:
    return reverse("portal:search") + "?" + urlencode(params)


def summary_charts(summary: Summary) -> dict[str, Any]:
    return {
        "map": {
            "kind": "map",
            "geo": static(GEO),
            "name": "公示中",
            "unit": "条",
            "data": [
                {"name": a.name, "value": a.count, "href": _search(prefecture=a.code)}
                for a in summary.prefectures
            ],
        },
        "sources": {
            "kind": "pie",
            "name": "失信来源",
            "unit": "条",
            "data": [
                {"name": label, "value": n, "href": _search(source_type=code)}
                for code, label, n in summary.sources
            ],
        },
        "years": {
            "kind": "bar",
            "unit": "条",
            "categories": [f"{year}年" for year, _ in summary.years],
            "links": [_search(year=year) for year, _ in summary.years],
            "series": [{"name": "决定年度", "data": [n for _, n in summary.years]}],
        },
        "months": {
            "kind": "line",
            "unit": "条",
            "categories": [month for month, _ in summary.months],
            "series": [{"name": "新公示", "data": [n for _, n in summary.months]}],
        },
    }
