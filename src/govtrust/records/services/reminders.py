"""Reminders to reporting units before and after their deadlines (in-app, and e-mail where
configured). Run by the worker; running it twice sends nothing twice."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.workdays import add_working_days
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.records.models import Record, Reminder, ReminderKind
from govtrust.records.workflow import EDITABLE

DUE_SOON_WORKING_DAYS = 2


def _recipients(record: Record) -> list[str]:
    clerks = (
        policy.reporting_unit_accounts(
            record.reporting_government_id, record.reporting_department_id, "records.file"
        )
        .filter(is_active=True)
        .exclude(email="")
    )
    return sorted(clerks.values_list("email", flat=True))


def _message(record: Record, kind: str) -> tuple[str, str]:
    if kind == ReminderKind.OVERDUE:
        subject = f"【逾期】失信记录 {record.number} 已超过报送期限"
    else:
        subject = f"【提醒】失信记录 {record.number} 将于 {record.due_date} 到期"
    body = (
        f"{record.reporting_unit}：\n\n记录 {record.number}（{record.subject_name}，"
        f"文书号 {record.decision_number}）的报送期限为 {record.due_date}，"
        f"当前状态为“{record.get_status_display()}”。请及时报送。\n\n"
        "——政务诚信平台（此邮件由系统自动发送）"
    )
    return subject, body


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Create the reminders that are due and e-mail them; returns how many were new."""
    today = today or timezone.localdate()
    horizon = add_working_days(today, DUE_SOON_WORKING_DAYS).due_date
    candidates = Record.objects.filter(status__in=EDITABLE, due_date__lte=horizon).select_related(
        "reporting_government", "reporting_department"
    )
    existing = set(Reminder.objects.filter(record__in=candidates).values_list("record_id", "kind"))
    created = 0
    for record in candidates.iterator(chunk_size=500):
        kind = ReminderKind.OVERDUE if record.due_date < today else ReminderKind.DUE_SOON
        if (record.pk, kind) in existing:
            continue
        with transaction.atomic():
            reminder, new = Reminder.objects.get_or_create(
                record=record,
                kind=kind,
                defaults={
                    "division_code": record.division_code,
                    "department_id": record.reporting_department_id,
                },
            )
            if not new:  # another worker got there first
                continue
            created += 1
            recipients = _recipients(record)
            if recipients and getattr(settings, "GOVTRUST_EMAIL_ENABLED", False):
                subject, body = _message(record, kind)
                send_mail(subject, body, None, recipients)
                reminder.emailed_to = recipients
                reminder.save(update_fields=["emailed_to"])
    if created:
        audit_append(
            actor="system",
            action="reminders.send",
            object_type="reminder",
            object_id=str(today),
            after={"created": created},
        )
    return created


def reminder_returned(record: Record) -> Reminder:
    """Tell the reporting unit in its 提醒 list that a reviewer returned one of its records: one
    reminder per record, raised again (unread, dated now) each time the record is returned.
    Called by `record_return` inside its transaction, after the transition was applied."""
    reminder, new = Reminder.objects.get_or_create(
        record=record,
        kind=ReminderKind.RETURNED,
        defaults={
            "division_code": record.division_code,
            "department_id": record.reporting_department_id,
        },
    )
    if not new:
        now = timezone.now()
        Reminder.objects.filter(pk=reminder.pk).update(created_at=now, read_at=None)
        reminder.created_at, reminder.read_at = now, None
    return reminder


def reminders_mark_read(*, actor: User) -> int:
    """Mark every unread reminder addressed to the actor's unit (and department) as read; the
    number marked. Reach is the access policy's, as for the list the clerk sees."""
    policy.require(actor, "records.file")
    with transaction.atomic():
        unread = policy.addressed_to(Reminder.objects.all(), actor).filter(read_at__isnull=True)
        ids = sorted(unread.values_list("id", flat=True))
        if not ids:
            return 0
        Reminder.objects.filter(id__in=ids, read_at__isnull=True).update(read_at=timezone.now())
        audit_append(
            actor=actor.username,
            action="reminder.read",
            object_type="reminder",
            object_id=ids[0] if len(ids) == 1 else f"{ids[0]}..{ids[-1]}",
            after={"ids": ids},
        )
    return len(ids)
