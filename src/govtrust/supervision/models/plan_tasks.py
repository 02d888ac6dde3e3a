"""Supervision of the plan itself (督办): its tasks, the units answerable for each, their
progress reports, and the escalation of overdue ones (plan 三(一)1, 四)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from govtrust.directory.models import Department, Government


class PlanTask(models.Model):
    """One of the plan's 13 tasks, loaded from data/plan_tasks.json (never edited in the app)."""

    code = models.CharField("编号", max_length=16, unique=True)  # 三（二）1
    position = models.PositiveSmallIntegerField()
    title = models.CharField("任务", max_length=60)
    text = models.TextField("方案原文")
    responsibility = models.TextField("负责单位（原文）")
    deadline = models.DateField("完成期限", null=True, blank=True)  # None: 持续实施
    deadline_text = models.CharField("期限（原文）", max_length=20)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def continuous(self) -> bool:
        return self.deadline is None


class UnitRole(models.TextChoices):
    LEAD = "lead", "牵头"
    CO = "co", "配合"


class PlanTaskUnit(models.Model):
    """A unit answerable for a task: a government (市州, 兰州新区) or a department. A group the
    plan names without listing it (省直各部门, 有关部门) has no unit until the provincial
    credit office assigns one; `in_plan` keeps the plan's words either way."""

    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="units")
    role = models.CharField("职责", max_length=4, choices=UnitRole.choices)
    in_plan = models.CharField("方案表述", max_length=40)
    government = models.ForeignKey(
        Government, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The answering unit's division, copied so scope filters need no join ("" for a group).
    division_code = models.CharField(max_length=12, db_index=True, blank=True)
    # From when the unit answers for the task: the plan's date for the units it names, the day
    # of assignment for a department assigned later (it is not overdue for periods before).
    starts_on = models.DateField("负责起始日期", default=datetime.date(2017, 6, 28))

    class Meta:
        ordering = ["task__position", "role", "division_code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "government", "department"],
                condition=models.Q(government__isnull=False),
                name="plan_task_unit_once",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.department_id is not None:
            return str(self.department)
        if self.government_id is not None:
            return str(self.government)
        return self.in_plan


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", "待核实"  # handed in by the unit
    VERIFIED = "verified", "已核实"  # confirmed by the provincial credit office
    RETURNED = "returned", "已退回"  # sent back with a reason; the unit reports again


class ProgressReport(models.Model):
    """A unit's report on one task for one year: what was done, how far (percentage or a
    milestone), with attachments. A returned report stays as it was; the unit files a new one."""

    task_unit = models.ForeignKey(PlanTaskUnit, on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField("年度")
    text = models.TextField("进展情况")
    percent = models.PositiveSmallIntegerField("完成进度（%）")
    milestone = models.CharField("阶段性成果", max_length=120, blank=True)
    state = models.CharField(
        max_length=10, choices=ReportState.choices, default=ReportState.SUBMITTED, db_index=True
    )
    version = models.PositiveIntegerField(default=1)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField("退回理由", max_length=200, blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        constraints = [
            # One report waiting for verification per unit and year: a second would race it.
            models.UniqueConstraint(
                fields=["task_unit", "year"],
                condition=models.Q(state="submitted"),
                name="plan_report_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_unit} {self.year}"


class ReportAttachment(models.Model):
    """A file attached to a progress report: checked and stored as case evidence is
    (remedies/services/evidence.py), outside the web root under a random name."""

    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="attachments")
    stored_name = models.CharField(max_length=64, unique=True)
    label = models.CharField("文件名", max_length=120)
    kind = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)


class PlanEscalation(models.Model):
    """An overdue task report, escalated once per level and period: 1 a reminder to the unit,
    2 a notice to the government above it (as overdue rectification is, plan 三(二)5)."""

    task_unit = models.ForeignKey(
        PlanTaskUnit, on_delete=models.CASCADE, related_name="escalations"
    )
    period = models.CharField(max_length=8)  # the year, or "done" for a task with a deadline
    level = models.PositiveSmallIntegerField()
    division_code = models.CharField(max_length=12, db_index=True)  # who is told
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task_unit", "period", "level"], name="plan_escalation_once"
            )
        ]

    @property
    def period_label(self) -> str:
        return "完成期限" if self.period == "done" else f"{self.period}年度"

    @property
    def label(self) -> str:
        told = "已提醒本单位" if self.level == 1 else "已通报上级政府"
        return f"{told}（{self.period_label}逾期）"


class PlanReportDue(models.Model):
    """The day a continuous task's yearly report is due: the configured day moved off a rest
    day by the working-day calendar (rules.yearly_due), stored so a change of the calendar is
    recomputed and audited (plan_report_dues_recompute)."""

    year = models.PositiveSmallIntegerField(unique=True)
    due_date = models.DateField()
    provisional = models.BooleanField(default=False)  # the calendar of that year not yet known

    class Meta:
        ordering = ["year"]
