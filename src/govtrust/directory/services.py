"""Writes to the directory: reference data, units, people, accounts and tokens."""

from __future__ import annotations

import csv
import datetime
import hashlib
import secrets
from dataclasses import dataclass
from importlib import resources

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.errors import DomainError
from govtrust.core.identifiers import check_ric, check_uscc
from govtrust.core.protect import protect_ric
from govtrust.directory.models import (
    ApiToken,
    CivilServant,
    Department,
    Division,
    Government,
    GovernmentKind,
    Level,
    Role,
    User,
)
from govtrust.directory.policy import ANSWERS_TO

STATISTICAL_CODES = {"620171"}  # 兰州新区: development-zone code, not GB/T 2260


@dataclass(frozen=True)
class LoadReport:
    divisions_created: int
    governments_created: int


def _government_of(division: Division) -> tuple[str, str]:
    name = division.name
    if division.code in STATISTICAL_CODES:
        return f"{name}管理委员会", GovernmentKind.ADMIN_COMMITTEE
    if division.level != Level.TOWNSHIP or name.endswith(("镇", "乡")):
        return f"{name}人民政府", GovernmentKind.PEOPLES_GOVERNMENT
    if name.endswith("街道"):
        return f"{name}办事处", GovernmentKind.SUBDISTRICT_OFFICE
    if name.endswith("区"):
        return f"{name}管理委员会", GovernmentKind.ADMIN_COMMITTEE
    return name, GovernmentKind.OTHER


@transaction.atomic
def divisions_load(*, actor_name: str = "system") -> LoadReport:
    """Load the shipped Gansu divisions and their governments; running it again changes nothing."""
    source = resources.files("govtrust.directory").joinpath("data/gansu_divisions.csv")
    with source.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    existing = set(Division.objects.values_list("code", flat=True))
    new = [
        Division(
            code=row["code"],
            name=row["name"],
            # 兰州新区 answers to the province, whatever its code's prefix says (policy.py).
            level=Level.PREFECTURE if row["code"] in ANSWERS_TO else row["level"],
            parent_id=ANSWERS_TO.get(row["code"], row["parent_code"]) or None,
            is_statistical=row["code"] in STATISTICAL_CODES,
        )
        for row in rows
        if row["code"] not in existing
    ]
    # Parents come first in the file, and bulk_create keeps order, so FKs resolve on insert.
    Division.objects.bulk_create(new, batch_size=500)
    governed = set(Government.objects.values_list("division_id", flat=True))
    governments = []
    for division in Division.objects.exclude(code__in=governed):
        name, kind = _government_of(division)
        governments.append(Government(division=division, name=name, kind=kind))
    Government.objects.bulk_create(governments, batch_size=500)
    if new or governments:
        # The portal's search form lists the prefectures and counties: cached pages go stale.
        from govtrust.disclosure.freshness import public_changed  # disclosure builds on directory

        public_changed()
        audit_append(
            actor=actor_name,
            action="directory.load_divisions",
            object_type="division",
            object_id="62",
            after={"divisions_created": len(new), "governments_created": len(governments)},
        )
    return LoadReport(len(new), len(governments))


def _clean_uscc(value: str | None) -> str | None:
    if not value:
        return None
    checked = check_uscc(value)
    if not checked.valid:
        raise DomainError(checked.message, errors=[("uscc", checked.message)])
    return checked.normalized


@transaction.atomic
def department_create(
    *, government: Government, name: str, uscc: str | None = None, actor_name: str = "system"
) -> Department:
    name = name.strip()
    if not name:
        raise DomainError("部门名称不能为空", errors=[("name", "不能为空")])
    code = _clean_uscc(uscc)
    if code and Department.objects.filter(uscc=code).exists():
        raise DomainError("该统一社会信用代码已被其他部门使用", errors=[("uscc", "已存在")])
    department = Department.objects.create(
        government=government, name=name, uscc=code, division_code=government.division_id
    )
    audit_append(
        actor=actor_name,
        action="department.create",
        object_type="department",
        object_id=department.pk,
        after={"government": government.name, "name": name, "uscc": code},
    )
    return department


@transaction.atomic
def civil_servant_create(
    *, department: Department, name: str, ric: str, position: str = "", actor_name: str = "system"
) -> CivilServant:
    checked = check_ric(ric)
    if not checked.valid:
        raise DomainError(checked.message, errors=[("ric", checked.message)])
    protected = protect_ric(checked.normalized)
    if CivilServant.objects.filter(ric_digest=protected.digest).exists():
        raise DomainError("该身份证号码已登记", errors=[("ric", "已存在")])
    person = CivilServant.objects.create(
        department=department,
        name=name.strip(),
        position=position.strip(),
        ric_cipher=protected.cipher,
        ric_digest=protected.digest,
        ric_masked=protected.masked,
        division_code=department.division_code,
    )
    audit_append(
        actor=actor_name,
        action="civil_servant.create",
        object_type="civil_servant",
        object_id=person.pk,
        after={"department": department.name, "name": person.name, "ric": protected.masked},
    )
    return person


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    unit: Government,
    password: str,
    department: Department | None = None,
    real_name: str = "",
    actor_name: str = "system",
    must_change_password: bool = False,
) -> User:
    """A staff account. `must_change_password`: the password is a one-time one handed over by
    the security administrator, to be replaced at the first sign-in."""
    if role not in Role.values:
        raise DomainError(f"未知角色：{role}", errors=[("role", f"应为 {', '.join(Role.values)}")])
    if department is not None and department.government_id != unit.pk:
        raise DomainError("部门不属于该单位", errors=[("department", "部门不属于该单位")])
    if User.objects.filter(username=username).exists():
        raise DomainError(f"用户名已存在：{username}", errors=[("username", "已存在")])
    user = User(
        username=username,
        role=role,
        unit=unit,
        department=department,
        first_name=real_name,
        must_change_password=must_change_password,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("密码不符合要求", errors=[("password", m) for m in exc.messages]) from exc
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    audit_append(
        actor=actor_name,
        action="user.create",
        object_type="user",
        object_id=user.pk,
        after={
            "username": username,
            "role": role,
            "unit": unit.division_id,
            "department": department.name if department else None,
        },
    )
    return user


@transaction.atomic
def service_account(*, unit: Government, department: Department | None) -> User:
    """The account that operator-run imports act as: a clerk of the unit who cannot sign in.

    Command-line imports need an actor for scope, numbering and the audit trail; this one is
    named after its unit so the audit log says where the records came from.
    """
    suffix = f"-{department.pk}" if department else ""
    username = f"import-{unit.division_id}{suffix}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            role=Role.CLERK,
            unit=unit,
            department=department,
            first_name="命令行导入",
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
        audit_append(
            actor="cli",
            action="user.create",
            object_type="user",
            object_id=user.pk,
            after={"username": username, "role": Role.CLERK, "service": True},
        )
    return user


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, actor_name: str = "system") -> str:
    """Issue a bearer token; only its hash is kept, so this is the one time it is seen."""
    token = "gt_" + secrets.token_urlsafe(32)
    days = settings.GOVTRUST_TOKEN_DAYS
    expires = timezone.now() + datetime.timedelta(days=days) if days else None
    record = ApiToken.objects.create(
        user=user, digest=token_digest(token), prefix=token[:8], expires_at=expires
    )
    audit_append(
        actor=actor_name,
        action="token.create",
        object_type="api_token",
        object_id=record.pk,
        after={
            "user": user.username,
            "prefix": record.prefix,
            "expires_at": expires.isoformat() if expires else None,
        },
    )
    return token
