"""Measure rules (versioned data, editable by the credit office) and the measures they issued.

A rule is identified by its code; a revision is a new row with a higher version and the date it
takes effect, and the previous version ends that day. Measures keep the code and version that
issued them, so a revision never rewrites a measure already issued (plan 三(二)5).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govtrust.measures.workflow import MeasureStatus
from govtrust.records.models import Record

__all__ = ["Escalation", "Measure", "MeasureKind", "MeasureRule", "MeasureStatus"]


class MeasureKind(models.TextChoices):
    EXPLANATION = "explanation", "书面说明失信原因"
    RECTIFICATION = "rectification", "限期整改"
    HONOURS = "honours", "取消荣誉评选资格"
    CRITICISM = "criticism", "公开通报批评"
    ACCOUNTABILITY = "accountability", "追究主要负责人责任"
    AWARDS = "awards", "限制评优评先"


class MeasureRule(models.Model):
    code = models.CharField("规则编号", max_length=20)
    version = models.PositiveIntegerField("版本")
    title = models.CharField("名称", max_length=80)
    subject_kinds = models.JSONField("主体类型", default=list)  # empty: any
    sources = models.JSONField("失信来源", default=list)
    severities = models.JSONField("严重程度", default=list)
    domains = models.JSONField("领域", default=list)
    # [{"kind": ..., "months": n} or {"kind": ..., "working_days": n} or {"kind": ...}]
    measures = models.JSONField("措施")
    # {correction kind: "lift" | "halve"}: what a self-correction does to this rule's measures
    mitigation = models.JSONField("主动纠错的效果", default=dict)
    legal_source = models.CharField("依据", max_length=300)
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("失效日期", null=True, blank=True)
    note = models.CharField("修订说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="measure_rule_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class Measure(models.Model):
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="measures")
    rule_code = models.CharField(max_length=20)
    rule_version = models.PositiveIntegerField()
    kind = models.CharField("措施", max_length=16, choices=MeasureKind.choices)
    legal_source = models.CharField("依据", max_length=300)
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("截止日期", null=True, blank=True)  # a period's last day
    due_date = models.DateField("完成期限", null=True, blank=True)  # explanation, rectification
    # Working days the rule gave, from starts_on: kept so the due date can be recomputed when a
    # year's official schedule is entered after the measure was issued (then it is provisional).
    due_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    due_provisional = models.BooleanField("期限暂定", default=False)
    status = models.CharField(
        max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.ACTIVE, db_index=True
    )
    mitigation_note = models.CharField(max_length=200, blank=True)
    division_code = models.CharField(max_length=12, db_index=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    # The unit's written explanation or rectification report, and the credit office's check.
    report = models.TextField("说明或整改报告", blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_late = models.BooleanField(null=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField("退回原因", blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["record_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "rule_code", "kind"], name="measure_once")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} {self.kind}"


class Escalation(models.Model):
    """Overdue rectification, escalated once per level: 1 a reminder to the unit, 2 a notice to
    the government above it."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField()
    division_code = models.CharField(max_length=12, db_index=True)  # who is told
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["measure", "level"], name="escalation_once")]
