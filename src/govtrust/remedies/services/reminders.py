"""Reminders to the handling office before a case's deadline and when it has passed. Run by
the worker; a reminder exists once per case, deadline and kind, so nothing is sent twice."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.workdays import add_working_days
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.remedies.models import Case, CaseReminder
from govtrust.remedies.workflow import CLOSED, STATUS_LABELS

DUE_SOON_WORKING_DAYS = 1


def _promise_recipients(case: Case) -> list[User]:
    """A complaint's current side: the accused unit while it rectifies, otherwise the body above
    that verifies (policy.promise_accused / promise_verifier)."""
    if case.status == "rectifying":
        return policy.promise_accused_accounts(case.target_government_id, case.target_department_id)
    return policy.promise_verifier_accounts(case.promise.verifier_id)


def _recipients(case: Case) -> list[str]:
    if case.kind == "promise":
        found = _promise_recipients(case)
        return sorted(u.email for u in found if u.is_active and u.email)
    if case.kind == "objection" and case.status == "verifying" and case.record is not None:
        record = case.record
        users = policy.reporting_unit_accounts(
            record.reporting_government_id, record.reporting_department_id, "unit.respond"
        )
    else:
        users = policy.accounts_reaching(case, "cases.office")
    return sorted(users.filter(is_active=True).exclude(email="").values_list("email", flat=True))


def case_reminders_send(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    horizon = add_working_days(today, DUE_SOON_WORKING_DAYS).due_date
    due = (
        Case.objects.exclude(status__in=CLOSED)
        .filter(due_date__lte=horizon)
        .select_related("record")
    )
    created = 0
    for case in due.iterator(chunk_size=500):
        if case.due_date is None:  # excluded by the filter; for the type checker
            continue
        kind = "overdue" if case.due_date < today else "due_soon"
        try:
            with transaction.atomic():
                reminder = CaseReminder.objects.create(
                    case=case, due_date=case.due_date, kind=kind, division_code=case.division_code
                )
        except IntegrityError:  # sent already, by this run's predecessor or another worker
            continue
        created += 1
        recipients = _recipients(case)
        if recipients and getattr(settings, "GOVTRUST_EMAIL_ENABLED", False):
            word = "已逾期" if kind == "overdue" else "即将到期"
            send_mail(
                f"【{word}】{case.get_kind_display()} {case.number} 办理期限 {case.due_date}",
                f"{case.get_kind_display()} {case.number}（{case.target_name}）当前环节"
                f"“{STATUS_LABELS[case.status]}”的办理期限为 {case.due_date}，请及时办理。\n\n"
                "——政务诚信平台（此邮件由系统自动发送）",
                None,
                recipients,
            )
            CaseReminder.objects.filter(pk=reminder.pk).update(emailed_to=recipients)
    if created:
        audit_append(
            actor="system",
            action="case.remind",
            object_type="case",
            object_id="*",
            after={"created": created, "date": today},
        )
    return created
