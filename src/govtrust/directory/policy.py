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
from govtrust.directory.models import Department, Division, Government, Role, User

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
    # Inspections (专项督导): a credit office plans one of the governments directly below its
    # own (inspection_targets); its team's inspectors record, confirm and close findings
    # (inspections_in_reach); the inspected government answers (answerable_q).
    "inspections.plan": _can(Role.CREDIT_OFFICE, refusal="专项督导由信用主管部门组织"),
    "inspections.inspect": _can(Role.INSPECTOR, refusal="由督导组的督查员办理"),
    "inspections.answer": _can(
        Role.CLERK, Role.REVIEWER, Role.CREDIT_OFFICE, refusal="由被督导单位答复整改情况"
    ),
    # Integrity training (诚信教育): a unit's staff register the courses and sessions it holds and
    # the attendance of the civil servants in reach; the catalogue and figures are read in reach.
    "training.manage": _can(
        Role.CLERK,
        Role.REVIEWER,
        Role.CREDIT_OFFICE,
        refusal="由组织培训的单位登记培训和参训情况",
    ),
    # Third-party evaluation: a credit office registers evaluators and commissions and uploads
    # the evaluator's scores; business roles read them in reach (OWNERS).
    "evaluations.manage": _can(
        Role.CREDIT_OFFICE, refusal="第三方评估由信用主管部门登记评估机构和上传评估结果"
    ),
    # Complaints that a government or department broke a promise to a firm (发改财金〔2023〕1103号
    # 二（二）): the body above the accused unit verifies (its credit office, promise_verifier);
    # the accused unit itself answers (promise_accused).
    "promises.verify": _can(
        Role.CREDIT_OFFICE, refusal="由被投诉单位的上级机关（其信用主管部门）核实认定"
    ),
    "promises.answer": _can(
        Role.CLERK, Role.REVIEWER, Role.CREDIT_OFFICE, refusal="由被投诉单位答复和整改"
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
    # reach (a unit its own); the full snapshot (every unit's inputs, peers' included) the
    # provincial office and the provincial inspectors only (a county's office reads its own).
    "assessment.run": _can(
        Role.CREDIT_OFFICE, refusal="年度考评由省级信用主管部门运行", provincial=True
    ),
    "assessment.approve": _can(
        Role.CREDIT_OFFICE, refusal="考评结果由省级信用主管部门审核和公布", provincial=True
    ),
    "assessment.object": _can(
        Role.CLERK, Role.REVIEWER, Role.CREDIT_OFFICE, refusal="由被考评单位提出考评结果异议"
    ),
    "assessment.enter": _can(
        Role.INSPECTOR, Role.CREDIT_OFFICE, refusal="考评录入指标由督查员或信用主管部门录入"
    ),
    "assessment.snapshot": _can(
        Role.CREDIT_OFFICE,
        Role.INSPECTOR,
        refusal="考评输入快照由省级信用主管部门或省级督查员查看",
        provincial=True,
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
    return covers_code(user.scope_code, division_code)


def covers_code(code: str, division_code: str) -> bool:
    """Whether a division lies within the reach of the government of division `code`."""
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
    # An inspection belongs to its organiser; a finding to the inspected government (and the
    # department named answerable for it); a reminder of a finding to the same unit.
    "supervision.inspection": Owner("division_code", None),
    "supervision.finding": Owner("division_code", "department_id"),
    "supervision.findingreminder": Owner("division_code", "finding__department_id"),
    # Integrity training: courses and sessions belong to their organiser; an attendance to the
    # civil servant's unit (copied when registered); an attendance list to the unit that sent it.
    "supervision.trainingcourse": Owner("division_code", "department_id"),
    "supervision.trainingsession": Owner("division_code", "department_id"),
    "supervision.trainingattendance": Owner("division_code", "department_id"),
    "supervision.trainingimport": Owner("division_code", "department_id"),
    # Third-party evaluation: the commissioning credit office's division; no department owns it
    # (a department's own staff do not read the evaluators' files).
    "supervision.evaluator": Owner("division_code", None),
    "supervision.evaluationcommission": Owner("division_code", None),
    "supervision.scoresheet": Owner("commission__division_code", None),
    # The assessed unit: a government's staff read their own and those below; a department's
    # account its department's.
    "assessment.result": Owner("division_code", "department_id"),
    "assessment.enteredvalue": Owner("division_code", "department_id"),
    "assessment.objection": Owner("division_code", "department_id"),
}

# Who an assessment score may be entered as (assessment engine.ENTERERS): inspectors their
# findings; the credit office its own and, on their behalf, the third-party evaluators'.
ENTERS_AS: dict[str, frozenset[str]] = {
    Role.INSPECTOR: frozenset({"inspector"}),
    Role.CREDIT_OFFICE: frozenset({"office", "evaluator", "inspector"}),
}


def may_enter_as(user: User, enterer: str) -> bool:
    return permits(user, "assessment.enter") and enterer in ENTERS_AS.get(user.role, frozenset())


def require_not_self_assessed(user: User, division_code: str, department_id: int | None) -> None:
    """No one enters the score of the government it is assessed as (a conflict of interest): a
    county's credit office or inspectors may not score that county's government; the office
    above may (考评由上级组织)."""
    if department_id is None and division_code == user.scope_code:
        raise Forbidden("不能为本级政府录入考评得分，应由上级信用主管部门或督查员录入")


def assessed_unit(user: User, division_code: str, department_id: int | None) -> bool:
    """The unit an assessment result is about, which may object to it: a department's own clerks
    and reviewers; a government's staff who act for the whole government. Never another unit."""
    if not permits(user, "assessment.object") or user.unit.division_id != division_code:
        return False
    own = _department(user)
    return own == department_id


def _owner(model: type[Model]) -> Owner:
    return OWNERS[model._meta.label_lower]


def _department(user: User) -> int | None:
    """The department a user is bound to, if any (DEPARTMENT_BOUND)."""
    return user.department_id if user.role in DEPARTMENT_BOUND else None


def within(qs: QuerySet[M], user: User) -> QuerySet[M]:
    """The objects of `qs` the user reaches: the division subtree, narrowed to the user's
    department for a department's account; the administrators reach none (403)."""
    require(user, "business.read")
    return qs.filter(_reach_q(qs.model, user))


def _reach_q(model: type[Model], user: User) -> Q:
    owner = _owner(model)
    wanted = division_q(user, owner.division)
    own = _department(user)
    if own is not None:
        wanted &= Q(**{owner.department: own}) if owner.department else Q(pk__in=[])
    return wanted


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


def cases_in_reach(
    cases: QuerySet[M], user: User, *, objection: str, promise: str = "promise"
) -> QuerySet[M]:
    """The remedy cases (objections, repairs, reports, broken-promise complaints) a case handler
    may read, from all of `cases`: the credit office every case in its scope (a complaint's
    scope is the verifying body's division); a reporting unit the objections (kind `objection`)
    to its own records, which it verifies; an accused unit the complaints (kind `promise`)
    against itself, which it answers; anyone else is refused."""
    require(user, "cases.handle")
    accused = Q(kind=promise) & promise_accused_q(
        user, government="target_government_id", department="target_department_id"
    )
    if permits(user, "cases.office"):
        return cases.filter(_reach_q(cases.model, user) | accused)
    return cases.filter(
        (
            reporting_unit_q(
                user,
                government="record__reporting_government_id",
                department="record__reporting_department_id",
            )
            & Q(kind=objection)
        )
        | accused
    )


def promise_verifier(user: User, verifier_government_id: int) -> bool:
    """The body above the accused unit, which verifies a broken-promise complaint and decides
    (发改财金〔2023〕1103号 二（二）“转交至被投诉主体的上级部门或主管部门开展核实认定”): the
    credit office of that government, not of another government, however high."""
    return permits(user, "promises.verify") and user.unit_id == verifier_government_id


def promise_accused(user: User, government_id: int | None, department_id: int | None) -> bool:
    """The accused unit, which answers the complaint (rectifies or declines): a department's own
    clerks and reviewers; a government's staff who act for the whole government (its credit
    office, and clerks and reviewers bound to no department). Never another unit."""
    if not permits(user, "promises.answer") or user.unit_id != government_id:
        return False
    own = _department(user)
    if department_id is None:
        return own is None
    return own == department_id


def promise_accused_q(user: User, *, government: str, department: str) -> Q:
    """`promise_accused` as a filter over the paths to the accused government and department."""
    if not permits(user, "promises.answer"):
        return Q(pk__in=[])
    own = _department(user)
    wanted = Q(**{government: user.unit_id})
    if own is None:
        return wanted & Q(**{f"{department}__isnull": True})
    return wanted & Q(**{department: own})


def promise_accused_accounts(government_id: int | None, department_id: int | None) -> list[User]:
    """`promise_accused` over accounts: those told that a complaint awaits the accused unit."""
    return [
        u
        for u in User.objects.filter(unit_id=government_id)
        if promise_accused(u, government_id, department_id)
    ]


def promise_verifier_accounts(verifier_government_id: int) -> list[User]:
    """`promise_verifier` over accounts: those told that a complaint awaits the body above."""
    return [
        u
        for u in User.objects.filter(unit_id=verifier_government_id)
        if promise_verifier(u, verifier_government_id)
    ]


def promise_verifying_body(division_code: str, department: bool) -> str | None:
    """The division of the body above an accused unit: a department answers to its own
    government; a government to the government above it (兰州新区 to the province, ANSWERS_TO).
    None for the provincial government, whose superior is outside the platform."""
    if department:
        return division_code
    above = supervisor(division_code)
    return None if above == division_code else above


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


# ---- named rules the older modules asked for themselves ----------------------------------


def drafts_hidden(records: QuerySet[M], user: User, *, draft: str) -> QuerySet[M]:
    """Drafts (status `draft`) are their filers' unfinished work: those who file records read
    the drafts within their reach (`within`); anyone else only a draft of their own making."""
    if permits(user, "records.file"):
        return records
    return records.filter(~Q(status=draft) | Q(created_by=user))


def reveals(user: User, government_id: int, department_id: int | None) -> bool:
    """Whether the user may read the full citizen IDs in what this unit reported (a record, an
    upload's error report): the reporting unit's own clerks and reviewers alone (PIPL art. 51)."""
    return permits(user, "records.reveal") and is_reporting_unit(user, government_id, department_id)


def cases_counted(cases: QuerySet[M], user: User, *, objection: str) -> QuerySet[M]:
    """The remedy cases a user's figures count: every case in reach for those who watch units'
    performance (figures.read) and act for a whole government; for anyone else the cases they
    handle (`cases_in_reach`), so a department's reviewer counts what its queue lists (the
    objections to its department's records), not nothing: no case's office is a department."""
    if permits(user, "figures.read") and _department(user) is None:
        return within(cases, user)
    return cases_in_reach(cases, user, objection=objection)


def report_division(actor: User, subject_division: str, *, public: bool) -> str:
    """The division a credit report is filed under, which decides who reads it (OWNERS:
    documents.document). The internal version lists the records its issuer reaches, so it is
    filed under the issuer's division: only those who reach that reach every record it names (a
    report issued by the province must not be read at the subject's county). The public version
    holds only what the portal shows and stays with the subject."""
    return subject_division if public else actor.scope_code


# ---- who is told: the accounts an object reaches -----------------------------------------


def _acts_for(department_id: int | None) -> Q:
    """Accounts acting for an object owned by this department (None: by no department): those
    not bound to a department, and a department's clerks and reviewers only for their own."""
    bound = Q(role__in=DEPARTMENT_BOUND) & Q(department__isnull=False)
    return ~bound | Q(department_id=department_id) if department_id is not None else ~bound


def accounts_reaching(obj: Model, capability: str) -> QuerySet[User]:
    """`reaches` over accounts: those holding `capability` that reach `obj` (reminders name it
    to them). The governments of its division's lineage, so 兰州新区's objects are told to the
    province and not to 兰州市; a department's clerks and reviewers for their department's."""
    owner = _owner(type(obj))
    department = _value(obj, owner.department) if owner.department else None
    governments = lineage(_value(obj, owner.division))
    return User.objects.filter(
        _acts_for(department),
        role__in=roles_for(capability),
        unit__division_id__in=governments,
    )


def reporting_unit_accounts(
    government_id: int, department_id: int | None, capability: str
) -> QuerySet[User]:
    """`is_reporting_unit` over accounts: those holding `capability` in the unit that reported
    (told of its own duties: a record's deadline, an objection to verify)."""
    return User.objects.filter(
        _acts_for(department_id), role__in=roles_for(capability), unit_id=government_id
    )


# ---- inspections (专项督导) -----------------------------------------------------------------


def inspection_targets(user: User) -> QuerySet[Government]:
    """The governments a credit office may inspect: those directly below its own (the province:
    the 市州 governments and 兰州新区; a 市州: its counties); none for anyone else."""
    if not permits(user, "inspections.plan") or _department(user) is not None:
        return Government.objects.none()
    below = [
        code
        for code in within(Government.objects.all(), user).values_list("division_id", flat=True)
        if code != user.scope_code and supervisor(code) == user.scope_code
    ]
    return Government.objects.filter(division_id__in=below).order_by("division_id")


def inspectors_for(user: User) -> QuerySet[User]:
    """The inspectors a credit office may put on its inspection's team: its own government's."""
    if not permits(user, "inspections.plan"):
        return User.objects.none()
    return User.objects.filter(role=Role.INSPECTOR, unit_id=user.unit_id, is_active=True)


def inspections_in_reach(qs: QuerySet[M], user: User) -> QuerySet[M]:
    """The inspections a user reads: an inspector those whose team it is on, nothing else; any
    other business user those its government organised within reach, and those inspecting a
    government in its reach (a department's account: none, it reads its findings)."""
    require(user, "business.read")
    if user.role == Role.INSPECTOR:
        return qs.filter(division_q(user), members__user=user)
    if _department(user) is not None:
        return qs.none()
    return qs.filter(division_q(user) | Q(targets__in=_targets_reached(user))).distinct()


def inspections_inspecting(qs: QuerySet[M], code: str) -> QuerySet[M]:
    """The inspections of `qs` that inspect the government of division `code` or one it
    governs: the inspections list's unit filter (the inspected unit, not the organiser). It
    narrows a list already within the user's reach, never widens it."""
    from govtrust.supervision.models import InspectionTarget

    targets = InspectionTarget.objects.filter(_governed_q("division_code", code))
    return qs.filter(pk__in=targets.values("inspection_id"))


def _targets_reached(user: User) -> Any:
    from govtrust.supervision.models import InspectionTarget

    return InspectionTarget.objects.filter(division_q(user)).values("pk")


def findings_in_reach(qs: QuerySet[M], user: User) -> QuerySet[M]:
    """The findings a user reads: an inspector those of its team's inspections; the inspected
    unit and those above it the findings about it (`within`); the organiser those it recorded."""
    require(user, "business.read")
    if user.role == Role.INSPECTOR:
        return qs.filter(
            division_q(user, "inspection__division_code"), inspection__members__user=user
        )
    if _department(user) is not None:
        return within(qs, user)
    return qs.filter(division_q(user) | division_q(user, "inspection__division_code"))


def inspection_acting(user: User, inspection: Model) -> bool:
    """Whether a user acts on this inspection as its team: an inspector on it."""
    return (
        permits(user, "inspections.inspect")
        and inspections_in_reach(type(inspection)._default_manager.all(), user)
        .filter(pk=inspection.pk)
        .exists()
    )


def inspection_organising(user: User, inspection: Model) -> bool:
    """Whether a user acts on this inspection as its organiser: the credit office of the
    government that planned it."""
    return (
        permits(user, "inspections.plan") and _value(inspection, "division_code") == user.scope_code
    )
