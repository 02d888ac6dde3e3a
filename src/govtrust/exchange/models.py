"""Outbound batches to the provincial credit information sharing platform, and its feedback."""

from __future__ import annotations

import uuid

from django.db import models

from govtrust.exchange.workflow import BatchStatus as BatchStatus
from govtrust.records.models import Record


class ExchangeBatch(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    record_count = models.PositiveIntegerField()
    payload_sha256 = models.CharField(max_length=64)
    manifest = models.JSONField()
    status = models.CharField(
        max_length=10, choices=BatchStatus.choices, default=BatchStatus.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)  # see exchange.workflow: one step at a time

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.id)


class ItemStatus(models.TextChoices):
    SENT = "sent", "已报送省平台"
    ACCEPTED = "accepted", "省平台已接收"
    REJECTED = "rejected", "省平台退回"


class ExchangeItem(models.Model):
    """One record in one batch, with the platform's feedback on it."""

    batch = models.ForeignKey(ExchangeBatch, on_delete=models.PROTECT, related_name="items")
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="exchange_items")
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.SENT)
    reason = models.TextField(blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "record"], name="exchange_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.record_id}"


class NoticeKind(models.TextChoices):
    REPAIRED = "repaired", "信用修复，提前结束公示"
    CORRECTED = "corrected", "异议成立，记录已更正"
    WITHDRAWN = "withdrawn", "异议成立，记录已撤下"
    SHORTENED = "shortened", "适用从轻规则，公示期缩短"
    ENDED = "ended", "公示结束，停止共享和使用"


class ExchangeNotice(models.Model):
    """A change to a record the platform already has, sent with the next batch. `due_date` is
    the date by which it must have reached the platform (repair: 3 working days)."""

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="exchange_notices")
    kind = models.CharField(max_length=10, choices=NoticeKind.choices)
    case_number = models.CharField(max_length=24, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    due_date = models.DateField(null=True, blank=True)
    batch = models.ForeignKey(
        ExchangeBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )

    class Meta:
        ordering = ["id"]
