"""The publication rules page: every version in force or to come, built-in and added, and for
the provincial credit office a form to add a version (a sector rule) and the buttons to approve
or reject one a colleague entered. The service checks, stores and audits."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from govtrust.core.clock import today_beijing
from govtrust.core.errors import DomainError
from govtrust.directory.access import attempt, capability_required, posted_int, staff_user
from govtrust.disclosure.models import PublicationRuleVersion, RuleVersionState
from govtrust.disclosure.rules.periods import all_versions
from govtrust.disclosure.rules.versions import SEVERITIES, RuleVersion
from govtrust.disclosure.services_versions import (
    ADDABLE_SOURCES,
    AREA_LABELS,
    CLASS_LABELS,
    SOURCE_LABELS,
    TRANSITIONAL_TEXT,
    VersionIn,
    as_version,
    rule_version_approve,
    rule_version_propose,
    rule_version_reject,
)


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _months(value: str) -> int | None:
    """A month count; empty is none, anything not a small whole number is -1 (refused in words)."""
    value = value.strip()
    if not value:
        return None
    return int(value) if value.isdecimal() and len(value) < 4 else -1


def _posted(request: HttpRequest) -> VersionIn:
    post = request.POST
    typed_to = post.get("effective_to", "").strip()
    return VersionIn(
        title=post.get("title", ""),
        doc_number=post.get("doc_number", ""),
        article=post.get("article", ""),
        effective_from=_date(post.get("effective_from", "")),
        # A date typed but unreadable must not become "no end": it is refused.
        effective_to=_date(typed_to) if typed_to else None,
        source_types=tuple(post.getlist("source_types")),
        severities=tuple(post.getlist("severities")),
        safety_areas=tuple(post.getlist("safety_areas")),
        terms={
            s: (_months(post.get(f"min-{s}", "")), _months(post.get(f"max-{s}", "")))
            for s in SEVERITIES
        },
        internal=post.get("internal") == "1",
        transitional=post.get("transitional", "lighter"),
        transitional_text=post.get("transitional_text", ""),
        note=post.get("note", ""),
    )


def _row(version: RuleVersion) -> dict[str, Any]:
    sources = "、".join(SOURCE_LABELS.get(s, s) for s in sorted(version.source_types))
    areas = "、".join(AREA_LABELS[a] for a in sorted(version.safety_areas))
    return {
        "label": version.label,  # the rule's id (title attribute only: codes are not shown)
        "name": f"{version.document}（{version.effective_from:%Y年%m月%d日}起施行的版本）",
        "document": version.document,
        "from": version.effective_from,
        "to": version.effective_to,
        "covers": sources + (f"（{areas}）" if areas else ""),
        "source": version.source,
        "added": version.added,
    }


@capability_required("publication_rules.revise")
def publication_rules(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    status, error = 200, ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ("approve", "reject"):
            _decide(request, action)
            return redirect("publication-rules")
        try:
            row = rule_version_propose(actor=user, spec=_posted(request))
        except DomainError as exc:
            status, error = exc.status, exc.detail
        else:
            messages.success(
                request,
                f"规则版本{row.pk}已提交，须由省信用办另一名工作人员审核通过后，"
                f"自{row.effective_from}起施行。",
            )
            return redirect("publication-rules")
    rows = PublicationRuleVersion.objects.select_related("proposed_by", "decided_by")
    context = {
        "versions": [_row(v) for v in all_versions()],
        "pending": [
            {"row": r, **_row(as_version(r))} for r in rows if r.state == RuleVersionState.PENDING
        ],
        "history": [r for r in rows if r.state != RuleVersionState.PENDING][:20],
        "user_id": user.pk,
        "sources": [(s, SOURCE_LABELS[s]) for s in ADDABLE_SOURCES],
        "classes": [(s, CLASS_LABELS[s]) for s in SEVERITIES],
        "areas": list(AREA_LABELS.items()),
        "transitional": list(TRANSITIONAL_TEXT.items()),
        "today": today_beijing(),
        "form": request.POST if status != 200 else {},
        "error": error,
    }
    return render(request, "disclosure/publication_rules.html", context, status=status)


def _decide(request: HttpRequest, action: str) -> None:
    user = staff_user(request)
    row = PublicationRuleVersion.objects.filter(pk=posted_int(request, "row")).first()
    if row is None:
        messages.error(request, "该规则版本不存在")
        return
    version = posted_int(request, "version")
    if action == "approve":
        if attempt(request, lambda: rule_version_approve(row=row, actor=user, version=version)):
            messages.success(
                request,
                f"规则版本{row.pk}已批准，自{row.effective_from}起施行；"
                "施行之日起每日任务按从旧兼从轻重新确定已公示记录的公示期限。",
            )
    elif attempt(
        request,
        lambda: rule_version_reject(
            row=row, actor=user, version=version, reason=request.POST.get("reason", "")
        ),
    ):
        messages.success(request, f"规则版本{row.pk}已驳回。")
