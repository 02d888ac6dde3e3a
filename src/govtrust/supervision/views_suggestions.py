"""Back-office pages of deputies' suggestions and CPPCC proposals: the list in reach with the
figures per unit and the office's registration form, one item's page with the unit's and the
office's steps. Reads through the selectors, writes through the services."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from govtrust.core.clock import today_beijing
from govtrust.directory import policy
from govtrust.directory.access import attempt, capability_required, posted_int, staff_user
from govtrust.supervision import rules, selectors
from govtrust.supervision.models import ResultCode, Satisfaction, Suggestion, SuggestionKind
from govtrust.supervision.services import suggestions as svc


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return datetime.date.min  # refused in words by the service


@require_GET
@capability_required("business.read")
def suggestions(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = today_beijing()
    items = selectors.suggestions_visible(user)
    return render(
        request,
        "supervision/suggestions.html",
        {
            "page": Paginator(items, 50).get_page(request.GET.get("page")),
            "mine": {s.pk for s in selectors.suggestions_answerable(user)},
            "figures": selectors.suggestion_figures(user, today),
            "kinds": SuggestionKind.choices,
            "today": today,
            "source": rules.REPLY_SOURCE,
            "months": (rules.reply_months(False), rules.reply_months(True)),
        },
    )


@require_POST
@capability_required("suggestions.manage")
def register(request: HttpRequest) -> HttpResponse:
    post = request.POST
    department = posted_int(request, "department_id")
    done = attempt(
        request,
        lambda: svc.suggestion_register(
            actor=staff_user(request),
            data=svc.SuggestionIn(
                kind=post.get("kind", ""),
                session=post.get("session", ""),
                number=post.get("number", ""),
                title=post.get("title", ""),
                proposer=post.get("proposer", ""),
                government_code=post.get("government_code", ""),
                department_id=department or None,
                co_units=post.get("co_units", ""),
                assigned_on=_date(post.get("assigned_on", "")),
                complex=post.get("complex") == "1",
            ),
        ),
    )
    if done is None:
        return redirect("suggestions:list")
    messages.success(request, f"已登记，答复期限为{done.due_date:%Y年%m月%d日}")
    return redirect("suggestions:detail", done.pk)


@require_GET
@capability_required("business.read")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    item = selectors.suggestions_visible(user).filter(pk=pk).first()
    if item is None:
        raise Http404("对象不存在或不在您的数据范围内")
    answering = selectors.suggestions_answerable(user).filter(pk=pk).exists()
    return render(
        request,
        "supervision/suggestion.html",
        {
            "item": item,
            "answering": answering,
            "manages": policy.permits(user, "suggestions.manage"),
            "results": ResultCode.choices,
            "views": Satisfaction.choices,
            "handback_days": rules.handback_days(),
        },
    )


def _step(request: HttpRequest, pk: int, call: Callable[[], Suggestion]) -> HttpResponse:
    done = attempt(request, call)
    if done is not None:
        messages.success(request, f"已办理：{done.get_state_display()}")
    return redirect("suggestions:detail", pk)


# Each step and the capability it needs (the service asks the policy again, with the reach).
STEPS = {
    "hand_back": "suggestions.answer",
    "reply": "suggestions.answer",
    "feedback": "suggestions.manage",
    "reassign": "suggestions.manage",
}


@require_POST
@capability_required("business.read")
def step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in STEPS:
        raise Http404("不支持的办理步骤")
    actor, version, post = staff_user(request), posted_int(request, "version"), request.POST
    if not policy.permits(actor, STEPS[name]):
        raise PermissionDenied(policy.CAPABILITIES[STEPS[name]].refusal)
    calls: dict[str, Callable[[], Suggestion]] = {
        "hand_back": lambda: svc.suggestion_hand_back(
            actor=actor, pk=pk, version=version, reason=post.get("reason", "")
        ),
        "reply": lambda: svc.suggestion_reply(
            actor=actor,
            pk=pk,
            version=version,
            result=post.get("result", ""),
            reply=post.get("reply", ""),
        ),
        "feedback": lambda: svc.suggestion_feedback(
            actor=actor, pk=pk, version=version, satisfaction=post.get("satisfaction", "")
        ),
        "reassign": lambda: svc.suggestion_reassign(
            actor=actor,
            pk=pk,
            version=version,
            government_code=post.get("government_code", ""),
            department_id=posted_int(request, "department_id") or None,
        ),
    }
    return _step(request, pk, calls[name])
