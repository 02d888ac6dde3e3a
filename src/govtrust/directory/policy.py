"""The access policy: who may do what, and to which business objects.

Every selector and service asks here, and nothing else compares division codes, units,
departments or roles to decide access. Two questions, each answered once:

1. Capability: may this role do this kind of thing at all? `CAPABILITIES` is the table. The
   three administrators (系统管理员, 安全管理员, 审计管理员) hold no business capability:
   等保 2.0 8.1.4.2 asks for separation of duties, so none of them reads records, cases,
   measures, documents or screenings by any page or API.
2. Reach: is this object within the user's data scope? A user reaches the division of its own
   government and everything below it (codes nest by prefix: 62 > 6201 > 620102 > 620102001),
   except a subtree whose government answers to a body above its code's prefix: 兰州新区
   (statistical code 620171, under 兰州市's 6201) is addressed by the plan beside the prefecture
   governments ("各市、自治州人民政府,兰州新区管委会") and is inspected by the province (三(一)1),
   so 兰州市's staff do not reach it and the province does. A department's account reaches only
   what that department owns (its records, their measures and cases, its uploads, the documents
   and screenings it issued).

Outside its reach an object is reported as not found (404), never as forbidden: its existence
is not disclosed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from govtrust.core.errors import Forbidden, NotFound
from govtrust.core.prefix import prefix_range
from govtrust.directory.models import Department, Division, Role, User

M = TypeVar("M", bound=Model)

PROVINCE = "62"

# Divisions whose government answers to a body other than the one its code's prefix names.
ANSWERS_TO: dict[str, str] = {"620171": PROVINCE}  # 兰州新区管委会 -> 甘肃省人民政府

BUSINESS = frozenset({Role.CLERK, Role.REVIEWER, Role.CREDIT_OFFICE, Role.INSPECTOR})
# A department's clerks and reviewers act for that department only. The credit office and the
# inspectors act for their whole government by duty, whichever department hosts their accounts.
DEPARTMENT_BOUND = frozenset({Role.CLERK, Role.REVIEWER})


@dataclass(frozen=True)
class Capability:
    roles: frozenset[str]
    refusal: str  # the Chinese message a refused user reads
    provincial: bool = False  # only staff of the provincial government (62)


def _can(*roles: str, refusal: str, provincial: bool = False) -> Capability:
    return Capability(frozenset(roles), refusal, provincial)


_STAFF = "管理员角色不能查看业务数据"
CAPABILITIES: dict[str, Capability] = {
    # Business data: read in scope by every business role.
    "business.read": _can(*BUSINESS, refusal=_STAFF),
    "records.file": _can(Role.CLERK, refusal="由填报员填报失信记录"),
    "records.review": _can(Role.REVIEWER, Role.CREDIT_OFFICE, refusal="由审核员审核"),
    # The full citizen ID: only the reporting unit's own clerks and reviewers (PIPL art. 51).
    "records.reveal": _can(
        Role.CLERK, Role.REVIEWER, refusal="只有报送单位的填报员、审核员可以查看完整身份证号码"
    ),
    "figures.read": _can(
        Role.REVIEWER,
        Role.CREDIT_OFFICE,
        Role.INSPECTOR,
        refusal="由审核员、信用主管部门或督查员查看",
    ),
    "records.publish": _can(Role.CREDIT_OFFICE, refusal="只有信用办可以公示或撤下记录"),
    "cases.handle": _can(
        Role.CREDIT_OFFICE, Role.CLERK, Role.REVIEWER, refusal="由信用主管部门或报送单位办理"
    ),
    "cases.office": _can(Role.CREDIT_OFFICE, refusal="由信用主管部门办理"),
    # The reporting unit's own answers: explanations, rectification, verifying objections.
    "unit.respond": _can(Role.CLERK, Role.REVIEWER, refusal="由报送该记录的单位办理"),
    "measures.verify": _can(Role.CREDIT_OFFICE, refusal="由信用主管部门核验整改"),
    "corrections.record": _can(
        Role.CLERK, Role.REVIEWER, Role.CREDIT_OFFICE, refusal="由报送单位或信用主管部门记录"
    ),
    "screening.run": _can(
        Role.CLERK,
        Role.REVIEWER,
        Role.CREDIT_OFFICE,
        refusal="由业务人员、审核员或信用主管部门发起审查",
    ),
    "screening.judge": _can(
        Role.REVIEWER, Role.CREDIT_OFFICE, refusal="由审核员或信用主管部门复核"
    ),
    "documents.issue": _can(*BUSINESS, refusal=_STAFF),
    "notices.publish": _can(Role.CREDIT_OFFICE, refusal="通报批评由信用主管部门发布"),
    # The plan's own tasks (督办): answerable units report, the provincial credit office
    # verifies and assigns; reviewers, credit offices and inspectors read the matrix in reach.
    "plan_tasks.report": _can(
        Role.CLERK, Role.REVIEWER, Role.CREDIT_OFFICE, refusal="由负责该任务的单位报告进展"
    ),
    "plan_tasks.verify": _can(
        Role.CREDIT_OFFICE, refusal="任务进展由省级信用主管部门核实", provincial=True
    ),
    # Deputies' suggestions and CPPCC proposals: the credit office registers, reassigns and
    # records the proposer's view; the assigned unit hands back or replies (answerable_q).
    "suggestions.manage": _can(Role.CREDIT_OFFICE, refusal="建议提案由信用主管部门登记和督办"),
    "suggestions.answer": _can(
        Role.CLERK, Role.REVIEWER, Role.CREDIT_OFFICE, refusal="由承办单位答复建议提案"
    ),
    # Province-wide rules: the provincial credit office alone revises them.
    "rules.revise": _can(
        Role.CREDIT_OFFICE, refusal="措施规则由省级信用主管部门修订", provincial=True
    ),
    "publication_rules.revise": _can(
        Role.CREDIT_OFFICE, refusal="公示规则版本由省级信用主管部门增补和审核", provincial=True
    ),
    "redaction.edit": _can(
        Role.CREDIT_OFFICE, refusal="脱敏规则由省级信用主管部门修订", provincial=True
    ),
    # The annual assessment (plan 三(二)4): the provincial credit office runs it; inspectors and
    # the office enter the scores of entered indicators; every business role reads results in
    # reach (a unit its own); the full snapshot (every unit's inputs) the office and inspectors.
    "assessment.run": _can(
        Role.CREDIT_OFFICE, refusal="年度考评由省级信用主管部门运行", provincial=True
    ),
    "assessment.enter": _can(
        Role.INSPECTOR, Role.CREDIT_OFFICE, refusal="考评录入指标由督查员或信用主管部门录入"
    ),
    "assessment.snapshot": _can(
        Role.CREDIT_OFFICE, Role.INSPECTOR, refusal="考评输入快照由信用主管部门或督查员查看"
    ),
    # The three administrators' own duties, disjoint.
    "accounts.manage": _can(Role.SECADMIN, refusal="只有安全管理员可以管理账号"),
    "audit.read": _can(Role.AUDITOR, refusal="由审计管理员查阅审计日志"),
    "system.manage": _can(Role.SYSADMIN, refusal="由系统管理员管理系统设置"),
}


def permits(user: User, capability: str) -> bool:
    """May this user's role do this kind of thing (before any object is looked at)?"""
    rule = CAPABILITIES[capability]
    if user.role not in rule.roles:
        return False
    return not rule.provincial or user.scope_code == PROVINCE


def require(user: User, capability: str) -> None:
    """Raise Forbidden (403) with the capability's message when the role may not."""
    if not permits(user, capability):
        raise Forbidden(CAPABILITIES[capability].refusal)


# 三员分立: the three administrators are appointed at set-up with the command line, never by one
# another. The security administrator manages business accounts only, so no administrator can
# make a second security administrator or auditor, or take over (reset, disable, re-role) the
# account of the one who audits them.
ADMINISTRATORS = frozenset({Role.SECADMIN, Role.SYSADMIN, Role.AUDITOR})


def require_account_management(actor: User, *roles: str) -> None:
    """The actor may manage an account holding (or given) these roles."""
    require(actor, "accounts.manage")
    if any(role in ADMINISTRATORS for role in roles):
        raise Forbidden(
            "系统管理员、安全管理员、审计管理员的账号只能在部署时用命令行设置，不能在后台创建或修改"
        )


# The API serves business data and tools; of its staff operations the administrators (who hold
# no business capability) may only ask who they are. Refused at authentication, before any
# body is read, so every other operation answers them 403 alike.
ADMINISTRATOR_API = frozenset({"/api/v1/me"})


def api_admits(user: User, path: str) -> bool:
    return path in ADMINISTRATOR_API or permits(user, "business.read")


def capabilities_of(user: object) -> frozenset[str]:
    """Every capability a user holds: what the pages' menus and buttons show."""
    if not isinstance(user, User):
        return frozenset()
    return frozenset(name for name in CAPABILITIES if permits(user, name))


def roles_for(capability: str) -> frozenset[str]:
    """The roles holding a capability: what lifecycle tables (core/lifecycle.Transition) name,
    so a transition's roles and the policy cannot drift apart."""
    return CAPABILITIES[capability].roles


# ---- reach -------------------------------------------------------------------------------


def supervisor(code: str) -> str:
    """The division whose government is above this one's: 620102001 -> 620102 -> 6201 -> 62,
    and 620171 (兰州新区) -> 62."""
    if code in ANSWERS_TO:
        return ANSWERS_TO[code]
    if len(code) > 6:
        return code[:6]
    return code[:-2] if len(code) > 2 else code


def lineage(code: str) -> list[str]:
    """The division and every division above it, top first: 620102 -> [62, 6201, 620102];
    620171 (兰州新区) -> [62, 620171]. Judgements made in any of them apply in `code`."""
    chain = [code]
    while chain[-1] != supervisor(chain[-1]):
        chain.append(supervisor(chain[-1]))
    return chain[::-1]


def prefecture_of(code: str) -> str:
    """The prefecture-level unit a division belongs to, as the portal groups it: 620102 ->
    6201, 620171001 -> 620171 (兰州新区, not 兰州市); "" for the province itself."""
    chain = lineage(code)
    return chain[1] if len(chain) > 1 else ""


def county_of(code: str) -> str:
    """The county-level unit a division belongs to: 620102001 -> 620102; "" above county level
    and under 兰州新区, which has none."""
    chain = lineage(code)
    return chain[2] if len(chain) > 2 and len(chain[2]) == 6 else ""


def _detached(code: str) -> list[str]:
    """Subtrees under `code`'s prefix that answer to a body outside it."""
    return [
        root
        for root, above in ANSWERS_TO.items()
        if root.startswith(code) and root != code and not above.startswith(code)
    ]


def covers(user: User, division_code: str) -> bool:
    """Whether a division lies within the user's government's reach (departments aside)."""
    code = user.scope_code
    if not division_code.startswith(code):
        return False
    return not any(division_code.startswith(root) for root in _detached(code))


def division_q(user: User, field: str = "division_code") -> Q:
    """The reach as a filter: one indexed prefix range (and the detached subtrees left out)."""
    return _governed_q(field, user.scope_code)


def _governed_q(field: str, code: str) -> Q:
    """A division and what its government governs below it, as a filter."""
    wanted = _subtree(field, code)
    for root in _detached(code):
        wanted &= ~_subtree(field, root)
    return wanted


def under(qs: QuerySet[M], code: str) -> QuerySet[M]:
    """The objects of `qs` owned by the division `code` or by one its government governs: the
    unit a list is filtered by. It narrows a list already within the user's reach (`within`),
    never widens it."""
    return qs.filter(_governed_q(_owner(qs.model).division, code))


# The deepest level a list's unit filter offers below a user's own division: a county's staff
# choose among their towns; the province's and a prefecture's down to counties.
_UNIT_LEVELS = ("province", "prefecture", "county")


def units_in_reach(user: User) -> QuerySet[Division]:
    """The divisions a list may be filtered by: the user's own and those below it within reach,
    down to counties (and a county's towns for a county's staff); none for a department's
    account, whose lists hold its department's rows only."""
    if _department(user) is not None:  # a department's account reaches its own rows only
        return Division.objects.none()
    levels = [*_UNIT_LEVELS, "township"] if len(user.scope_code) >= 6 else list(_UNIT_LEVELS)
    return Division.objects.filter(division_q(user, "code"), level__in=levels).order_by("code")


def _subtree(field: str, code: str) -> Q:
    """Codes starting with `code`, as an indexed range (core/prefix.py)."""
    low, high = prefix_range(code)
    return Q(**{f"{field}__gte": low, f"{field}__lt": high})


@dataclass(frozen=True)
class Owner:
    division: str  # the field holding the owning division's code
    department: str | None  # the path to the owning department's id; None: no department owns it


# Who owns each kind of business object, by model: the one table the reach is computed from.
OWNERS: dict[str, Owner] = {
    "records.record": Owner("division_code", "reporting_department_id"),
    "records.importbatch": Owner("division_code", "department_id"),
    "records.reminder": Owner("division_code", "department_id"),
    "remedies.case": Owner("division_code", None),  # the handling office's division
    "measures.measure": Owner("division_code", "record__reporting_department_id"),
    "screening.screening": Owner("division_code", "created_by__department_id"),
    # A document is read where its division is reached; a department's staff read what their
    # department issued.
    "documents.document": Owner("division_code", "issued_by__department_id"),
    # Subjects of credit reports: a department's staff reach their department and its people.
    "directory.government": Owner("division_id", None),
    "directory.department": Owner("division_code", "id"),
    "directory.civilservant": Owner("division_code", "department_id"),
    # The plan's tasks: the answerable government or department (a group the plan names without
    # listing it belongs to the province until its departments are assigned).
    "supervision.plantaskunit": Owner("division_code", "department_id"),
    "supervision.progressreport": Owner("task_unit__division_code", "task_unit__department_id"),
    "supervision.suggestion": Owner("division_code", "department_id"),  # the handling unit
    # The assessed unit: a government's staff read their own and those below; a department's
    # account its department's.
    "assessment.result": Owner("division_code", "department_id"),
    "assessment.enteredvalue": Owner("division_code", "department_id"),
}

# Who an assessment score may be entered as (assessment engine.ENTERERS): inspectors their
# findings; the credit office its own and, on their behalf, the third-party evaluators'.
ENTERS_AS: dict[str, frozenset[str]] = {
    Role.INSPECTOR: frozenset({"inspector"}),
    Role.CREDIT_OFFICE: frozenset({"office", "evaluator", "inspector"}),
}


def may_enter_as(user: User, enterer: str) -> bool:
    return permits(user, "assessment.enter") and enterer in ENTERS_AS.get(user.role, frozenset())


def _owner(model: type[Model]) -> Owner:
    return OWNERS[model._meta.label_lower]


def _department(user: User) -> int | None:
    """The department a user is bound to, if any (DEPARTMENT_BOUND)."""
    return user.department_id if user.role in DEPARTMENT_BOUND else None


def within(qs: QuerySet[M], user: User) -> QuerySet[M]:
    """The objects of `qs` the user reaches: the division subtree, narrowed to the user's
    department for a department's account; the administrators reach none (403)."""
    require(user, "business.read")
    owner = _owner(qs.model)
    wanted = division_q(user, owner.division)
    own = _department(user)
    if own is not None:
        wanted &= Q(**{owner.department: own}) if owner.department else Q(pk__in=[])
    return qs.filter(wanted)


def _value(obj: Model, path: str) -> Any:
    for name in path.split("__"):
        obj = getattr(obj, name)
    return obj


def reaches(user: User, obj: Model) -> bool:
    """One object's reach, by its owner (OWNERS)."""
    owner = _owner(type(obj))
    if not covers(user, _value(obj, owner.division)):
        return False
    own = _department(user)
    return own is None or (owner.department is not None and own == _value(obj, owner.department))


def require_reach(user: User, obj: Model) -> None:
    """Raise NotFound (404) for an object outside reach: its existence is not disclosed."""
    require(user, "business.read")
    if not reaches(user, obj):
        raise NotFound()


def is_reporting_unit(user: User, government_id: int, department_id: int | None) -> bool:
    """The unit that reported a record: its own government's staff (all of the government's
    when it has no department, the department's when it does). It alone explains, rectifies,
    verifies objections to and sees the full identifiers of its records."""
    if user.unit_id != government_id:
        return False
    own = _department(user)
    return own is None or own == department_id


def reporting_unit_q(user: User, *, government: str, department: str) -> Q:
    """`is_reporting_unit` as a filter, over the paths to an object's reporting government and
    department (objections to a unit's own records)."""
    wanted = Q(**{government: user.unit_id})
    own = _department(user)
    return wanted & Q(**{department: own}) if own is not None else wanted


def cases_in_reach(cases: QuerySet[M], user: User, *, objection: str) -> QuerySet[M]:
    """The remedy cases (objections, repairs, reports) a case handler may read, from all of
    `cases`: the credit office every case in its scope; a reporting unit the objections (kind
    `objection`) to its own records, which it verifies; anyone else is refused."""
    require(user, "cases.handle")
    if permits(user, "cases.office"):
        return within(cases, user)
    return cases.filter(
        reporting_unit_q(
            user,
            government="record__reporting_government_id",
            department="record__reporting_department_id",
        ),
        kind=objection,
    )


def answerable_q(user: User, *, division: str, department: str) -> Q:
    """The duties a user answers for in person (a plan task's progress): a government's, for
    its staff who act for the whole government (not bound to a department); a department's,
    for that department's own staff."""
    own_government = Q(**{division: user.scope_code})
    wanted = Q(pk__in=[])
    if _department(user) is None:
        wanted |= own_government & Q(**{f"{department}__isnull": True})
    if user.department_id is not None:
        wanted |= own_government & Q(**{department: user.department_id})
    return wanted


def provincial_departments(user: User) -> QuerySet[Department]:
    """The provincial government's departments within the user's reach: those the provincial
    credit office may name for a group the plan lists only as a group (省直各部门, 有关部门)."""
    return within(Department.objects.all(), user).filter(division_code=PROVINCE)


def addressed_to(qs: QuerySet[M], user: User) -> QuerySet[M]:
    """What is addressed to the user's own unit (reminders, escalations): its government
    exactly, not those below it, and for a department's account that department's only."""
    require(user, "business.read")
    owner = _owner(qs.model)
    wanted = Q(**{owner.division: user.scope_code})
    own = _department(user)
    if own is not None:
        wanted &= Q(**{owner.department: own}) if owner.department else Q(pk__in=[])
    return qs.filter(wanted)
