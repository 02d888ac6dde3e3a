"""Kernel tables: the working-day calendar overrides and the audit chain."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CalendarYear(models.Model):
    """A year whose official schedule an administrator has entered in full.

    chinese-calendar knows 2004-2026 (1.11.0). For a later year, deadlines stay provisional
    until a row here says the State Council's schedule for that year has been entered.
    """

    year = models.PositiveIntegerField(primary_key=True, verbose_name="年度")
    source = models.CharField("依据", max_length=200)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    entered_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "节假日安排年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """One day whose status differs from the Monday-Friday default: a holiday or a make-up day."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    note = models.CharField("说明", max_length=60, blank=True)

    class Meta:
        verbose_name = "节假日调整"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_workday else '休'}"


class AuditEvent(models.Model):
    """One append-only entry of the audit chain (等保 8.1.4.3).

    `digest` is SHA-256 over the previous event's digest and this event's canonical JSON, so a
    changed or deleted row breaks every later link; `govtrust audit verify` finds the first.
    """

    seq = models.PositiveBigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间")
    actor = models.CharField("操作人", max_length=150)
    action = models.CharField("操作", max_length=60, db_index=True)
    object_type = models.CharField("对象类型", max_length=60)
    object_id = models.CharField("对象", max_length=64, db_index=True)
    outcome = models.CharField("结果", max_length=20, default="success")
    before = models.JSONField("变更前", null=True)
    after = models.JSONField("变更后", null=True)
    prev_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "审计事件"
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditHead(models.Model):
    """The single row that serialises appends: it is locked, read and moved in one transaction."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    digest = models.CharField(max_length=64, default="0" * 64)


class AuditSeal(models.Model):
    """A signed head of the audit chain (append-only, like the events).

    The chain alone proves nothing against someone who rewrites it and recomputes the hashes;
    a seal does, because its Ed25519 signature needs the key outside the database and its
    (seq, digest) is also a leaf of the transparency log, whose checkpoints are published. A
    chain that no longer reaches `digest` at `seq` was rewritten or cut after it was sealed.
    """

    seq = models.PositiveBigIntegerField("序号", db_index=True)
    digest = models.CharField(max_length=64)
    signed_at = models.DateTimeField("签名时间")
    reason = models.CharField("原因", max_length=20)
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=100)
    leaf_index = models.PositiveBigIntegerField("透明日志序号", unique=True)

    class Meta:
        verbose_name = "审计链头签名"
        ordering = ["seq", "id"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.digest[:12]}"


class JobSchedule(models.Model):
    """The period of one periodic job, shared by every worker host (core/schedule.py): slots are
    counted in this period, so hosts configured with different intervals still agree on them."""

    job = models.CharField(max_length=40, primary_key=True)
    every = models.FloatField()  # seconds
    host = models.CharField(max_length=200)  # the worker that set it (the last one started)
    updated_at = models.DateTimeField(auto_now=True)


class ScheduledRun(models.Model):
    """One periodic job claimed for one time slot by one worker host (core/schedule.py): the
    unique key makes a second host's claim of the same slot fail, so the job runs once."""

    job = models.CharField(max_length=40)
    slot = models.BigIntegerField()  # whole periods since the epoch (time // every)
    host = models.CharField(max_length=200)
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="scheduledrun_once_per_slot")
        ]


class Generation(models.Model):
    """A named counter that moves in the same transaction as every write to the data it stands
    for (core/generation.py): a cache built from that data is valid while the counter and its
    token are unchanged. The token is drawn afresh by each move, so a move rolled back and made
    again by another transaction never repeats a value a cache was built under."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)
    token = models.CharField(max_length=32, default="")

    def __str__(self) -> str:
        return f"{self.name} #{self.value}"
