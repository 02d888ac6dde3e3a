"""Back-office pages of the administrators: the audit log (audit administrator) and the holiday
calendar (system administrator)."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from govtrust.core.audit import audit_verify, canonical
from govtrust.core.errors import DomainError
from govtrust.core.models import AuditEvent, CalendarYear
from govtrust.core.workdays.services import calendar_year_enter, parse_schedule
from govtrust.directory.access import role_required, staff_user
from govtrust.directory.models import Role

# Each administrator lands on their duty; business roles on the records.
_HOME: dict[str, str] = {Role.AUDITOR: "audit", Role.SYSADMIN: "system", Role.SECADMIN: "accounts"}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(reverse(_HOME.get(staff_user(request).role, "records:list")))


@role_required(Role.AUDITOR)
def audit_list(request: HttpRequest) -> HttpResponse:
    qs = AuditEvent.objects.order_by("-seq")
    action = request.GET.get("action", "").strip()
    if action:
        qs = qs.filter(action__startswith=action)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    report = audit_verify() if request.GET.get("verify") else None
    return render(
        request, "directory/audit.html", {"page": page, "action": action, "report": report}
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@role_required(Role.AUDITOR)
def audit_export(request: HttpRequest) -> HttpResponseBase:
    """Stream the whole chain as CSV (UTF-8 with BOM so Excel opens it as Chinese)."""
    writer = csv.writer(_Echo())
    header = [
        "序号",
        "时间",
        "操作人",
        "操作",
        "对象类型",
        "对象",
        "结果",
        "变更前",
        "变更后",
        "前一哈希",
        "哈希",
    ]

    def rows() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(header)
        for e in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    e.seq,
                    e.at.isoformat(),
                    e.actor,
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.outcome,
                    canonical(e.before),
                    canonical(e.after),
                    e.prev_digest,
                    e.digest,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


@role_required(Role.SYSADMIN)
def calendar(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    next_year = datetime.date.today().year + 1
    form = {"year": str(next_year), "source": "", "schedule": ""}
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            year = int(form["year"])
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            errors = [("year", "年度应为2000至2100之间的整数")]
        else:
            try:
                days = parse_schedule(form["schedule"], year=year)
                count = calendar_year_enter(
                    year=year,
                    days=days,
                    source=form["source"],
                    actor_name=user.username,
                    actor_id=user.pk,
                )
            except DomainError as exc:
                errors = exc.errors or [("__all__", exc.detail)]
            else:
                messages.success(request, f"{year}年节假日安排已保存，重算了{count}个暂定期限。")
                return redirect("calendar")
    years = CalendarYear.objects.select_related("entered_by")
    return render(
        request, "directory/calendar.html", {"form": form, "errors": errors, "years": years}
    )
