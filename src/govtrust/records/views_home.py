"""The back office's home page (/backoffice/, where everyone lands after signing in): each role's
work. A clerk: due, overdue and returned records with working-day countdowns. A reviewer: the
head of the review queue. The credit office and the inspectors: the figures as charts (records by
source and severity, on-time rate per unit, cases by state, rectification due). An inspector: its
open inspections and the findings waiting for its confirmation or verification. A unit: its
inspection findings to rectify, suggestions to answer and plan-task reports due. The three
administrators land on their own pages (audit log, system status, accounts).

Which blocks a user sees follows the access policy's capabilities; every read goes through the
selectors, which ask directory/policy.py for the reach."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from govtrust.directory import policy
from govtrust.directory.access import staff_user
from govtrust.directory.models import Role, User
from govtrust.measures.selectors import rectification_due
from govtrust.records.selectors_home import (
    DUE_WITHIN_WORKING_DAYS,
    clerk_work,
    inspector_work,
    records_by_source_severity,
    review_head,
    unit_supervision,
)
from govtrust.records.selectors_stats import unit_figures, window_end
from govtrust.remedies.selectors import cases_by_state, queue

# Each administrator lands on their duty (they hold no business capability).
ADMIN_HOME: dict[str, str] = {
    Role.AUDITOR: "audit",
    Role.SYSADMIN: "system",
    Role.SECADMIN: "accounts",
}
UNITS_SHOWN = 15  # units in the on-time chart: those with the most submissions this year


def _on_time_chart(user: User, today: Any) -> dict[str, Any]:
    rows = unit_figures(user=user, start=today.replace(month=1, day=1), end=today)
    submitted = sorted((r for r in rows if r.submitted), key=lambda r: -r.submitted)
    shown = sorted(submitted[:UNITS_SHOWN], key=lambda r: (r.on_time_rate or 0, r.unit))
    return {
        "kind": "bar",
        "horizontal": True,
        "max": 100,
        "valueSuffix": "%",
        "categories": [r.unit for r in shown],
        "series": [
            {"name": "按时率", "data": [round(100 * (r.on_time_rate or 0), 1) for r in shown]}
        ],
        "units": len(submitted),
    }


def _figures(user: User, today: Any, horizon: Any) -> dict[str, Any]:
    by_source = records_by_source_severity(user=user)
    cases = cases_by_state(user)
    states = list(dict.fromkeys(row["status_label"] for row in cases))
    kinds = list(dict.fromkeys(row["kind_label"] for row in cases))
    found = {(row["kind_label"], row["status_label"]): row["count"] for row in cases}
    due = rectification_due(user, today, horizon)
    charts = {
        "sources": {
            "kind": "bar",
            "stack": True,
            "horizontal": True,
            "total": by_source.total,
            "categories": by_source.sources,
            "series": [
                {"name": severity, "data": counts}
                for severity, counts in zip(by_source.severities, by_source.counts, strict=True)
            ],
        },
        "ontime": _on_time_chart(user, today),
        "cases": {
            "kind": "bar",
            "stack": True,
            "categories": states,
            "series": [
                {"name": kind, "data": [found.get((kind, state), 0) for state in states]}
                for kind in kinds
            ],
        },
        "rectification": {
            "kind": "bar",
            "horizontal": True,
            "categories": [
                "已逾期",
                f"{DUE_WITHIN_WORKING_DAYS}个工作日内到期",
                "以后到期",
                "已提交待核验",
            ],
            "series": [
                {
                    "name": "说明与整改",
                    "data": [due.overdue, due.due_soon, due.later, due.awaiting_check],
                }
            ],
        },
    }
    return {
        "by_source": by_source,
        "cases": cases,
        "cases_open": sum(row["count"] for row in cases if not row["closed"]),
        "due": due,
        "chart_data": charts,
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if not policy.permits(user, "business.read"):
        return redirect(ADMIN_HOME.get(user.role, "password-change"))
    today = timezone.localdate()
    horizon = window_end(today, DUE_WITHIN_WORKING_DAYS)
    context: dict[str, Any] = {
        "today": today,
        "horizon": horizon,
        "within": DUE_WITHIN_WORKING_DAYS,
    }
    if policy.permits(user, "records.file"):
        context["work"] = clerk_work(user=user, today=today)
    if policy.permits(user, "records.review"):
        context["queue_lines"], context["queue_count"] = review_head(user=user, today=today)
    if policy.permits(user, "cases.handle"):
        context["cases_waiting"] = queue(user).count()
    if policy.permits(user, "figures.read"):
        context.update(_figures(user, today, horizon))
    if policy.permits(user, "inspections.inspect"):
        context["inspector"] = inspector_work(user=user, today=today)
    supervision = unit_supervision(user=user, today=today)
    if supervision.any:
        context["supervision"] = supervision
    return render(request, "records/home.html", context)
