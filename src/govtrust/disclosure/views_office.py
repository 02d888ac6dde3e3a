"""The credit office's publishing page: accepted records not yet on the portal, published one by
one or in bulk."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from govtrust.core.errors import DomainError
from govtrust.directory.access import role_required, staff_user
from govtrust.directory.models import Role
from govtrust.disclosure.models import RedactionRule
from govtrust.disclosure.services import publications_publish_bulk
from govtrust.disclosure.services_rules import redaction_rule_save
from govtrust.records.selectors import record_list
from govtrust.records.workflow import Status


@role_required(Role.CREDIT_OFFICE)
def publish(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdecimal()]
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
    pending = record_list(user=user, status=Status.ACCEPTED).filter(publication__isnull=True)
    page = Paginator(pending.order_by("reviewed_at", "id"), 50).get_page(request.GET.get("page"))
    return render(request, "disclosure/publish.html", {"page": page})


@role_required(Role.CREDIT_OFFICE, Role.SECADMIN)
def redaction_rules(request: HttpRequest) -> HttpResponse:
    """The masking rules of the public side; saving one re-renders affected publications."""
    form = {
        "name": "",
        "pattern": "",
        "keep_head": "0",
        "keep_tail": "0",
        "active": "1",
        "note": "",
    }
    error = ""
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            _rule, changed = redaction_rule_save(
                actor=staff_user(request),
                name=form["name"].strip(),
                pattern=form["pattern"],
                keep_head=int(form["keep_head"] or 0),
                keep_tail=int(form["keep_tail"] or 0),
                active=form["active"] == "1",
                note=form["note"],
            )
        except ValueError:
            error = "保留位数应为整数"
        except DomainError as exc:
            error = exc.detail
        else:
            messages.success(
                request, f"规则已保存，{changed}条公示记录已按新规则更正并记入透明日志。"
            )
            return redirect("redaction-rules")
    return render(
        request,
        "disclosure/redaction.html",
        {"rules": RedactionRule.objects.all(), "form": form, "error": error},
        status=400 if error else 200,
    )
