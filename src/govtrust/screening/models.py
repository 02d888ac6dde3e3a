"""Kept screenings (评优评先信用审查) and reviewers' remembered judgements on name matches."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from govtrust.records.models import Record


class Judgement(models.Model):
    """A reviewer's decision on a name match, remembered for every later screening of the same
    candidate against the same record (OpenSanctions-style saved judgements)."""

    candidate_key = models.CharField(max_length=128, db_index=True)
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="+")
    # The judge's division: the judgement is reused in screenings there and below, never in a
    # sibling's (a 天水 reviewer's dismissal must not clear a 兰州 candidate).
    division_code = models.CharField(max_length=12, default="", db_index=True)
    confirmed = models.BooleanField()  # True: the same subject; False: dismissed
    note = models.CharField(max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["candidate_key", "record", "division_code"], name="judgement_once"
            )
        ]


class Screening(models.Model):
    """One candidate list screened (评优评先信用审查): the results as they stood, the log checkpoint
    they were screened against, and reviewers' judgements applied since. Candidates keep their
    identifier's key and masked form only: no citizen ID number is stored here."""

    number = models.CharField("审查编号", max_length=24, unique=True)
    title = models.CharField("评选活动", max_length=120)
    source_name = models.CharField("名单文件", max_length=120, blank=True)
    source_sha256 = models.CharField("名单文件摘要", max_length=64, blank=True)
    division_code = models.CharField(max_length=12, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    screened_on = models.DateField("审查日期")
    checkpoint_size = models.PositiveBigIntegerField(null=True)
    checkpoint_root = models.CharField(max_length=64, blank=True)
    checkpoint_signed_at = models.DateTimeField(null=True)
    results = models.JSONField(encoder=DjangoJSONEncoder)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number
