"""The one schema that validates a record however it arrives: API body, back-office form, or a row
of an imported sheet."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from govtrust.core.clock import EARLIEST, plausible, today_beijing
from govtrust.core.identifiers import check_ric, check_uscc, organ_uscc_problem
from govtrust.disclosure.rules.periods import Decision, minimum_class
from govtrust.disclosure.rules.versions import SEVERITIES
from govtrust.records.models import (
    CourtGround,
    Domain,
    PenaltyKind,
    Procedure,
    SafetyArea,
    Severity,
    SourceType,
    SubjectKind,
)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class RecordIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    subject_kind: SubjectKind = Field(
        description="主体类型：government 政府 / department 部门 / civil_servant 公务员"
    )
    subject_name: Annotated[Text, StringConstraints(max_length=120)] = Field(description="主体名称")
    subject_identifier: Annotated[Text, StringConstraints(max_length=40)] = Field(
        description="政府、部门填统一社会信用代码；公务员填身份证号码"
    )
    source_type: SourceType = Field(description="失信来源")
    domain: Domain = Field(description="领域")
    decision_number: Annotated[Text, StringConstraints(max_length=100)] = Field(
        description="文书号"
    )
    decision_date: datetime.date = Field(description="决定日期")
    authority_name: Annotated[Text, StringConstraints(max_length=120)] = Field(
        description="决定机关"
    )
    authority_uscc: Annotated[str, StringConstraints(max_length=40)] = Field(
        default="", description="决定机关统一社会信用代码"
    )
    facts: Annotated[Text, StringConstraints(max_length=5000)] = Field(description="失信事实")
    basis: Annotated[Text, StringConstraints(max_length=2000)] = Field(description="依据")
    outcome: Annotated[Text, StringConstraints(max_length=2000)] = Field(description="处理结果")
    amount: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4)] | None = Field(
        default=None, description="金额（万元）"
    )
    arose_on: datetime.date = Field(description="失信信息产生日期（报送期限由此起算）")
    # The fields below drive the publication period; each is checked against those before it
    # (pydantic validates in this order), severity last, against the law's class.
    procedure: Procedure = Field(
        default=Procedure.GENERAL, description="决定程序：simple 简易程序 / general 普通程序"
    )
    penalties: list[PenaltyKind] = Field(
        default_factory=list,
        max_length=9,
        validate_default=True,
        description="处罚种类（可多选）：warning 警告、criticism 通报批评、fine 罚款（填写金额）、"
        "confiscation 没收、license 暂扣或吊销许可证件、restrict_practice 限制从业、"
        "stop_production 责令停产停业、detention 行政拘留、other 其他",
    )
    court_ground: CourtGround | None = Field(
        default=None,
        validate_default=True,
        description="失信被执行人：法释〔2017〕7号第一条所列情形（1至6），其他来源不填",
    )
    extension_years: int = Field(
        default=0,
        ge=0,
        le=3,
        validate_default=True,
        description="失信被执行人纳入期限延长年数（0至3；第一项情形不设期限，不填）",
    )
    minor_published: bool = Field(
        default=False,
        description="轻微失信信息经主管部门认为确有必要公示（《信用修复管理办法》，最长3个月）",
    )
    safety_area: SafetyArea = Field(
        default=SafetyArea.NONE,
        description="特殊领域：安全生产 work_safety、消防安全 fire_safety、"
        "特种设备 special_equipment（令第58号期间最短公示期1年）",
    )
    severity: Severity = Field(
        description="严重程度：minor 轻微 / general 一般 / serious 严重；"
        "不能低于按决定程序和处罚种类确定的等级"
    )

    @field_validator("authority_uscc")
    @classmethod
    def _authority_uscc(cls, value: str) -> str:
        if not value:
            return ""
        checked = check_uscc(value)
        if not checked.valid:
            raise ValueError(checked.message)
        return checked.normalized

    @field_validator("subject_identifier")
    @classmethod
    def _subject_identifier(cls, value: str, info: ValidationInfo) -> str:
        kind = info.data.get("subject_kind")
        checked = check_ric(value) if kind == SubjectKind.CIVIL_SERVANT else check_uscc(value)
        if not checked.valid:
            raise ValueError(checked.message)
        if kind in (SubjectKind.GOVERNMENT, SubjectKind.DEPARTMENT):
            problem = organ_uscc_problem(checked.normalized)
            if problem:
                raise ValueError(problem)
        return checked.normalized

    @field_validator("decision_date")
    @classmethod
    def _decision_date(cls, value: datetime.date) -> datetime.date:
        if value > today_beijing():
            raise ValueError("决定日期不能晚于今天")
        if not plausible(value):
            raise ValueError(f"决定日期应在{EARLIEST}之后")
        return value

    @field_validator("arose_on")
    @classmethod
    def _arose_on(cls, value: datetime.date, info: ValidationInfo) -> datetime.date:
        if value > today_beijing():
            raise ValueError("信息产生日期不能晚于今天")
        if not plausible(value):
            raise ValueError(f"信息产生日期应在{EARLIEST}之后")
        decided = info.data.get("decision_date")
        if decided is not None and value < decided:
            raise ValueError("信息产生日期不能早于决定日期")
        return value

    @field_validator("penalties")
    @classmethod
    def _penalties(cls, value: list[PenaltyKind], info: ValidationInfo) -> list[PenaltyKind]:
        kinds = list(dict.fromkeys(value))  # each kind once, in the order given
        if PenaltyKind.FINE in kinds and "amount" in info.data and info.data["amount"] is None:
            raise ValueError("处罚种类含罚款时须填写罚款金额（万元）")
        problem = simple_procedure_problem(info.data.get("procedure"), kinds)
        if problem:
            raise ValueError(problem)
        return kinds

    @field_validator("court_ground")
    @classmethod
    def _court_ground(cls, value: CourtGround | None, info: ValidationInfo) -> CourtGround | None:
        court = info.data.get("source_type") == SourceType.DEBTOR_LIST
        if court and value is None:
            raise ValueError("失信被执行人须选择法释〔2017〕7号第一条所列情形")
        if not court and value is not None and "source_type" in info.data:
            raise ValueError("只有失信被执行人填写失信情形")
        return value

    @field_validator("extension_years")
    @classmethod
    def _extension_years(cls, value: int, info: ValidationInfo) -> int:
        if value and info.data.get("source_type") != SourceType.DEBTOR_LIST:
            raise ValueError("只有失信被执行人可以延长纳入期限")
        if value and info.data.get("court_ground") == CourtGround.REFUSING:
            raise ValueError("第一条第一项情形不设纳入期限，不能延长（法释〔2017〕7号第二条）")
        return value

    @field_validator("severity")
    @classmethod
    def _severity(cls, value: Severity, info: ValidationInfo) -> Severity:
        """The clerk may raise the law's class, never lower it."""
        needed = ("source_type", "decision_date", "procedure", "penalties")
        if not all(name in info.data for name in needed):
            return value  # an earlier field is wrong and already reported
        decision = Decision(
            source_type=info.data["source_type"],
            decided=info.data["decision_date"],
            procedure=info.data["procedure"],
            penalties=tuple(info.data["penalties"]),
        )
        problem = severity_problem(decision, value)
        if problem:
            raise ValueError(problem)
        return value


def simple_procedure_problem(procedure: object, kinds: list[PenaltyKind] | list[str]) -> str:
    """Why these penalties cannot have been decided by this procedure ("" when they can)."""
    simple = {PenaltyKind.WARNING, PenaltyKind.FINE}
    if procedure == Procedure.SIMPLE and not set(kinds) <= simple:
        return "简易程序只能作出警告或者罚款（《行政处罚法》第五十一条）"
    return ""


def severity_problem(decision: Decision, severity: str) -> str:
    """Why `severity` is below the law's class for the decision ("" when it is not): the
    clerk, or an upheld objection, may raise the class, never lower it."""
    floor = minimum_class(decision)
    if SEVERITIES.index(severity) < SEVERITIES.index(floor):
        label = Severity(floor).label
        return f"按作出决定时施行的规定，该决定至少为“{label}”，不能调低"
    return ""


# Labels of the coded fields, for messages that name what a person can choose.
CHOICES: dict[str, list[tuple[str, str]]] = {
    "subject_kind": SubjectKind.choices,
    "source_type": SourceType.choices,
    "domain": Domain.choices,
    "severity": Severity.choices,
    "safety_area": SafetyArea.choices,
    "procedure": Procedure.choices,
    "penalties": PenaltyKind.choices,
}


class ReasonIn(BaseModel):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
