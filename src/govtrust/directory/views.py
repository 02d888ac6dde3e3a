"""Back-office pages of the administrators: the holiday calendar (system administrator). The
landing page (/backoffice/) is records/views_home.py; the audit log is in views_audit."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from govtrust.core.errors import DomainError
from govtrust.core.models import CalendarYear
from govtrust.core.workdays.services import calendar_year_enter, parse_schedule
from govtrust.directory.access import capability_required, staff_user


@capability_required("system.manage")
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
