"""The measure rule catalogue as a page: every rule in force with its history, and for the
provincial credit office a revision form per rule (periods, conditions, self-correction effects,
the date it takes effect and its legal source). The service checks and audits the revision."""

from __future__ import annotations

import datetime
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from govtrust.directory import policy
from govtrust.directory.access import attempt, capability_required, staff_user
from govtrust.measures.models import MeasureKind, MeasureRule
from govtrust.measures.rules.schema import CONDITIONS, EFFECTS, PERIODS
from govtrust.measures.services import measure_rule_revise
from govtrust.records.models import Severity, SubjectKind
from govtrust.remedies.models import CorrectionKind


@require_GET
@capability_required("business.read")
def rules(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    catalogue = [
        {"current": _described(versions[0]), "history": [_described(r) for r in versions[1:]]}
        for _code, group in groupby(MeasureRule.objects.all(), key=lambda r: r.code)
        for versions in [list(group)]
    ]
    return render(
        request,
        "measures/rules.html",
        {
            "catalogue": catalogue,
            "may_revise": policy.permits(user, "rules.revise"),
            "severities": Severity.choices,
            "subject_kinds": SubjectKind.choices,
            "corrections": CorrectionKind.choices,
            "effects": EFFECTS,
            "tomorrow": timezone.localdate() + datetime.timedelta(days=1),
        },
    )


def _described(rule: MeasureRule) -> dict[str, Any]:
    """A rule in words, and what its revision form starts from."""
    kinds, corrections = dict(MeasureKind.choices), dict(CorrectionKind.choices)
    conditions = [
        f"{label}：{'、'.join(str(dict(choices.choices)[v]) for v in getattr(rule, key))}"
        for key, (label, choices) in CONDITIONS.items()
        if getattr(rule, key)
    ]
    measures = []
    for item in rule.measures:
        period = next(((key, item[key]) for key in PERIODS if key in item), None)
        unit = PERIODS[period[0]][0] if period else ""
        measures.append(
            {
                "label": kinds.get(item["kind"], item["kind"]),
                "value": period[1] if period else None,
                "unit": unit,
            }
        )
    return {
        "rule": rule,
        "conditions": "；".join(conditions) or "所有记录",
        "measures": measures,
        "mitigation": "；".join(
            f"{corrections[k]}：{EFFECTS[v]}" for k, v in rule.mitigation.items()
        ),
    }


def _changes(request: HttpRequest, current: MeasureRule) -> dict[str, Any]:
    """The form as a revision: the current measures with the periods typed, the ticked
    conditions (none ticked: any), the chosen self-correction effects."""
    measures = []
    for i, item in enumerate(current.measures):
        revised = {"kind": item["kind"]}
        for key in PERIODS:
            if key in item:
                typed = request.POST.get(f"period-{i}", "").strip()
                # A long run of digits stays text: the rule schema refuses it in words.
                revised[key] = int(typed) if typed.isdecimal() and len(typed) < 6 else typed
        measures.append(revised)
    return {
        "title": request.POST.get("title", current.title),
        "measures": measures,
        "severities": request.POST.getlist("severities"),
        "subject_kinds": request.POST.getlist("subject_kinds"),
        "mitigation": {
            kind: request.POST[f"mitigation-{kind}"]
            for kind in CorrectionKind.values
            if request.POST.get(f"mitigation-{kind}")
        },
    }


@require_POST
@capability_required("rules.revise")
def revise(request: HttpRequest, code: str) -> HttpResponse:
    current = MeasureRule.objects.filter(code=code[:20], valid_to__isnull=True).first()
    if current is None:
        messages.error(request, "未找到该规则")
        return redirect("sanctions:rules")
    try:
        valid_from = datetime.date.fromisoformat(request.POST.get("valid_from", ""))
    except ValueError:
        messages.error(request, "请填写生效日期，如 2027-01-01")
        return redirect("sanctions:rules")
    done = attempt(
        request,
        lambda: measure_rule_revise(
            code=current.code,
            changes=_changes(request, current),
            valid_from=valid_from,
            note=request.POST.get("note", ""),
            legal_source=request.POST.get("legal_source", ""),
            actor=staff_user(request),
        ),
    )
    if done is not None:
        messages.success(
            request, f"已修订 {done.code}，第 {done.version} 版自 {done.valid_from} 起施行"
        )
    return redirect("sanctions:rules")
