"""The credit office's pages: publishing accepted records on the portal (one by one or in bulk),
and the redaction rules of the public side (provincial office only, changed with four eyes)."""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from govtrust.core.errors import DomainError
from govtrust.directory.access import (
    attempt,
    capability_required,
    posted_ids,
    posted_int,
    staff_user,
)
from govtrust.directory.lists import list_response
from govtrust.directory.models import User
from govtrust.disclosure.models import RedactionChange, RedactionChangeState
from govtrust.disclosure.redaction import (
    BUILT_IN,
    BUILT_IN_NAMES,
    KIND_NAMES,
    KINDS,
    SAMPLE_TEXT,
    RuleSpec,
    describe,
    display_order,
    rules_diff,
)
from govtrust.disclosure.services import publications_publish_bulk, rules_in_force
from govtrust.disclosure.services_rules import (
    can_edit_redaction,
    redaction_change_approve,
    redaction_change_propose,
    redaction_change_reject,
    rules_preview,
)
from govtrust.records.listing import PUBLISH_SHEET, PublishFilter
from govtrust.records.selectors import record_list
from govtrust.records.workflow import Status


@capability_required("records.publish")
def publish(request: HttpRequest) -> HttpResponseBase:
    user = staff_user(request)
    if request.method == "POST":
        ids = posted_ids(request)
        try:
            outcome = publications_publish_bulk(record_ids=ids, actor=user)
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            if outcome.published:
                messages.success(
                    request,
                    f"已公示{len(outcome.published)}条：{'、'.join(outcome.published[:10])}",
                )
            for record, reason in outcome.refused:
                messages.error(request, f"记录 {record} 未公示：{reason}")
        back = request.POST.get("next", "")
        return redirect(back if back.startswith("/records/") else "publish")
    filters = PublishFilter(request.GET, user=user)
    pending = record_list(user=user, status=Status.ACCEPTED).filter(publication__isnull=True)
    rows = filters.apply(pending.order_by("reviewed_at", "id"))
    return list_response(
        request,
        user,
        rows,
        sheet=PUBLISH_SHEET,
        filters=filters,
        template="disclosure/publish.html",
    )


def _kept(value: str | None) -> int:
    """A kept-characters field: empty is 0, anything not a small whole number is -1, which the
    service refuses in words."""
    if not value:
        return 0
    return int(value) if value.isdecimal() and len(value) < 3 else -1


def _posted_rules(request: HttpRequest) -> list[RuleSpec]:
    """The rule set the form describes. The built-in ID rules have no fields on the page; a post
    that sends them anyway is passed on, so the service refuses it in words."""
    post, rules = request.POST, []
    for spec in (*BUILT_IN, *KINDS):
        on, head, tail = (post.get(f"{spec.name}-{f}") for f in ("on", "head", "tail"))
        if on is None and head is None and tail is None:
            continue
        rules.append(
            dataclasses.replace(
                spec, active=on == "1", keep_head=_kept(head), keep_tail=_kept(tail)
            )
        )
    columns = ("name", "label", "pattern", "head", "tail", "state")
    for name, label, pattern, head, tail, state in itertools.zip_longest(
        *(post.getlist(f"custom-{c}") for c in columns), fillvalue=""
    ):
        if (name or label or pattern) and state != "delete":
            rules.append(RuleSpec(name, label, pattern, _kept(head), _kept(tail), state == "on"))
    return rules


def _editor(request: HttpRequest) -> User:
    user = staff_user(request)
    if not can_edit_redaction(user):
        raise PermissionDenied("只有省信用办可以查看和修改遮蔽规则")
    return user


def _page(
    request: HttpRequest, user: User, rules: list[RuleSpec], status: int = 200, **extra: Any
) -> HttpResponse:
    """The rules in force, a pending change with its diff, and the form showing `rules`."""
    in_force = sorted(rules_in_force(), key=lambda r: display_order(r.name))
    chosen = {r.name: r for r in rules}
    pending = RedactionChange.objects.filter(state=RedactionChangeState.PENDING).first()
    diff = (
        rules_diff([RuleSpec.of(r) for r in pending.base], [RuleSpec.of(r) for r in pending.rules])
        if pending
        else []
    )
    context = {
        "built_in": [(r, describe(r)) for r in BUILT_IN],
        "in_force": [(r, describe(r)) for r in in_force],
        "kinds": [chosen.get(k.name, k) for k in KINDS],
        "customs": [r for r in rules if r.name not in KIND_NAMES and r.name not in BUILT_IN_NAMES],
        "pending": pending,
        "mine": pending is not None and pending.proposed_by_id == user.pk,
        "diff": diff,
        "history": RedactionChange.objects.exclude(
            state=RedactionChangeState.PENDING
        ).select_related("proposed_by", "decided_by")[:10],
        "note": request.POST.get("note", ""),
        "sample": request.POST.get("sample", SAMPLE_TEXT),
        **extra,
    }
    return render(request, "disclosure/redaction.html", context, status=status)


def _decide(request: HttpRequest, user: User, action: str) -> None:
    change = RedactionChange.objects.filter(pk=posted_int(request, "change")).first()
    if change is None:
        messages.error(request, "该变更不存在")
        return
    version = posted_int(request, "version")
    if action == "approve":
        approved = attempt(
            request,
            lambda: redaction_change_approve(change=change, actor=user, version=version),
        )
        if approved is not None:
            messages.success(
                request,
                f"变更已生效，{approved.corrected}条公示记录已按新规则更正并记入透明日志。",
            )
    elif attempt(
        request,
        lambda: redaction_change_reject(
            change=change, actor=user, version=version, reason=request.POST.get("reason", "")
        ),
    ):
        messages.success(request, "变更已驳回，现行规则不变。")


@capability_required("redaction.edit")
def redaction_rules(request: HttpRequest) -> HttpResponse:
    """The masking rules of the public side. A change is proposed here and takes effect when
    another member of the provincial credit office approves it; the preview shows a sample text
    under the rules of the form, before anything is proposed."""
    user = _editor(request)
    if request.method != "POST":
        return _page(request, user, rules_in_force())
    action = request.POST.get("action", "")
    if action in ("approve", "reject"):
        _decide(request, user, action)
        return redirect("redaction-rules")
    rules = _posted_rules(request)
    try:
        if action == "preview":
            preview = rules_preview(actor=user, rules=rules, sample=request.POST.get("sample", ""))
            if request.headers.get("Accept", "").startswith("application/json"):
                return JsonResponse({"preview": preview})
            return _page(request, user, rules, preview=preview)
        redaction_change_propose(actor=user, rules=rules, note=request.POST.get("note", ""))
    except DomainError as exc:
        if request.headers.get("Accept", "").startswith("application/json"):
            errors = [{"field": f, "message": m} for f, m in exc.errors]
            return JsonResponse({"detail": exc.detail, "errors": errors}, status=exc.status)
        return _page(request, user, rules, status=exc.status, error=exc.detail)
    messages.success(request, "变更已提交，须由省信用办另一名工作人员审核通过后生效。")
    return redirect("redaction-rules")
