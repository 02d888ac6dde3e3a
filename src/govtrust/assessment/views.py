"""Back-office pages of the annual assessment: results by level with the run button (the
provincial credit office), and each unit's explanation from its total down to the records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from govtrust.assessment import engine, objections, rules, selectors, services
from govtrust.assessment.models import Level, Result, Run
from govtrust.core.clock import today_beijing
from govtrust.directory import policy
from govtrust.directory.access import attempt, capability_required, posted_int, staff_user

LEVEL_LABELS = {
    "prefecture": "市州（含兰州新区）",
    "county": "县市区",
    "township": "乡镇街道",
    "department": "部门（按所属政府层级分组排名）",
}


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = today_beijing().year
    return year if 2000 <= year <= 2100 else today_beijing().year


@require_GET
@capability_required("business.read")
def results(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    year = _year(request)
    level = request.GET.get("level", "prefecture")
    if level not in selectors.LEVELS:
        level = "prefecture"
    rows = selectors.results_visible(user, year=year, level=level)
    run = Run.objects.filter(year=year).order_by("-number").first()
    return render(
        request,
        "assessment/results.html",
        {
            "year": year,
            "level": level,
            "levels": LEVEL_LABELS,
            "group_labels": dict(Level.choices),
            "rows": rows[:500],
            "count": rows.count(),
            "run": run,
            "system": services.system_for(year),
            "published": selectors.published_run(year),
        },
    )


@require_POST
@capability_required("assessment.run")
def run(request: HttpRequest) -> HttpResponse:
    year = posted_int(request, "year") or today_beijing().year
    done = attempt(request, lambda: services.assessment_run(year=year, actor=staff_user(request)))
    if done is not None:
        messages.success(
            request,
            f"{year}年度考评第{done.number}次运行完成：考评单位{done.units}个，"
            f"新版本结果{done.changed}个，快照已签名并记入透明日志第{done.leaf_index}号叶子。",
        )
    return redirect(f"{reverse('assessment:results')}?year={year}")


@require_POST
@capability_required("assessment.approve")
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    name = "approve" if request.POST.get("decision") == "approve" else "reject"
    done = attempt(
        request,
        lambda: services.run_decide(
            run_id=pk,
            actor=staff_user(request),
            name=name,
            version=posted_int(request, "version") or 0,
            reason=request.POST.get("reason", ""),
        ),
    )
    if done is not None:
        verb = "审核通过，可以公布" if name == "approve" else "已驳回"
        messages.success(request, f"{done.year}年度考评第{done.number}次运行的结果{verb}。")
    return redirect(f"{reverse('assessment:results')}?year={_run_year(pk, today_beijing().year)}")


@require_POST
@capability_required("assessment.approve")
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    done = attempt(
        request,
        lambda: services.run_publish(
            run_id=pk, actor=staff_user(request), version=posted_int(request, "version") or 0
        ),
    )
    if done is not None:
        messages.success(request, f"{done.year}年度考评结果已公布，门户地图和结果表已向公众公开。")
    return redirect(f"{reverse('assessment:results')}?year={_run_year(pk, today_beijing().year)}")


def _run_year(pk: int, default: int) -> int:
    year = Run.objects.filter(pk=pk).values_list("year", flat=True).first()
    return year or default


def _links(row: dict[str, Any], subject: str) -> list[tuple[str, str]]:
    """Where the records and cases behind an indicator are listed (each list applies the
    viewer's own scope)."""
    records = reverse("records:list")
    code = row["code"]
    if code == "D1.1":
        query = urlencode({"q": subject, "status": "accepted"})
        return [("本单位为主体的已入库失信记录", f"{records}?{query}")]
    if code == "D1.2":
        query = urlencode({"q": subject, "status": "accepted", "source_type": "debtor_list"})
        return [("失信被执行人记录", f"{records}?{query}")]
    if code == "D3.1":
        return [("措施与整改", reverse("sanctions:list"))]
    if code == "D3.2":
        return [("异议和投诉举报", reverse("remedies-staff:queue"))]
    if code in ("D3.3", "D4.2"):
        return [("建议提案", reverse("suggestions:list"))]
    if code == "D3.4":
        return [("督办任务", reverse("supervision:overview"))]
    return []


def explanation(
    result: Result, links: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None
) -> list[dict[str, Any]]:
    """The result from each dimension down to each indicator: raw values, normalisation,
    weight, points (and, for staff, where the records behind it are listed)."""
    system = result.run.system.data
    by_code = {row["code"]: row for row in result.detail}
    dimensions = []
    for dimension in system["dimensions"]:
        rows = []
        for leaf in dimension["indicators"]:
            row = by_code.get(leaf["code"], {})
            formula = engine.FORMULAS.get(leaf.get("formula", ""))
            rows.append(
                {
                    "leaf": leaf,
                    "row": row,
                    "formula": formula.label if formula else "",
                    "links": links(row) if row and links else [],
                    "inputs": [
                        (engine.INPUT_LABELS.get(name, name), value)
                        for name, value in (row.get("inputs") or {}).items()
                    ],
                }
            )
        points = sum(float(r["row"].get("points", 0)) for r in rows)
        dimensions.append({"dimension": dimension, "rows": rows, "points": f"{points:.2f}"})
    return dimensions


@require_GET
@capability_required("business.read")
def explain(request: HttpRequest, year: int, unit_key: str) -> HttpResponse:
    user = staff_user(request)
    result = selectors.result_explained(user, year=year, unit_key=unit_key)
    subject = result.department.name if result.department else result.name
    dimensions = explanation(result, lambda row: _links(row, subject))
    system = result.run.system.data
    due = objections.objection_due(result)
    may_object = (
        due is not None
        and today_beijing() <= due
        and policy.assessed_unit(user, result.division_code, result.department_id)
    )
    return render(
        request,
        "assessment/explain.html",
        {
            "result": result,
            "year": year,
            "dimensions": dimensions,
            "group_label": dict(Level.choices).get(result.level, result.level),
            "k": (system.get("shrinkage") or {}).get("k"),
            "grades": system["grades"],
            "due": due,
            "may_object": may_object,
            "objection_days": rules.objection_days(),
            "objections": objections.objections_visible(user).filter(
                year=year, unit_key=result.unit_key
            ),
        },
    )


@require_POST
@capability_required("assessment.object")
def object_file(request: HttpRequest, year: int, unit_key: str) -> HttpResponse:
    done = attempt(
        request,
        lambda: objections.objection_file(
            actor=staff_user(request),
            year=year,
            unit_key=unit_key,
            reason=request.POST.get("reason", ""),
        ),
    )
    if done is not None:
        messages.success(request, "异议已提交，省信用办处理后结果将在此显示。")
    return redirect("assessment:explain", year, unit_key)


@require_GET
@capability_required("business.read")
def objection_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    rows = objections.objections_visible(user).select_related("result__run__system")
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    items = [{"o": o, "leaves": engine.leaves(o.result.run.system.data)} for o in page.object_list]
    return render(request, "assessment/objections.html", {"page": page, "items": items})


@require_POST
@capability_required("assessment.approve")
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    name = "uphold" if request.POST.get("decision_kind") == "uphold" else "dismiss"
    done = attempt(
        request,
        lambda: objections.objection_decide(
            actor=staff_user(request),
            pk=pk,
            name=name,
            version=posted_int(request, "version"),
            decision=request.POST.get("decision", ""),
            indicator=request.POST.get("indicator", ""),
            points=request.POST.get("points", ""),
        ),
    )
    if done is not None:
        if done.new_result is not None:
            messages.success(
                request,
                f"异议成立：{done.new_result.name}的考评结果已生成第{done.new_result.version}版，"
                f"总分{done.new_result.total}，{done.new_result.grade}。",
            )
        else:
            messages.success(request, "已认定异议不成立，考评结果不变。")
    return redirect("assessment:objections")
