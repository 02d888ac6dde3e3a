"""Public tools that forms and departments' own systems call: identifier check, deadline."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema

from govtrust.core.errors import DomainError
from govtrust.core.identifiers import check
from govtrust.core.workdays import add_working_days

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
    from_date: datetime.date = Field(alias="from", description="事件发生日期 YYYY-MM-DD")
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
