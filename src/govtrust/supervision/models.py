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


class SuggestionKind(models.TextChoices):
    DEPUTY = "deputy", "人大代表建议"
    CPPCC = "cppcc", "政协委员提案"


class SuggestionState(models.TextChoices):
    ASSIGNED = "assigned", "办理中"  # assigned to a unit, reply awaited
    HANDED_BACK = "handed_back", "退回待重新交办"  # the unit says it was mis-assigned
    REPLIED = "replied", "已答复"  # the proposer's view awaited
    REHANDLING = "rehandling", "再次办理"  # the proposer was not satisfied
    CLOSED = "closed", "已办结"


class ResultCode(models.TextChoices):
    A = "A", "A类：已解决或基本解决"
    B = "B", "B类：正在解决或列入计划"
    C = "C", "C类：因条件限制以后解决"
    D = "D", "D类：留作参考"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Suggestion(models.Model):
    """A deputy's suggestion or a CPPCC member's proposal assigned to a government or one of its
    departments (plan 三(一)2): registered by the credit office, answered by the unit."""

    kind = models.CharField("类别", max_length=8, choices=SuggestionKind.choices)
    session = models.CharField("届次", max_length=40)
    number = models.CharField("编号", max_length=20)
    title = models.CharField("标题", max_length=200)
    proposer = models.CharField("提出人", max_length=100)
    government = models.ForeignKey(Government, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    division_code = models.CharField(max_length=12, db_index=True)  # the handling unit's
    co_units = models.CharField("协办单位", max_length=200, blank=True)
    assigned_on = models.DateField("交办日期")
    complex = models.BooleanField("涉及面广、办理难度大", default=False)
    due_date = models.DateField("答复期限")
    state = models.CharField(
        max_length=12,
        choices=SuggestionState.choices,
        default=SuggestionState.ASSIGNED,
        db_index=True,
    )
    version = models.PositiveIntegerField(default=1)
    handback_reason = models.CharField("退回理由", max_length=200, blank=True)
    result = models.CharField("办理结果", max_length=1, choices=ResultCode.choices, blank=True)
    reply = models.TextField("答复内容", blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    replied_late = models.BooleanField("逾期答复", default=False)
    # Who answered last: the proposer's view of a reply is recorded by someone else (four eyes).
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    satisfaction = models.CharField(
        "代表委员意见", max_length=12, choices=Satisfaction.choices, blank=True
    )
    rehandle_due = models.DateField("再次答复期限", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "session", "number"], name="suggestion_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}{self.number}"

    @property
    def handler(self) -> str:
        return str(self.department or self.government)

    @property
    def current_due(self) -> datetime.date:
        """The date the unit's awaited reply is due: the second one's when handled again."""
        return self.rehandle_due or self.due_date
