"""The portal's annual assessment pages, for the public: published results only (a year's map of
the prefectures coloured by grade, tables by level with Excel export, each unit's page with its
trend and explanation, and its PDF)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

from govtrust.assessment import selectors
from govtrust.assessment.models import Level, Result
from govtrust.assessment.views import LEVEL_LABELS, explanation
from govtrust.core.errors import DomainError, NotFound
from govtrust.core.pdf import render_pdf
from govtrust.directory.lists import xlsx_file, xlsx_response
from govtrust.directory.models import Division

GEO = "govtrust/geo/gansu_prefectures.json"  # the 14 prefectures; 兰州新区 has no shape
# Grade colours of the map and the tags (the names are the indicator system's grades).
GRADE_COLOURS = {"优秀": "#15803d", "良好": "#0369a1", "一般": "#d97706", "较差": "#b91c1c"}
GRADE_CLASSES = {"优秀": "excellent", "良好": "good", "一般": "fair", "较差": "poor"}
PUBLIC_LEVELS = ("prefecture", "county", "department")
PER_PAGE = 20
HEADER = ["排名", "单位", "同级组", "同级单位数", "总分", "等次", "版本"]


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    years = selectors.years_published()
    if years:
        return redirect("assessment-public:year", years[0])
    return render(request, "assessment/public/none.html", {})


def _level(request: HttpRequest) -> str:
    level = request.GET.get("level", "prefecture")
    return level if level in PUBLIC_LEVELS else "prefecture"


def _map_data(year: int) -> tuple[list[dict[str, Any]], list[Result]]:
    rows = list(selectors.results_public(year=year, level="prefecture"))
    names = dict(
        Division.objects.filter(code__in=[r.division_code for r in rows]).values_list(
            "code", "name"
        )
    )
    data, shapeless = [], []
    for r in rows:
        if r.division_code == "620171":  # 兰州新区: inside 兰州市's outline, listed beside
            shapeless.append(r)
            continue
        data.append(
            {
                "name": names.get(r.division_code, r.name),
                "value": float(r.total),
                "grade": r.grade,
                "rank": r.rank,
                "href": reverse("assessment-public:unit", args=[year, r.unit_key]),
                "itemStyle": {"areaColor": GRADE_COLOURS.get(r.grade, "#cbd5e1")},
            }
        )
    return data, shapeless


@require_GET
def year_page(request: HttpRequest, year: int) -> HttpResponseBase:
    run = selectors.published_run(year)
    if run is None:
        raise Http404("该年度考评结果尚未公布")
    level = _level(request)
    rows = selectors.results_public(year=year, level=level)
    if request.GET.get("export") == "xlsx":
        groups = dict(Level.choices)
        table = (
            [r.rank, r.name, groups.get(r.level, r.level), r.peers, r.total, r.grade, r.version]
            for r in rows.iterator(chunk_size=500)
        )
        title = f"{year}年度政务诚信考评结果-{LEVEL_LABELS[level]}"
        return xlsx_response(xlsx_file(title, HEADER, table), f"{title}.xlsx")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    data, shapeless = _map_data(year)
    grades = run.system.data["grades"]
    return render(
        request,
        "assessment/public/year.html",
        {
            "year": year,
            "run": run,
            "level": level,
            "levels": {key: LEVEL_LABELS[key] for key in PUBLIC_LEVELS},
            "page": page,
            "years": selectors.years_published(),
            "shapeless": shapeless,
            "grades": [dict(g, css=GRADE_CLASSES.get(g["name"], "none")) for g in grades],
            "chart_data": {
                "grades": {
                    "kind": "grade-map",
                    "geo": static(GEO),
                    "data": data,
                    "colours": GRADE_COLOURS,
                }
            },
        },
    )


def _published(year: int, unit_key: str) -> Result:
    try:
        return selectors.result_public(year=year, unit_key=unit_key)
    except NotFound as exc:
        raise Http404("该单位的考评结果尚未公布") from exc


def _context(result: Result) -> dict[str, Any]:
    system = result.run.system.data
    trend = list(selectors.trend_public(result.unit_key))
    return {
        "result": result,
        "year": result.year,
        "dimensions": explanation(result),
        "group_label": dict(Level.choices).get(result.level, result.level),
        "k": (system.get("shrinkage") or {}).get("k"),
        "grades": system["grades"],
        "trend": trend,
        "colour": GRADE_COLOURS.get(result.grade, "#cbd5e1"),
    }


@require_GET
def unit(request: HttpRequest, year: int, unit_key: str) -> HttpResponse:
    result = _published(year, unit_key)
    context = _context(result)
    trend = context["trend"]
    context["chart_data"] = {
        "trend": {
            "kind": "trend",
            "categories": [f"{r.year}年" for r in trend],
            "data": [float(r.total) for r in trend],
            "grades": [r.grade for r in trend],
        }
    }
    return render(request, "assessment/public/unit.html", context)


@require_GET
def unit_pdf(request: HttpRequest, year: int, unit_key: str) -> HttpResponse:
    result = _published(year, unit_key)
    try:
        data = render_pdf("assessment/public/unit_pdf.html", _context(result))
    except DomainError as exc:
        return HttpResponse(exc.detail, status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/pdf")
    name = f"assessment-{year}-{unit_key.replace(':', '-')}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
