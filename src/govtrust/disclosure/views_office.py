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
from govtrust.disclosure.services import publications_publish_bulk
from govtrust.records.selectors import record_list
from govtrust.records.workflow import Status


@role_required(Role.CREDIT_OFFICE)
def publish(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
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
