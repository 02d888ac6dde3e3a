"""Inspections (专项督导, plan 三(一)1, 四): the province inspects the 市州 governments and
兰州新区, a 市州 its counties. An inspection names its scope (the inspected governments), its
period, its team (督查员 accounts) and its checklist (items from data/inspection_checklist.json,
each with the plan's clause). Inspectors record findings per inspected government with evidence
and a severity; a finding confirmed by a second team member requires rectification by a deadline;
the inspected government answers; the team verifies and closes it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govtrust.directory.models import Department, Government


class InspectionState(models.TextChoices):
    UNDERWAY = "underway", "督导中"
    CONCLUDED = "concluded", "已结束"


class Inspection(models.Model):
    number = models.CharField("编号", max_length=24, unique=True)  # 督导〔2026〕62-1号
    title = models.CharField("名称", max_length=120)
    organiser = models.ForeignKey(Government, on_delete=models.PROTECT, related_name="+")
    division_code = models.CharField(max_length=12, db_index=True)  # the organiser's
    period_start = models.DateField("督导开始日期")
    period_end = models.DateField("督导结束日期")
    basis = models.CharField("依据", max_length=300)
    state = models.CharField(
        max_length=10,
        choices=InspectionState.choices,
        default=InspectionState.UNDERWAY,
        db_index=True,
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class InspectionTarget(models.Model):
    """One government in an inspection's scope."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="targets")
    government = models.ForeignKey(Government, on_delete=models.PROTECT, related_name="+")
    division_code = models.CharField(max_length=12, db_index=True)

    class Meta:
        ordering = ["division_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "government"], name="inspection_target_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.government)


class InspectionMember(models.Model):
    """An inspector on the team: the only inspectors who act on the inspection."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    leader = models.BooleanField("组长", default=False)

    class Meta:
        ordering = ["-leader", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "user"], name="inspection_member_once")
        ]


class ChecklistItem(models.Model):
    """An item of the inspection's checklist, copied from the template with the plan's clause, so
    a later change of the template does not rewrite a past inspection."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=32)
    title = models.CharField("督导事项", max_length=60)
    clause = models.CharField("方案条款", max_length=200)
    method = models.CharField("督导方法", max_length=200, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "code"], name="inspection_item_once")
        ]

    def __str__(self) -> str:
        return self.title


class FindingSeverity(models.TextChoices):
    GENERAL = "general", "一般"
    MAJOR = "major", "较重"
    SERIOUS = "serious", "严重"


class FindingState(models.TextChoices):
    RECORDED = "recorded", "待确认"  # recorded by an inspector, a second one confirms
    RECTIFYING = "rectifying", "整改中"  # confirmed: the inspected government rectifies
    ANSWERED = "answered", "待核验"  # the government answered; the team verifies
    CLOSED = "closed", "已销号"
    WITHDRAWN = "withdrawn", "已撤销"


class Finding(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    target = models.ForeignKey(InspectionTarget, on_delete=models.PROTECT, related_name="findings")
    item = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    # The inspected government's division, and the department answerable for it if named.
    division_code = models.CharField(max_length=12, db_index=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveIntegerField("序号")
    facts = models.TextField("问题描述")
    severity = models.CharField("严重程度", max_length=8, choices=FindingSeverity.choices)
    requirement = models.TextField("整改要求")
    rectify_working_days = models.PositiveSmallIntegerField("整改期限（工作日）")
    state = models.CharField(
        max_length=10,
        choices=FindingState.choices,
        default=FindingState.RECORDED,
        db_index=True,
    )
    version = models.PositiveIntegerField(default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_on = models.DateField("确认日期", null=True, blank=True)
    due_date = models.DateField("整改期限", null=True, blank=True)
    due_provisional = models.BooleanField(default=False)
    answer = models.TextField("整改情况", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_on = models.DateField("答复日期", null=True, blank=True)
    answered_late = models.BooleanField("逾期整改", default=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_on = models.DateField("销号日期", null=True, blank=True)
    reason = models.CharField("退回或撤销理由", max_length=200, blank=True)
    draft_record = models.ForeignKey(
        "records.Record", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="finding_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.inspection.number} 问题{self.number}"

    @property
    def unit(self) -> str:
        return str(self.department or self.target.government)


class FindingAttachment(models.Model):
    """Evidence of a finding, or of its rectification: checked and stored as case evidence is
    (remedies/services/evidence.py)."""

    class Stage(models.TextChoices):
        EVIDENCE = "evidence", "问题佐证"
        ANSWER = "answer", "整改佐证"

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="attachments")
    stage = models.CharField(max_length=8, choices=Stage.choices)
    stored_name = models.CharField(max_length=64, unique=True)
    label = models.CharField("文件名", max_length=120)
    kind = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)


class FindingReminder(models.Model):
    """A reminder to the inspected unit before its rectification deadline and after it has
    passed: once per finding, deadline and kind (a moved deadline reminds again)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="reminders")
    due_date = models.DateField()
    kind = models.CharField(max_length=10)  # due_soon | overdue
    division_code = models.CharField(max_length=12, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["finding", "due_date", "kind"], name="finding_reminder_once"
            )
        ]

    @property
    def label(self) -> str:
        word = "即将到期" if self.kind == "due_soon" else "已逾期"
        return f"整改{word}（期限 {self.due_date:%Y-%m-%d}）"
