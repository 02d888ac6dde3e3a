"""Cases started by the public or by a subject: objections, credit repair, complaints and reports.

One table for the three kinds: they share the tracking number, the query code, the deadlines and
the visible history; what differs (the states and who may move them) lives in `workflow.py`.
Contact details are encrypted at rest and shown only to the handling office.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govtrust.directory.models import Department, Government
from govtrust.records.models import Record
from govtrust.remedies.workflow import STATUS_LABELS


class CaseKind(models.TextChoices):
    OBJECTION = "objection", "异议申请"
    REPAIR = "repair", "信用修复申请"
    REPORT = "report", "投诉举报"
    # A firm's complaint that a government or department broke a promise (发改财金〔2023〕1103号).
    PROMISE = "promise", "违约失信投诉"


class Case(models.Model):
    number = models.CharField("受理编号", max_length=24, unique=True)
    kind = models.CharField("类型", max_length=10, choices=CaseKind.choices, db_index=True)
    status = models.CharField("状态", max_length=16, db_index=True)
    version = models.PositiveIntegerField(default=1)
    code_digest = models.CharField(max_length=64)  # keyed hash of the query code
    # Objections and repairs are about a record; reports about a government or department.
    record = models.ForeignKey(
        Record, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    target_government = models.ForeignKey(
        Government, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_name = models.CharField("对象", max_length=120)
    division_code = models.CharField(max_length=12, db_index=True)  # the handling office's scope
    # Who filed it. Anonymous reports carry none of these.
    anonymous = models.BooleanField("匿名", default=False)
    applicant_role = models.CharField("申请人身份", max_length=10, blank=True)  # subject / public
    contact_name_cipher = models.BinaryField(null=True, editable=False)
    contact_phone_cipher = models.BinaryField(null=True, editable=False)
    contact_phone_masked = models.CharField("联系电话", max_length=20, blank=True)
    contact_key = models.CharField(max_length=64, blank=True, db_index=True)  # open-case limit
    # What is asked.
    fields = models.JSONField("有异议的字段", default=list)
    content = models.TextField("事实和理由")
    commitment_text = models.TextField("信用承诺书", blank=True)
    commitment_sha256 = models.CharField(max_length=64, blank=True)
    # Clock and outcome.
    received_at = models.DateTimeField("收到时间")
    due_date = models.DateField("当前环节期限", null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(default=False)
    late = models.BooleanField("曾逾期办理", default=False)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    outcome_reason = models.TextField("处理意见", blank=True)
    corrections = models.JSONField("更正内容", default=list)  # [{field, label, old, new}]
    draft_record = models.ForeignKey(
        Record, null=True, blank=True, on_delete=models.PROTECT, related_name="from_reports"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["kind", "status", "due_date"])]

    def __str__(self) -> str:
        return self.number

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


class CaseEvent(models.Model):
    """One step of a case, as its filer sees it: what happened, when, and whether on time."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=60)  # 申请人 / 信用办 / 数据提供单位: no names
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    note = models.TextField(blank=True)  # shown to the filer
    due_date = models.DateField(null=True, blank=True)  # the deadline this step answered
    on_time = models.BooleanField(null=True)

    class Meta:
        ordering = ["at", "id"]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.to_status]


class Evidence(models.Model):
    """An uploaded file. Stored under VAR_DIR with a random name; the sender's name is kept only
    as a label, cleaned."""

    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    correction = models.ForeignKey(
        "SelfCorrection", null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    stored_name = models.CharField(max_length=64, unique=True)
    label = models.CharField("文件名", max_length=120)
    kind = models.CharField(max_length=8)  # pdf / jpg / png
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)


class CorrectionKind(models.TextChoices):
    RECOVERED = "recovered", "主动挽回损失"
    REMEDIED = "remedied", "主动消除不良影响"
    STOPPED = "stopped", "有效阻止危害结果发生"


class SelfCorrection(models.Model):
    """主动纠错 (plan 三(二)6): the unit records that the civil servant put things right. Measures
    (a later module) read these to lighten or lift what they impose."""

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="self_corrections")
    kind = models.CharField("纠错情形", max_length=10, choices=CorrectionKind.choices)
    description = models.TextField("情况说明")
    corrected_on = models.DateField("纠错日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    division_code = models.CharField(max_length=12, db_index=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]


class CaseReminder(models.Model):
    """At most one reminder per case, stage deadline and kind, so the worker never repeats one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reminders")
    due_date = models.DateField()
    kind = models.CharField(max_length=10)  # due_soon / overdue
    division_code = models.CharField(max_length=12, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_to = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "due_date", "kind"], name="case_reminder_once")
        ]


class PromiseCategory(models.TextChoices):
    """The fields 发改财金〔2023〕1103号 names for complaints of breach (domain.md §8), and unpaid
    amounts (its 三（一） counts 拖欠账款 in the government's credit record)."""

    PROCUREMENT = "procurement", "政府采购"
    BIDDING = "bidding", "招标投标"
    INVESTMENT = "investment", "招商引资"
    PPP = "ppp", "政府和社会资本合作"
    INDUSTRY = "industry", "产业扶持"
    GOV_INVESTMENT = "gov_investment", "政府投资"
    ARREARS = "arrears", "拖欠账款"
    OTHER = "other", "其他"


class PromiseKind(models.TextChoices):
    CONTRACT = "contract", "合同约定"
    POLICY = "policy", "政策承诺"


class DeclineGround(models.TextChoices):
    """Why the accused unit does not rectify. Every one of them is 违约失信: refusing (1103号
    二（二）“拒不整改的”), and reorganisation or a change of officials or of government
    (1103号 二（二）“以机构调整、人员变动等理由不履约的”; 优化营商环境条例第三十一条)."""

    REFUSE = "refuse", "拒不整改"
    GOVERNMENT_CHANGE = "government_change", "政府换届"
    REORGANISATION = "reorganisation", "机构调整或职能调整"
    OFFICIAL_CHANGE = "official_change", "领导或责任人更替（新官不理旧账）"
    DIVISION_CHANGE = "division_change", "行政区划调整"
    OTHER = "other", "其他理由"


class PromiseComplaint(models.Model):
    """What a broken-promise complaint adds to its case: the firm, the promise, the body above
    the accused unit that verifies it (its division is the case's `division_code`), the verdict
    and, when founded, the rectification."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="promise")
    category = models.CharField("领域", max_length=16, choices=PromiseCategory.choices)
    promise_kind = models.CharField("承诺类型", max_length=10, choices=PromiseKind.choices)
    firm_name = models.CharField("企业名称", max_length=120)
    firm_uscc = models.CharField("企业统一社会信用代码", max_length=18, db_index=True)
    amount = models.DecimalField(
        "涉及金额（元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    promised_on = models.DateField("签订或承诺日期", null=True, blank=True)
    # The accused unit's division (a department's government's): the per-unit figures.
    accused_division_code = models.CharField(max_length=12, db_index=True)
    verifier = models.ForeignKey(
        Government, on_delete=models.PROTECT, related_name="+", verbose_name="核实认定机关"
    )
    verdict = models.CharField("核实结论", max_length=12, blank=True)  # founded / unfounded
    founded_at = models.DateTimeField("认定属实时间", null=True, blank=True, db_index=True)
    rectify_days = models.PositiveSmallIntegerField("整改期限（工作日）", null=True, blank=True)
    decline_ground = models.CharField(
        "不整改理由", max_length=20, choices=DeclineGround.choices, blank=True
    )
    breached_at = models.DateTimeField("认定违约失信时间", null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["accused_division_code", "founded_at"])]
