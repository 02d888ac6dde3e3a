"""Deputies' suggestions and CPPCC proposals (人大代表建议、政协委员提案, plan 三（二）1)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from govtrust.directory.models import Department, Government


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
