"""The dishonesty record (政务失信记录) and its history. Fields follow domain.md §3."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from govtrust.core.money import wan_yuan
from govtrust.directory.models import CivilServant, Department, Government
from govtrust.records.workflow import Status


class SubjectKind(models.TextChoices):
    GOVERNMENT = "government", "政府"
    DEPARTMENT = "department", "部门"
    CIVIL_SERVANT = "civil_servant", "公务员"


class SourceType(models.TextChoices):
    JUDICIAL = "judicial", "司法判决"
    PENALTY = "penalty", "行政处罚"
    DISCIPLINE = "discipline", "纪律处分"
    ACCOUNTABILITY = "accountability", "问责处理"
    BREACH = "breach", "失信违约"
    DEBTOR_LIST = "debtor_list", "失信被执行人"


class Domain(models.TextChoices):
    PROCUREMENT = "procurement", "政府采购"
    PPP = "ppp", "政府和社会资本合作"
    TRADING = "trading", "公共资源交易"
    INVESTMENT = "investment", "招商引资"
    DEBT = "debt", "地方政府债务"
    TOWNSHIP = "township", "街道和乡镇"
    OTHER = "other", "其他"


class SafetyArea(models.TextChoices):
    """Areas with a longer minimum publication period under NDRC Order 58 (at least one year)."""

    NONE = "", "无"
    WORK_SAFETY = "work_safety", "安全生产"
    FIRE_SAFETY = "fire_safety", "消防安全"
    SPECIAL_EQUIPMENT = "special_equipment", "特种设备"


class Procedure(models.TextChoices):
    """How an administrative penalty was decided (《行政处罚法》第五十一条、第五十四条)."""

    SIMPLE = "simple", "简易程序"
    GENERAL = "general", "普通程序"


class PenaltyKind(models.TextChoices):
    """Kinds of what a decision imposed (《行政处罚法》第九条, plus 行政拘留 and 其他)."""

    WARNING = "warning", "警告"
    CRITICISM = "criticism", "通报批评"
    FINE = "fine", "罚款"
    CONFISCATION = "confiscation", "没收违法所得、没收非法财物"
    LICENSE = "license", "暂扣或吊销许可证件"
    RESTRICT_PRACTICE = "restrict_practice", "限制从业"
    STOP_PRODUCTION = "stop_production", "责令停产停业"
    DETENTION = "detention", "行政拘留"
    OTHER = "other", "其他"


class CourtGround(models.IntegerChoices):
    """法释〔2017〕7号 第一条: why a debtor is on the court's list."""

    REFUSING = 1, "（一）有履行能力而拒不履行"
    OBSTRUCTING = 2, "（二）以伪造证据、暴力、威胁等方法妨碍、抗拒执行"
    EVADING = 3, "（三）以虚假诉讼、虚假仲裁或者隐匿、转移财产等方法规避执行"
    ASSET_REPORT = 4, "（四）违反财产报告制度"
    CONSUMPTION = 5, "（五）违反限制消费令"
    SETTLEMENT = 6, "（六）无正当理由拒不履行执行和解协议"


class Severity(models.TextChoices):
    MINOR = "minor", "轻微"
    GENERAL = "general", "一般"
    SERIOUS = "serious", "严重"


class Record(models.Model):
    number = models.CharField("记录编号", max_length=24, unique=True)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Bumped on every write; a transition names the version it saw (optimistic lock).
    version = models.PositiveIntegerField(default=1)

    subject_kind = models.CharField("主体类型", max_length=16, choices=SubjectKind.choices)
    subject_name = models.CharField("主体名称", max_length=120)
    subject_uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    subject_ric_cipher = models.BinaryField(null=True, editable=False)
    subject_ric_masked = models.CharField("身份证号码", max_length=18, blank=True)
    # USCC, or the keyed hash of the citizen ID: the subject half of the duplicate key.
    subject_key = models.CharField(max_length=64, db_index=True, editable=False)
    subject_government = models.ForeignKey(
        Government, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_person = models.ForeignKey(
        CivilServant, null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )

    source_type = models.CharField("失信来源", max_length=16, choices=SourceType.choices)
    domain = models.CharField("领域", max_length=16, choices=Domain.choices)
    decision_number = models.CharField("文书号", max_length=100)
    decision_key = models.CharField(max_length=100, editable=False)
    decision_date = models.DateField("决定日期")
    authority_name = models.CharField("决定机关", max_length=120)
    authority_uscc = models.CharField("决定机关统一社会信用代码", max_length=18, blank=True)
    facts = models.TextField("失信事实")
    basis = models.TextField("依据")
    outcome = models.TextField("处理结果")
    amount = models.DecimalField(
        "金额（万元）", max_digits=14, decimal_places=4, null=True, blank=True
    )
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices)
    safety_area = models.CharField(
        "特殊领域", max_length=20, choices=SafetyArea.choices, blank=True, default=""
    )

    procedure = models.CharField(
        "决定程序", max_length=10, choices=Procedure.choices, default=Procedure.GENERAL
    )
    penalties = models.JSONField("处罚种类", default=list, blank=True)  # PenaltyKind codes
    court_ground = models.PositiveSmallIntegerField(
        "失信情形", choices=CourtGround.choices, null=True, blank=True
    )
    extension_years = models.PositiveSmallIntegerField("延长年限", default=0)
    # 2026 measures: a minor record is published only where the department finds it necessary.
    minor_published = models.BooleanField("轻微失信确有必要公示", default=False)

    reporting_government = models.ForeignKey(
        Government, on_delete=models.PROTECT, related_name="reported_records"
    )
    reporting_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The reporting unit's division, copied so every scope filter is one indexed prefix match.
    division_code = models.CharField(max_length=12, db_index=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    arose_on = models.DateField("信息产生日期")
    due_date = models.DateField("报送期限")
    due_provisional = models.BooleanField("期限为暂定", default=False, db_index=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    first_submitted_at = models.DateTimeField("首次报送时间", null=True, blank=True)
    on_time = models.BooleanField("按时报送", null=True)
    return_reason = models.TextField("退回原因", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "政务失信记录"
        ordering = ["-created_at", "-id"]
        constraints = [
            # One live record per (subject, decision); a returned one may be corrected instead.
            models.UniqueConstraint(
                fields=["subject_key", "decision_key"],
                condition=~Q(status=Status.RETURNED),
                name="record_unique_live_decision",
            )
        ]
        indexes = [models.Index(fields=["division_code", "status"])]

    def __str__(self) -> str:
        return self.number

    @property
    def amount_display(self) -> str:
        """万元 without trailing zeros: 687, 12.5."""
        return wan_yuan(self.amount) or "—"

    @property
    def penalty_labels(self) -> str:
        labels = dict(PenaltyKind.choices)
        return "、".join(str(labels.get(code, code)) for code in self.penalties or [])

    @property
    def reporting_unit(self) -> str:
        department = self.reporting_department
        return department.name if department else self.reporting_government.name


class RecordEvent(models.Model):
    """A line of a record's visible history: who did what, from which state to which."""

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    @property
    def from_label(self) -> str:
        return Status(self.from_status).label if self.from_status else ""

    @property
    def to_label(self) -> str:
        return Status(self.to_status).label


class RecordCounter(models.Model):
    """Last record number issued per reporting unit and year."""

    division_code = models.CharField(max_length=12)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["division_code", "year"], name="counter_unique")
        ]


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", "全部正确才导入"
    VALID_ROWS = "valid_rows", "只导入正确的行"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "排队中"  # stored, waiting for the worker
    RUNNING = "running", "校验中"  # the worker is reading and checking rows
    SUCCEEDED = (
        "succeeded",
        "已导入",
    )  # every row became a submitted record (or checked, if dry run)
    PARTIAL = "partial", "部分导入"  # valid-rows mode: good rows imported, bad rows reported
    FAILED = "failed", "未导入"  # nothing imported: errors in all-or-nothing mode, or unreadable


class ImportBatch(models.Model):
    """One uploaded file and what became of it. The file itself is kept outside the web root."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    unit = models.ForeignKey(Government, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    division_code = models.CharField(max_length=12, db_index=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField("文件名", max_length=200)
    stored_name = models.CharField(max_length=80, editable=False)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=8)
    mode = models.CharField("导入方式", max_length=16, choices=ImportMode.choices)
    dry_run = models.BooleanField("仅校验", default=False)
    status = models.CharField(
        "状态", max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    legacy = models.BooleanField("双公示格式", default=False)
    # The court's list of dishonest debtors, imported by the credit office (records created and
    # ended by the court's dates), not a unit's report.
    court_list = models.BooleanField("法院失信被执行人名单", default=False)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField("导入条数", default=0)
    error_count = models.PositiveIntegerField("错误条数", default=0)
    skipped_count = models.PositiveIntegerField("已登记跳过", default=0)
    # The first errors, for the page and the API; the full list is in the Excel report.
    errors = models.JSONField(default=list)
    message = models.TextField("说明", blank=True)
    has_report = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "批量导入"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "即将到期"
    OVERDUE = "overdue", "已逾期"
    RETURNED = "returned", "已退回"  # a reviewer returned the record; raised again on each return


class Reminder(models.Model):
    """An in-app reminder to a reporting unit about one record; at most one per kind, so the
    worker can run as often as it likes without sending anything twice."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    division_code = models.CharField(max_length=12, db_index=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_to = models.JSONField(default=list)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["record", "kind"], name="reminder_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} {self.kind}"
