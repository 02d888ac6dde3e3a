"""PDFs the platform issued (credit reports, screening certificates, criticism notices)."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from govtrust.documents.workflow import DocumentStatus as DocumentStatus
from govtrust.measures.models import Measure
from govtrust.records.models import Record
from govtrust.screening.models import Screening


class DocumentKind(models.TextChoices):
    SCREENING = "screening", "评优评先信用审查证明"
    REPORT = "report", "政务信用报告"
    PUBLIC_REPORT = "public_report", "政务信用报告（公开版）"
    CRITICISM = "criticism", "通报批评"


class Document(models.Model):
    """A PDF the platform issued: its verification code (printed on it, with the public URL),
    the SHA-256 of the file kept under var/documents, and the content it was rendered from. A
    criticism notice is drafted when its measure is issued and rendered when published."""

    code = models.CharField("验证码", max_length=24, unique=True)
    kind = models.CharField("文件类型", max_length=16, choices=DocumentKind.choices)
    status = models.CharField(
        max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.ISSUED
    )
    title = models.CharField("标题", max_length=160)
    content = models.JSONField(encoder=DjangoJSONEncoder)
    division_code = models.CharField(max_length=12, db_index=True)
    record = models.ForeignKey(
        Record, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    measure = models.OneToOneField(
        Measure, null=True, blank=True, on_delete=models.PROTECT, related_name="notice"
    )
    screening = models.ForeignKey(
        Screening, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)  # see documents.workflow
    # A re-issued document (a screening's certificate issued again) names the one it replaces,
    # which is then superseded; one-to-one, so a document is replaced once.
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "status", "-issued_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"


class NoticeCounter(models.Model):
    """The last notice number an issuer gave in a year. A publication locks its row (SELECT ...
    FOR UPDATE on PostgreSQL; SQLite serialises writers) and takes the next number in the same
    transaction as the notice, so numbers run 1, 2, 3 ... per issuer and year without gaps: a
    publication rolled back gives its number back with it."""

    # The division code of the issuing government (its credit office): one series per government.
    issuer = models.CharField("发文单位", max_length=12)
    year = models.PositiveSmallIntegerField("年度")
    last = models.PositiveIntegerField("已用到的文号", default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year"], name="notice_counter_once")
        ]
