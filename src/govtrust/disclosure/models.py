"""What the public sees: publications of records, and the redaction rules applied to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govtrust.core.four_eyes import decision_transitions
from govtrust.directory.models import Role
from govtrust.records.models import Record
from govtrust.records.workflow import Transition


class PublicationStatus(models.TextChoices):
    PUBLISHED = "published", "公示中"  # on the portal
    WITHDRAWN = "withdrawn", "已撤下"  # off the portal; kept, provable in the log


class WithdrawReason(models.TextChoices):
    EXPIRED = "expired", "公示期满"
    REPAIRED = "repaired", "信用修复"
    OBJECTION = "objection", "异议成立"
    REVOKED = "revoked", "决定被撤销"
    LIGHTER = "lighter", "新规则从轻，公示期届满"
    COURT = "court", "人民法院删除"


class Publication(models.Model):
    """A record on the public portal. `view` is the redacted public snapshot, the only thing the
    public side ever reads; `salt` keeps the log's commitment to it unguessable."""

    record = models.OneToOneField(Record, on_delete=models.PROTECT, related_name="publication")
    number = models.CharField(max_length=24, unique=True)  # the record number, public
    status = models.CharField(
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.PUBLISHED,
        db_index=True,
    )
    view = models.JSONField()
    search_text = models.TextField()
    bigrams = models.TextField()  # "王伟 伟违 …": two-character names are found through these
    division_code = models.CharField(max_length=12, db_index=True)
    prefecture_code = models.CharField(max_length=6, db_index=True)  # 兰州新区 is 620171
    county_code = models.CharField(max_length=6, db_index=True)
    subject_kind = models.CharField(max_length=16, db_index=True)
    source_type = models.CharField(max_length=16, db_index=True)
    domain = models.CharField(max_length=16, db_index=True)
    severity = models.CharField(max_length=10, db_index=True)
    decision_date = models.DateField(db_index=True)
    rule_id = models.CharField(max_length=60)  # "<id>@<version>" of rules/versions.py
    rule_source = models.CharField(max_length=200)
    # Last days, both included (民法典 第二百零二条). No minimum: nothing to wait for (a minor
    # record published on request, the court's list); no maximum: ends when the court deletes it.
    minimum_end = models.DateField("最短公示期满", null=True, blank=True)
    maximum_end = models.DateField("公示截止", db_index=True, null=True, blank=True)
    published_at = models.DateTimeField()
    # The last day the period was evaluated against the rule versions in force (publication,
    # the daily 从旧兼从轻 re-evaluation): a version taking effect after it is still to apply.
    period_checked_on = models.DateField(null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.CharField(max_length=10, choices=WithdrawReason.choices, blank=True)
    salt = models.BinaryField(max_length=32, editable=False)
    leaf_index = models.PositiveBigIntegerField(null=True)  # the latest log event for it
    status_line = models.CharField(max_length=40, blank=True)  # 异议处理中 / 信用修复中

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self) -> str:
        return self.number


class RedactionRule(models.Model):
    """A pattern masked in every public text, as in force. Rows change only when a
    RedactionChange is approved; the citizen ID rules are not rows (redaction.BUILT_IN)."""

    name = models.CharField(max_length=40, unique=True)  # a catalogue kind or custom_N
    label = models.CharField("名称", max_length=40, blank=True)
    pattern = models.CharField(max_length=300)
    keep_head = models.PositiveSmallIntegerField(default=0)
    keep_tail = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RedactionChangeState(models.TextChoices):
    PENDING = "pending", "待审核"  # proposed; the rules in force are unchanged
    APPROVED = "approved", "已生效"  # a second member approved; its rules are in force
    REJECTED = "rejected", "已驳回"  # refused (or withdrawn by its proposer) with a reason


class RedactionChange(models.Model):
    """A proposed new set of redaction rules, in force only once a second member of the
    provincial credit office approves it (four eyes).

        pending ──approve──> approved   (rules replaced, publications re-rendered)
           └─────reject────> rejected   (with a reason)

    `rules` is the whole proposed set, `base` the set in force when it was proposed: approval
    refuses if the rules in force moved meanwhile, so nobody approves a diff they did not see.
    """

    rules = models.JSONField()
    base = models.JSONField()
    note = models.CharField("变更说明", max_length=200)
    state = models.CharField(
        max_length=10,
        choices=RedactionChangeState.choices,
        default=RedactionChangeState.PENDING,
        db_index=True,
    )
    version = models.PositiveIntegerField(default=1)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True)
    reason = models.CharField("驳回理由", max_length=200, blank=True)
    corrected = models.PositiveIntegerField(default=0)  # publications re-rendered on approval

    class Meta:
        ordering = ["-id"]
        constraints = [
            # One proposal at a time: two racing proposals cannot both wait for approval.
            models.UniqueConstraint(
                fields=["state"],
                condition=models.Q(state="pending"),
                name="disclosure_one_pending_redaction_change",
            )
        ]

    def __str__(self) -> str:
        return f"遮蔽规则变更 {self.pk}"


REDACTION_TRANSITIONS: dict[str, Transition] = decision_transitions(
    pending=RedactionChangeState.PENDING,
    approved=RedactionChangeState.APPROVED,
    rejected=RedactionChangeState.REJECTED,
    roles=frozenset({Role.CREDIT_OFFICE}),
)


class RuleVersionState(models.TextChoices):
    PENDING = "pending", "待审核"  # entered; not applied to anything
    APPROVED = "approved", "已批准"  # applies from its effective date
    REJECTED = "rejected", "已驳回"  # refused (or withdrawn by its proposer) with a reason


class PublicationRuleVersion(models.Model):
    """A publication rule version the provincial credit office added on the rules page (a sector
    rule, a provincial rule naming its legal basis), merged with the built-in versions of
    rules/versions.py once a second member of the office approved it (four eyes).

        pending ──approve──> approved   (applies from effective_from; the daily job re-evaluates)
           └─────reject────> rejected   (with a reason)

    `terms` maps each class in `severities` to [minimum months or null, maximum months]; an
    internal-only version has no terms (never published). `transitional` is the version's own
    clause for decisions made before it took effect (versions.TRANSITIONAL)."""

    title = models.CharField("文件名称", max_length=120)
    doc_number = models.CharField("文号", max_length=60)
    article = models.CharField("条款", max_length=60)
    effective_from = models.DateField("施行日期")
    effective_to = models.DateField("废止日期", null=True, blank=True)
    source_types = models.JSONField(default=list)
    severities = models.JSONField(default=list)
    safety_areas = models.JSONField(default=list)  # empty: any area
    terms = models.JSONField(default=dict)
    internal = models.BooleanField("仅内部使用", default=False)
    transitional = models.CharField("过渡条款", max_length=10, default="lighter")
    transitional_text = models.CharField("过渡条款依据", max_length=200, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    state = models.CharField(
        max_length=10,
        choices=RuleVersionState.choices,
        default=RuleVersionState.PENDING,
        db_index=True,
    )
    version = models.PositiveIntegerField(default=1)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True)
    reason = models.CharField("驳回理由", max_length=200, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"公示规则版本 {self.pk}"

    @property
    def rule_id(self) -> str:
        return f"province-{self.pk}"


RULE_VERSION_TRANSITIONS: dict[str, Transition] = decision_transitions(
    pending=RuleVersionState.PENDING,
    approved=RuleVersionState.APPROVED,
    rejected=RuleVersionState.REJECTED,
    roles=frozenset({Role.CREDIT_OFFICE}),
)


class PublicDataVersion(models.Model):
    """One row (id 1) whose number moves with every write that changes what the portal shows
    (disclosure/freshness.py): the public response cache keys on it, beside the log's size."""

    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.version)
