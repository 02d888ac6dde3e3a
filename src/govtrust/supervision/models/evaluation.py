"""Third-party evaluation (第三方评估, plan 三(一)1 and 四: 引入第三方机构对政务诚信建设情况进行
评估): the credit office registers an evaluator and what it is commissioned to evaluate (year,
scope, indicators with their score ranges, units); the evaluator's scores arrive as Excel and are
kept, each upload a new version with its file and the file's SHA-256, for the assessment."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govtrust.directory.models import Department, Government


class Evaluator(models.Model):
    """A third-party evaluation body, registered by a credit office (its division owns it)."""

    name = models.CharField("评估机构名称", max_length=100)
    uscc = models.CharField("统一社会信用代码", max_length=18)
    division_code = models.CharField(max_length=12, db_index=True)  # the registering office's
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["division_code", "uscc"], name="evaluator_once")
        ]

    def __str__(self) -> str:
        return self.name


class EvaluationCommission(models.Model):
    """What an evaluator is commissioned to evaluate in a year: the scope, the indicators and
    the units evaluated."""

    evaluator = models.ForeignKey(Evaluator, on_delete=models.PROTECT, related_name="commissions")
    year = models.PositiveSmallIntegerField("评估年度")
    scope = models.CharField("评估范围", max_length=200)
    division_code = models.CharField(max_length=12, db_index=True)  # the commissioning office's
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluator", "year", "scope"], name="evaluation_commission_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} {self.year}年度 {self.scope}"


class EvaluationIndicator(models.Model):
    """A named indicator and the range its scores must fall in."""

    commission = models.ForeignKey(
        EvaluationCommission, on_delete=models.CASCADE, related_name="indicators"
    )
    position = models.PositiveSmallIntegerField()
    name = models.CharField("指标", max_length=60)
    low = models.DecimalField("最低分", max_digits=7, decimal_places=2)
    high = models.DecimalField("最高分", max_digits=7, decimal_places=2)

    class Meta:
        ordering = ["commission", "position"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "name"], name="evaluation_indicator_once")
        ]

    def __str__(self) -> str:
        return self.name


class EvaluatedUnit(models.Model):
    """A government or department the commission evaluates, named as the scores name it."""

    commission = models.ForeignKey(
        EvaluationCommission, on_delete=models.CASCADE, related_name="units"
    )
    name = models.CharField("被评估单位", max_length=100)
    government = models.ForeignKey(Government, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    division_code = models.CharField(max_length=12, db_index=True)

    class Meta:
        ordering = ["commission", "division_code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "name"], name="evaluated_unit_once")
        ]

    def __str__(self) -> str:
        return self.name


class ScoreSheet(models.Model):
    """One accepted upload of the evaluator's scores: never overwritten; a re-upload is the next
    version and the latest version is the one the assessment reads."""

    commission = models.ForeignKey(
        EvaluationCommission, on_delete=models.PROTECT, related_name="sheets"
    )
    version = models.PositiveIntegerField("版本")
    stored_name = models.CharField(max_length=64, unique=True)
    label = models.CharField("文件名", max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64)
    rows = models.PositiveIntegerField("分数条数")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["commission", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "version"], name="score_sheet_version")
        ]

    def __str__(self) -> str:
        return f"{self.commission} 第{self.version}版"


class EvaluationScore(models.Model):
    """One score of one unit on one indicator, as one sheet version gave it."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(EvaluationIndicator, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(EvaluatedUnit, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField("得分", max_digits=7, decimal_places=2)

    class Meta:
        ordering = ["sheet", "unit", "indicator__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "unit", "indicator"], name="evaluation_score_once"
            )
        ]
