"""A realistic demo data set: departments and officials of several governments, one login per
role, and a few hundred records in every state, some reported late and some returned.

Records go through the same services as real ones (so the audit chain and history are real);
afterwards their timestamps are moved back to when they would have happened, which is the one
thing a seeding script may do that a service never does.
"""

from __future__ import annotations

import datetime
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from govtrust.assessment.demo import assessment_demo
from govtrust.core.identifiers import compose_ric, compose_uscc
from govtrust.core.protect import decrypt
from govtrust.demo_cases import cases_demo, notices_demo, promises_demo
from govtrust.demo_rules import PENALTY_SETS, special_cases
from govtrust.directory import totp
from govtrust.directory.models import CivilServant, Department, Government, Role, User
from govtrust.directory.services import civil_servant_create, department_create, user_create
from govtrust.directory.services_mfa import mfa_required, totp_begin, totp_confirm
from govtrust.disclosure.rules.periods import Decision, minimum_class
from govtrust.disclosure.services import publications_publish_bulk
from govtrust.ledger.services import checkpoint_sign
from govtrust.records.models import (
    CourtGround,
    Domain,
    PenaltyKind,
    Record,
    RecordEvent,
    Severity,
    SourceType,
    SubjectKind,
)
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_return, record_submit
from govtrust.records.services.deadlines import on_time
from govtrust.supervision.demo import evaluation_demo, plan_tasks_demo, suggestions_demo
from govtrust.supervision.demo_inspections import inspections_demo
from govtrust.supervision.demo_training import training_demo

DEMO_UNITS = ["62", "6201", "620102", "620103", "620171", "6205", "620502", "6209", "620982"]
DEPARTMENTS = [
    "财政局",
    "自然资源局",
    "住房和城乡建设局",
    "交通运输局",
    "市场监督管理局",
    "教育局",
    "卫生健康委员会",
    "发展和改革委员会",
]
# Full names, as the plan-task loader names the departments the plan makes answerable.
PROVINCE_DEPARTMENTS = [
    "甘肃省发展和改革委员会",
    "甘肃省财政厅",
    "甘肃省自然资源厅",
    "甘肃省交通运输厅",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何罗高林"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "秀英",
    "建国",
    "志强",
    "海燕",
    "晓东",
    "文博",
    "雪梅",
    "国栋",
]
POSITIONS = ["科员", "副科长", "科长", "副局长", "局长", "主任科员"]
FACTS = {
    SourceType.JUDICIAL: (
        "拖欠工程款经法院判决后仍未履行，涉及{n}家施工企业。",
        "《中华人民共和国民法典》第五百七十七条",
    ),
    SourceType.PENALTY: (
        "未按合同约定支付中小企业货款，逾期{n}个月。",
        "《保障中小企业款项支付条例》第八条",
    ),
    SourceType.DISCIPLINE: (
        "在项目审批中违规干预，造成不良影响，涉及{n}个项目。",
        "《中国共产党纪律处分条例》",
    ),
    SourceType.ACCOUNTABILITY: (
        "对招商引资承诺未兑现负有领导责任，涉及{n}家企业。",
        "《关于实行党政领导干部问责的暂行规定》",
    ),
    SourceType.BREACH: (
        "以政府换届为由不履行招商引资协议约定的{n}项政策。",
        "《优化营商环境条例》第三十一条",
    ),
    SourceType.DEBTOR_LIST: (
        "作为被执行人有履行能力而拒不履行生效法律文书确定的义务，涉及{n}件案件。",
        "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条",
    ),
}
OUTCOMES = [
    "责令限期整改",
    "通报批评",
    "给予警告处分",
    "列入失信被执行人名单",
    "责令支付欠款及利息",
]


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role_label: str
    unit: str
    # For roles that must sign in with a second factor: the TOTP secret to add to an
    # authenticator app by hand, and recovery codes that each stand in for a code once.
    totp_secret: str = ""
    recovery_codes: tuple[str, ...] = ()


DEMO_RECOVERY_CODES = 3  # printed per account; each signs in once without an app


def _second_factor(user: User) -> tuple[str, tuple[str, ...]]:
    """Enrol a fresh TOTP second factor for a demo account whose role requires one (a second
    run replaces the first run's, like the password). Confirmed with the previous window's
    code so the app's current code signs in at once."""
    if not mfa_required(user):
        return "", ()
    User.objects.filter(pk=user.pk).update(
        totp_cipher=None, totp_confirmed_at=None, totp_last_step=None
    )
    user.refresh_from_db()
    secret = totp_begin(user=user)
    codes = totp_confirm(user=user, code=totp.code_at(secret, totp.step_at() - 1))
    return secret, tuple(codes[:DEMO_RECOVERY_CODES])


def _password() -> str:
    return f"Gt-{secrets.token_urlsafe(9)}9a"


def _uscc(rng: random.Random, division: str, category: str = "11") -> str:
    body = "".join(rng.choice("0123456789") for _ in range(8))
    return compose_uscc(category, division.ljust(6, "0")[:6], body)


def _ric(rng: random.Random) -> str:
    birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randrange(30 * 365))
    place = rng.choice(["620102", "620103", "620502", "620982", "620104"])
    stem = f"{place}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return compose_ric(stem)


def _directory(rng: random.Random) -> dict[str, Government]:
    governments = {g.division_id: g for g in Government.objects.filter(division_id__in=DEMO_UNITS)}
    for code, government in governments.items():
        if not government.uscc:
            Government.objects.filter(pk=government.pk).update(uscc=_uscc(rng, code))
            government.refresh_from_db()
        names = (
            PROVINCE_DEPARTMENTS
            if code == "62"
            else [f"{government.division.name}{d}" for d in DEPARTMENTS]
        )
        for name in names:
            department = Department.objects.filter(government=government, name=name).first()
            if department is None:
                department = department_create(
                    government=government, name=name, uscc=_uscc(rng, code), actor_name="demo"
                )
            for _ in range(rng.randint(3, 6)):
                civil_servant_create(
                    department=department,
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                    ric=_ric(rng),
                    position=rng.choice(POSITIONS),
                    actor_name="demo",
                )
    return governments


def _users(governments: dict[str, Government]) -> list[tuple[str, str, str, str | None]]:
    return [
        ("clerk", Role.CLERK, "620102", "城关区财政局"),
        ("clerk_qilihe", Role.CLERK, "620103", "七里河区住房和城乡建设局"),
        ("clerk_qinzhou", Role.CLERK, "620502", "秦州区交通运输局"),
        ("clerk_dunhuang", Role.CLERK, "620982", None),
        ("reviewer", Role.REVIEWER, "6201", None),
        ("reviewer_tianshui", Role.REVIEWER, "6205", None),
        ("reviewer_jiuquan", Role.REVIEWER, "6209", None),
        ("creditoffice", Role.CREDIT_OFFICE, "62", "甘肃省发展和改革委员会"),
        # 城关区's credit office: verifies complaints about the district's departments.
        ("creditoffice_chengguan", Role.CREDIT_OFFICE, "620102", None),
        ("inspector", Role.INSPECTOR, "62", None),
        ("inspector2", Role.INSPECTOR, "62", None),  # an inspection's second pair of eyes
        ("sysadmin", Role.SYSADMIN, "62", None),
        ("secadmin", Role.SECADMIN, "62", None),
        ("auditor", Role.AUDITOR, "62", None),
    ]


def _record_payload(rng: random.Random, clerk: User, today: datetime.date, i: int) -> RecordIn:
    source = rng.choice(list(SourceType))
    domain = rng.choice(list(Domain))
    departments = list(Department.objects.filter(division_code__startswith=clerk.scope_code))
    kind = rng.choice(
        [
            SubjectKind.GOVERNMENT,
            SubjectKind.DEPARTMENT,
            SubjectKind.CIVIL_SERVANT,
            SubjectKind.CIVIL_SERVANT,
        ]
    )
    if kind == SubjectKind.GOVERNMENT:
        name, identifier = clerk.unit.name, str(clerk.unit.uscc)
    elif kind == SubjectKind.DEPARTMENT:
        department = rng.choice(departments)
        name, identifier = department.name, str(department.uscc)
    else:
        person = rng.choice(
            list(CivilServant.objects.filter(division_code__startswith=clerk.scope_code))
        )
        name, identifier = person.name, decrypt(bytes(person.ric_cipher))
    decided = today - datetime.timedelta(days=rng.randint(20, 700))
    fact, basis = FACTS[source]
    year = decided.year
    authority = rng.choice(["人民法院", "市场监督管理局", "纪律检查委员会", "监察委员会", "财政局"])
    penalties = rng.choice(PENALTY_SETS) if source == SourceType.PENALTY else []
    fined = PenaltyKind.FINE in penalties or rng.random() < 0.6
    ground = rng.randint(1, 6) if source == SourceType.DEBTOR_LIST else None
    floor = minimum_class(Decision(source_type=source, decided=decided, penalties=tuple(penalties)))
    severity = max(rng.choice(list(Severity)), floor, key=list(Severity.values).index)
    return RecordIn(
        subject_kind=kind,
        subject_name=name,
        subject_identifier=identifier,
        source_type=source,
        domain=domain,
        decision_number=f"{clerk.unit.division.name[:2]}{authority[:2]}〔{year}〕{100 + i}号",
        decision_date=decided,
        authority_name=f"{clerk.unit.division.name}{authority}",
        authority_uscc="",
        facts=fact.format(n=rng.randint(1, 12)),
        basis=basis,
        outcome=rng.choice(OUTCOMES),
        amount=Decimal(rng.randint(5, 50000)) / Decimal(10) if fined else None,
        severity=Severity(severity),
        arose_on=decided + datetime.timedelta(days=rng.randint(0, 3)),
        penalties=penalties,
        court_ground=CourtGround(ground) if ground else None,
        extension_years=rng.choice([0, 0, 1, 2]) if ground and ground > 1 else 0,
    )


def _backdate(record: Record, rng: random.Random) -> None:
    """Move a record's clock back to when it would have been submitted and reviewed."""
    created = datetime.datetime.combine(
        record.arose_on, datetime.time(9), tzinfo=timezone.get_current_timezone()
    )
    late = rng.random() < 0.15
    lag = datetime.timedelta(days=rng.randint(12, 40) if late else rng.randint(1, 7))
    submitted = created + lag if record.submitted_at else None
    reviewed = (
        submitted + datetime.timedelta(days=rng.randint(1, 5))
        if submitted and record.reviewed_at
        else None
    )
    fields: dict[str, object] = {"created_at": created}
    if submitted:
        fields |= {
            "submitted_at": submitted,
            "first_submitted_at": submitted,
            "on_time": on_time(submitted.date(), record.due_date),
        }
    if reviewed:
        fields["reviewed_at"] = reviewed
    Record.objects.filter(pk=record.pk).update(**fields)
    for event in record.events.all():
        moment = {
            "create": created,
            "submit": submitted,
            "accept": reviewed,
            "return": reviewed,
        }.get(event.action)
        if moment:
            RecordEvent.objects.filter(pk=event.pk).update(at=moment)


def demo_load(
    *, progress: Callable[[str], None] = lambda _m: None, records: int = 320
) -> list[Login]:
    """Load the demo data once (a second run only renews the passwords) and return the logins."""
    rng = random.Random(20170628)  # the plan's date: the same demo every time
    with transaction.atomic():
        first_run = not User.objects.filter(username="clerk").exists()
        if first_run:
            progress("正在生成演示机构与人员……")
            governments = _directory(rng)
        else:
            governments = {
                g.division_id: g for g in Government.objects.filter(division_id__in=DEMO_UNITS)
            }
        logins = []
        for username, role, unit_code, department_name in _users(governments):
            unit = governments[unit_code]
            department = (
                Department.objects.get(government=unit, name=department_name)
                if department_name
                else None
            )
            password = _password()
            user = User.objects.filter(username=username).first()
            if user is None:
                user = user_create(
                    username=username,
                    role=role,
                    unit=unit,
                    department=department,
                    password=password,
                    real_name=_real_name(rng),
                    actor_name="demo",
                )
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            secret, codes = _second_factor(user)
            logins.append(
                Login(username, password, Role(role).label, user.unit_label, secret, codes)
            )
    if first_run:
        _records(rng, records, progress)
        _publish(progress)
        cases_demo(progress, DEMO_UNITS)
        promises_demo(progress)
        notices_demo(progress)
        plan_tasks_demo(progress)
    inspections_demo(progress)  # idempotent: also added to a demo loaded before it existed
    training_demo(progress)  # idempotent: also adds the training to an earlier demo
    suggestions_demo(progress)  # idempotent: each adds its data once
    evaluation_demo(progress)
    assessment_demo(progress)  # idempotent: publishes the demo years' assessment once
    return logins


def _publish(progress: Callable[[str], None]) -> None:
    """The credit office publishes the accepted records still within their period."""
    office = User.objects.get(username="creditoffice")
    accepted = Record.objects.filter(status="accepted").order_by("decision_date", "id")
    outcome = publications_publish_bulk(
        record_ids=list(accepted.values_list("pk", flat=True)), actor=office
    )
    checkpoint_sign()
    progress(
        f"已公示 {len(outcome.published)} 条（{len(outcome.refused)} 条不予公示："
        "轻微、纪律处分与问责仅内部使用，或公示期已满）"
    )


def _real_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _records(rng: random.Random, total: int, progress: Callable[[str], None]) -> None:
    clerks = list(
        User.objects.filter(role=Role.CLERK).select_related("unit", "unit__division", "department")
    )
    reviewers = {u.scope_code: u for u in User.objects.filter(role=Role.REVIEWER)}
    today = timezone.localdate()
    specials = special_cases(clerks[0], today)
    for i in range(total - len(specials)):
        clerk = clerks[i % len(clerks)]
        reviewer = next(r for code, r in reviewers.items() if clerk.scope_code.startswith(code))
        with transaction.atomic():
            record = record_create(data=_record_payload(rng, clerk, today, i), actor=clerk)
            roll = rng.random()
            if roll > 0.08:
                record = record_submit(record=record, actor=clerk)
                if roll > 0.3:
                    record = record_accept(record=record, actor=reviewer)
                elif roll > 0.2:
                    record = record_return(
                        record=record,
                        actor=reviewer,
                        reason=rng.choice(
                            [
                                "文书号与决定书不一致，请核对",
                                "失信事实描述不完整，请补充涉及金额",
                                "严重程度认定依据不足",
                            ]
                        ),
                    )
            _backdate(record, rng)
        if (i + 1) % 40 == 0:
            progress(f"演示失信记录 {i + 1}/{total}")
    clerk = clerks[0]
    reviewer = next(r for code, r in reviewers.items() if clerk.scope_code.startswith(code))
    for data in specials:
        with transaction.atomic():
            record = record_submit(record=record_create(data=data, actor=clerk), actor=clerk)
            _backdate(record_accept(record=record, actor=reviewer), rng)
    progress("演示：简易程序警告、失信被执行人各情形、2022年（527号）记录")
