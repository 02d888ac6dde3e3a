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

from govtrust.core.clock import today_beijing
from govtrust.core.identifiers import check_ric, check_uscc, organ_uscc_problem
from govtrust.records.models import Domain, SafetyArea, Severity, SourceType, SubjectKind

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
    severity: Severity = Field(description="严重程度：minor 轻微 / general 一般 / serious 严重")
    safety_area: SafetyArea = Field(
        default=SafetyArea.NONE,
        description="特殊领域：安全生产 work_safety、消防安全 fire_safety、"
        "特种设备 special_equipment（最短公示期1年）",
    )
    arose_on: datetime.date = Field(description="失信信息产生日期（报送期限由此起算）")

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
        return value

    @field_validator("arose_on")
    @classmethod
    def _arose_on(cls, value: datetime.date, info: ValidationInfo) -> datetime.date:
        if value > today_beijing():
            raise ValueError("信息产生日期不能晚于今天")
        decided = info.data.get("decision_date")
        if decided is not None and value < decided:
            raise ValueError("信息产生日期不能早于决定日期")
        return value


# Labels of the coded fields, for messages that name what a person can choose.
CHOICES: dict[str, list[tuple[str, str]]] = {
    "subject_kind": SubjectKind.choices,
    "source_type": SourceType.choices,
    "domain": Domain.choices,
    "severity": Severity.choices,
    "safety_area": SafetyArea.choices,
}


class ReasonIn(BaseModel):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
