"""The directory: divisions, their governments, departments, civil servants, and users."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Level(models.TextChoices):
    PROVINCE = "province", "省"
    PREFECTURE = "prefecture", "市州"
    COUNTY = "county", "县市区"
    TOWNSHIP = "township", "乡镇街道"


class Division(models.Model):
    """An administrative division. Codes nest by prefix (62 > 6201 > 620102 > 620102001),
    which is what makes data scope a single indexed `LIKE 'code%'`."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=60)
    level = models.CharField("层级", max_length=12, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # 兰州新区 620171: a statistical code for a development zone, not a GB/T 2260 code.
    is_statistical = models.BooleanField("统计用代码（非国标）", default=False)

    class Meta:
        verbose_name = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class GovernmentKind(models.TextChoices):
    PEOPLES_GOVERNMENT = "peoples_government", "人民政府"
    ADMIN_COMMITTEE = "admin_committee", "管委会"
    SUBDISTRICT_OFFICE = "subdistrict_office", "街道办事处"
    OTHER = "other", "其他管理机构"


class Government(models.Model):
    """The government of a division (人民政府, 管委会, 街道办事处)."""

    division = models.OneToOneField(Division, on_delete=models.PROTECT, related_name="government")
    name = models.CharField("名称", max_length=80)
    kind = models.CharField("类型", max_length=24, choices=GovernmentKind.choices)
    uscc = models.CharField("统一社会信用代码", max_length=18, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = "人民政府"
        ordering = ["division_id"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    government = models.ForeignKey(Government, on_delete=models.PROTECT, related_name="departments")
    name = models.CharField("名称", max_length=80)
    uscc = models.CharField("统一社会信用代码", max_length=18, null=True, blank=True, unique=True)
    # Copied from the government so scope filters need no join.
    division_code = models.CharField(max_length=12, db_index=True, editable=False)

    class Meta:
        verbose_name = "政府部门"
        ordering = ["division_code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["government", "name"], name="department_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class CivilServant(models.Model):
    """A civil servant. The citizen ID number is stored encrypted, with a keyed hash for look-up
    and a masked copy for display (see core/protect.py)."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="civil_servants"
    )
    name = models.CharField("姓名", max_length=40)
    position = models.CharField("职务", max_length=60, blank=True)
    ric_cipher = models.BinaryField(editable=False)
    ric_digest = models.CharField(max_length=64, unique=True, editable=False)
    ric_masked = models.CharField("身份证号码", max_length=18, editable=False)
    division_code = models.CharField(max_length=12, db_index=True, editable=False)

    class Meta:
        verbose_name = "公务员"
        ordering = ["division_code", "name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CLERK = "clerk", "填报员"
    REVIEWER = "reviewer", "审核员"
    CREDIT_OFFICE = "credit_office", "信用办"
    INSPECTOR = "inspector", "督查员"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"


class User(AbstractUser):
    """A staff account. `unit` is the government whose subtree is the user's data scope."""

    role = models.CharField("角色", max_length=16, choices=Role.choices)
    unit = models.ForeignKey(Government, on_delete=models.PROTECT, related_name="users")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    # Set by a password reset: the one-time password works for one sign-in, whose first page
    # is the change-password page.
    must_change_password = models.BooleanField("须修改密码", default=False)
    # TOTP second factor (RFC 6238): the secret is SM4-GCM encrypted (core/protect.py); it is
    # in force once confirmed with a code. The last accepted time step refuses a replayed code.
    totp_cipher = models.BinaryField(null=True, editable=False)
    totp_confirmed_at = models.DateTimeField("动态口令启用时间", null=True, blank=True)
    totp_last_step = models.BigIntegerField(null=True, editable=False)

    class Meta:
        verbose_name = "用户"

    @property
    def totp_enabled(self) -> bool:
        return self.totp_confirmed_at is not None

    @property
    def scope_code(self) -> str:
        return self.unit.division_id

    @property
    def unit_label(self) -> str:
        return self.department.name if self.department else self.unit.name


class ApiToken(models.Model):
    """A bearer token for machine clients. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # None: no expiry (GOVTRUST_TOKEN_DAYS=0 when it was issued).
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = "接口令牌"


class RecoveryCode(models.Model):
    """A one-time code that stands in for the TOTP code when the device is lost; only its keyed
    hash is stored, the code is shown once when the second factor is set up."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "恢复码"


class UserSession(models.Model):
    """A signed-in browser session, so the security administrator can list and end it. The
    session data stays in Django's session table; this row names its user, address and agent."""

    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    address = models.CharField("地址", max_length=45, blank=True)
    user_agent = models.CharField("浏览器", max_length=200, blank=True)
    started_at = models.DateTimeField("登录时间", auto_now_add=True)
    last_seen_at = models.DateTimeField("最近访问", auto_now_add=True)

    class Meta:
        verbose_name = "登录会话"
        ordering = ["-last_seen_at"]
