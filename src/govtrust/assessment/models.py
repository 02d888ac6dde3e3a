"""Indicator systems, runs, their results (versioned) and the values entered with evidence."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govtrust.core.four_eyes import decision_transitions
from govtrust.core.lifecycle import Transition, transitions
from govtrust.directory.models import Department, Role


class IndicatorSystem(models.Model):
    """One version of the indicator tree (engine.validate_system), for the years from `year`.
    Never edited: a revision is a new version."""

    code = models.CharField("体系编号", max_length=40)
    version = models.PositiveIntegerField("版本")
    year = models.PositiveSmallIntegerField("适用起始年度")
    title = models.CharField("名称", max_length=120)
    data = models.JSONField("指标体系")
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "考评指标体系"
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="assessment_system_version")
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"


class Level(models.TextChoices):
    """Peer groups: units are ranked only among units of the same level."""

    PREFECTURE = "prefecture", "市州（含兰州新区）"
    COUNTY = "county", "县市区"
    TOWNSHIP = "township", "乡镇街道"
    DEPARTMENT_PROVINCE = "department-province", "省直部门"
    DEPARTMENT_PREFECTURE = "department-prefecture", "市州部门"
    DEPARTMENT_COUNTY = "department-county", "县级部门"
    DEPARTMENT_TOWNSHIP = "department-township", "乡镇街道部门"


class RunState(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已审核待公布"
    REJECTED = "rejected", "已驳回"
    PUBLISHED = "published", "已公布"


class Run(models.Model):
    """One run of the assessment for a year: its snapshot (canonical JSON, signed) and the log
    leaf that commits to it. Its results reach the public only once another member of the
    provincial credit office than the one who ran it approved them (four eyes), and it was
    published."""

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    number = models.PositiveIntegerField("次序")
    system = models.ForeignKey(IndicatorSystem, on_delete=models.PROTECT, related_name="runs")
    snapshot = models.TextField("输入快照")
    sha256 = models.CharField(max_length=64)
    leaf_index = models.BigIntegerField("透明日志叶子序号", null=True)
    units = models.PositiveIntegerField("考评单位数")
    changed = models.PositiveIntegerField("新版本结果数")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.CharField(max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(
        "状态", max_length=12, choices=RunState.choices, default=RunState.PENDING
    )
    version = models.PositiveIntegerField(default=1)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("审核时间", null=True)
    reason = models.CharField("审核意见", max_length=200, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("公布时间", null=True)

    class Meta:
        verbose_name = "考评运行"
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="assessment_run_number")
        ]

    @property
    def proposed_by_id(self) -> int | None:
        """Four eyes (core/four_eyes.py): the one who ran it proposes its results."""
        return self.created_by_id


RUN_TRANSITIONS: dict[str, Transition] = {
    **decision_transitions(
        pending=RunState.PENDING,
        approved=RunState.APPROVED,
        rejected=RunState.REJECTED,
        roles=frozenset({Role.CREDIT_OFFICE}),
    ),
    **transitions(
        Transition(
            "publish",
            "公布",
            frozenset({RunState.APPROVED}),
            RunState.PUBLISHED,
            frozenset({Role.CREDIT_OFFICE}),
        )
    ),
}


class Result(models.Model):
    """A unit's result for a year. A changed result is a new version (the old one stays, no
    longer current), never an overwrite."""

    year = models.PositiveSmallIntegerField("年度")
    unit_key = models.CharField(max_length=24)
    version = models.PositiveIntegerField("版本")
    current = models.BooleanField(default=True)
    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="results")
    level = models.CharField("层级", max_length=24, choices=Level.choices)
    name = models.CharField("单位", max_length=80)
    division_code = models.CharField(max_length=12, db_index=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    total = models.DecimalField("总分", max_digits=5, decimal_places=2)
    grade = models.CharField("等次", max_length=4)
    rank = models.PositiveIntegerField("排名")
    peers = models.PositiveIntegerField("同级单位数")
    detail = models.JSONField("各项指标")
    digest = models.CharField(max_length=64)  # of what the unit would see change
    # The version the public sees (one per unit and year at most): set when a run is published,
    # moved to the new version when an objection upheld changes a published result.
    public = models.BooleanField("已公布", default=False)

    class Meta:
        verbose_name = "考评结果"
        ordering = ["year", "level", "rank", "unit_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit_key", "version"], name="assessment_result_version"
            ),
            models.UniqueConstraint(
                fields=["year", "unit_key"],
                condition=models.Q(current=True),
                name="assessment_result_current",
            ),
            models.UniqueConstraint(
                fields=["year", "unit_key"],
                condition=models.Q(public=True),
                name="assessment_result_public",
            ),
        ]
        indexes = [models.Index(fields=["year", "level", "current"])]


class EnteredValue(models.Model):
    """A score (0–100) entered for an `entered` indicator, with its evidence. A correction is a
    new row; the latest row of (year, unit, indicator) counts."""

    year = models.PositiveSmallIntegerField("年度")
    unit_key = models.CharField(max_length=24)
    indicator = models.CharField("指标", max_length=16)
    value = models.DecimalField("得分", max_digits=5, decimal_places=2)
    evidence = models.TextField("依据")
    entered_as = models.CharField("录入身份", max_length=12)  # engine.ENTERERS
    division_code = models.CharField(max_length=12, db_index=True)  # the assessed unit's
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "考评录入值"
        ordering = ["year", "unit_key", "indicator", "-id"]
        indexes = [models.Index(fields=["year", "unit_key", "indicator"])]


class ObjectionState(models.TextChoices):
    PENDING = "pending", "待处理"
    UPHELD = "upheld", "异议成立"
    DISMISSED = "dismissed", "异议不成立"


class Objection(models.Model):
    """A unit's objection to its published result, filed within the objection period (本地政策,
    assessment/rules.py) and decided by the provincial credit office. Upheld, it makes a new
    version of the result (the objected one stays, no longer current), never an overwrite."""

    year = models.PositiveSmallIntegerField("年度")
    unit_key = models.CharField(max_length=24)
    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="objections")
    division_code = models.CharField(max_length=12, db_index=True)  # the assessed unit's
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("异议理由")
    due_date = models.DateField("异议期截止日")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField("提出时间", auto_now_add=True)
    state = models.CharField(
        "状态", max_length=12, choices=ObjectionState.choices, default=ObjectionState.PENDING
    )
    version = models.PositiveIntegerField(default=1)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("处理时间", null=True)
    decision = models.TextField("处理意见", blank=True)
    indicator = models.CharField("更正指标", max_length=16, blank=True)
    points = models.DecimalField("更正后得分", max_digits=7, decimal_places=4, null=True)
    new_result = models.ForeignKey(Result, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "考评结果异议"
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit_key"],
                condition=models.Q(state="pending"),
                name="assessment_objection_pending",
            )
        ]


OBJECTION_TRANSITIONS: dict[str, Transition] = transitions(
    Transition(
        "uphold",
        "认定异议成立",
        frozenset({ObjectionState.PENDING}),
        ObjectionState.UPHELD,
        frozenset({Role.CREDIT_OFFICE}),
        needs_reason=True,
    ),
    Transition(
        "dismiss",
        "认定异议不成立",
        frozenset({ObjectionState.PENDING}),
        ObjectionState.DISMISSED,
        frozenset({Role.CREDIT_OFFICE}),
        needs_reason=True,
    ),
)
