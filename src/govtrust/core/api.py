"""Public tools that forms and departments' own systems call: identifier check, deadline,
publication period."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema

from govtrust.core.clock import today_beijing
from govtrust.core.errors import DomainError
from govtrust.core.identifiers import check
from govtrust.core.workdays import add_working_days
from govtrust.disclosure.rules.periods import Decision, RuleError, all_versions, period_for

router = Router(tags=["工具"])


class IdentifierOut(Schema):
    valid: bool
    normalized: str
    message: str = Field(description="中文说明；无效时给出原因")


class DeadlineOut(Schema):
    due_date: datetime.date
    provisional: bool = Field(
        description="期限落在尚无官方节假日安排的年度时为 true（仅按周末计算）"
    )
    provisional_years: list[int]
    from_date: datetime.date
    working_days: int
    message: str


@router.get(
    "/identifier", response=IdentifierOut, auth=None, summary="校验统一社会信用代码或身份证号码"
)
def identifier(request: object, kind: Literal["uscc", "ric"], value: str) -> IdentifierOut:
    if len(value) > 64:
        raise DomainError("号码过长", errors=[("value", "不能超过64个字符")])
    result = check(kind, value)
    return IdentifierOut(valid=result.valid, normalized=result.normalized, message=result.message)


class DeadlineQuery(Schema):
    # Bounded: the working-day engine counts forward, and 9999-12-30 + 1 day overflows.
    from_date: datetime.date = Field(
        alias="from",
        ge=datetime.date(1949, 10, 1),
        le=datetime.date(2100, 12, 31),
        description="事件发生日期 YYYY-MM-DD（1949-10-01 至 2100-12-31）",
    )
    working_days: int = Field(ge=0, le=366, description="工作日数")


@router.get("/deadline", response=DeadlineOut, auth=None, summary="按工作日计算期限")
def deadline(request: object, query: Query[DeadlineQuery]) -> DeadlineOut:
    from_date, working_days = query.from_date, query.working_days
    result = add_working_days(from_date, working_days)
    if result.provisional:
        years = "、".join(str(y) for y in result.provisional_years)
        message = f"{years}年的节假日安排尚未录入，期限暂按周末计算，待录入后自动重算"
    else:
        message = f"自{from_date}次日起第{working_days}个工作日"
    return DeadlineOut(
        due_date=result.due_date,
        provisional=result.provisional,
        provisional_years=list(result.provisional_years),
        from_date=from_date,
        working_days=working_days,
        message=message,
    )


class PeriodQuery(Schema):
    source_type: Literal[
        "judicial", "penalty", "discipline", "accountability", "breach", "debtor_list"
    ] = Field(
        description="失信来源：judicial 司法判决、penalty 行政处罚、discipline 纪律处分、"
        "accountability 问责处理、breach 失信违约、debtor_list 失信被执行人"
    )
    severity: Literal["minor", "general", "serious"] = Field(
        "general",
        description="严重程度：minor 轻微、general 一般、serious 严重（低于法定等级时按法定等级）",
    )
    procedure: Literal["simple", "general"] = Field(
        "general", description="决定程序：simple 简易程序、general 普通程序"
    )
    penalty: list[
        Literal[
            "warning",
            "criticism",
            "fine",
            "confiscation",
            "license",
            "restrict_practice",
            "stop_production",
            "detention",
            "other",
        ]
    ] = Field(
        default_factory=list,
        max_length=9,
        description="处罚种类（主要的一种，可重复给出多种）：warning 警告、criticism 通报批评、"
        "fine 罚款、confiscation 没收、license 暂扣或吊销许可证件、restrict_practice 限制从业、"
        "stop_production 责令停产停业、detention 行政拘留、other 其他",
    )
    safety_area: Literal["", "work_safety", "fire_safety", "special_equipment"] = Field(
        "",
        description="特殊领域：work_safety 安全生产、fire_safety 消防安全、"
        "special_equipment 特种设备",
    )
    court_ground: int | None = Field(
        None, ge=1, le=6, description="失信被执行人：法释〔2017〕7号第一条所列情形（1至6）"
    )
    extension_years: int = Field(0, ge=0, le=3, description="失信被执行人纳入期限延长年数（0至3）")
    minor_published: bool = Field(
        False, description="轻微失信信息经主管部门认为确有必要公示（最长3个月）"
    )
    decision_date: datetime.date = Field(description="决定日期 YYYY-MM-DD（公示期限自该日起算）")
    on: datetime.date | None = Field(None, description="所问日期，默认北京时间今天")


class PeriodOut(Schema):
    public_on: bool = Field(description="所问日期是否在公示期内（期限最后一日仍公示）")
    minimum_end: datetime.date | None = Field(
        description="最短公示期最后一日；次日起可申请信用修复；null 表示无最短公示期"
    )
    maximum_end: datetime.date | None = Field(
        description="公示期最后一日；null 表示不公示或无固定期限（至人民法院删除之日止）"
    )
    rule: str = Field(description="适用规则及版本")
    source: str = Field(description="依据文件及条款")
    severity: str = Field(description="适用的严重程度（不低于法定等级）")


@router.get(
    "/publication-period",
    response=PeriodOut,
    auth=None,
    summary="计算公示期限：是否公示、最短公示期与公示截止日",
    description="按决定日期施行的规定计算，后施行的规定对当事人更有利的从其规定（从旧兼从轻）；"
    "期间依《民法典》第二百零一条、第二百零二条计算，决定当日不计入，期限最后一日仍在公示期内。",
)
def publication_period(request: object, query: Query[PeriodQuery]) -> PeriodOut:
    on = query.on or today_beijing()
    for day, name in ((query.decision_date, "decision_date"), (on, "on")):
        if not 1949 <= day.year <= 2100:  # keeps the month arithmetic inside the calendar
            raise DomainError("日期超出范围", errors=[(name, "年份应在1949至2100之间")])
    decision = Decision(
        source_type=query.source_type,
        decided=query.decision_date,
        severity=query.severity,
        procedure=query.procedure,
        penalties=tuple(query.penalty),
        safety_area=query.safety_area,
        court_ground=query.court_ground,
        extension_years=query.extension_years,
        minor_published=query.minor_published,
    )
    try:
        period = period_for(decision, on=on)
    except RuleError as exc:
        field = "court_ground" if query.source_type == "debtor_list" else "source_type"
        raise DomainError(str(exc), errors=[(field, str(exc))]) from exc
    return PeriodOut(
        public_on=period.public_on(query.decision_date, on),
        minimum_end=period.minimum_end,
        maximum_end=period.maximum_end,
        rule=period.rule_label,
        source=period.source,
        severity=period.severity,
    )


class RuleVersionOut(Schema):
    rule: str = Field(description="规则及版本，如 credit-repair-2026@2026-04-01")
    document: str = Field(description="依据文件")
    source: str = Field(description="依据文件及条款、期限")
    effective_from: datetime.date = Field(description="施行日期")
    effective_to: datetime.date | None = Field(description="废止日期；null 表示现行有效")
    source_types: list[str] = Field(description="适用的失信来源")
    severities: list[str] = Field(description="适用的严重程度；空表示全部")
    safety_areas: list[str] = Field(description="适用的特殊领域；空表示全部")
    added: bool = Field(description="省信用办增补的版本（经两人审核）为 true，内置版本为 false")


@router.get(
    "/publication-rules",
    response=list[RuleVersionOut],
    auth=None,
    summary="公示期限规则版本一览",
    description="内置规则版本及省信用办增补并经审核的规则版本（如行业规则），含依据文件及条款。",
)
def publication_rules(request: object) -> list[RuleVersionOut]:
    return [
        RuleVersionOut(
            rule=v.label,
            document=v.document,
            source=v.source,
            effective_from=v.effective_from,
            effective_to=v.effective_to,
            source_types=sorted(v.source_types),
            severities=sorted(v.severities),
            safety_areas=sorted(v.safety_areas),
            added=v.added,
        )
        for v in all_versions()
    ]
