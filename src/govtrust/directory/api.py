"""Directory reads over the API: divisions (public reference data) and the caller's account."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from govtrust.directory.auth import api_user
from govtrust.directory.models import Division, Level

router = Router(tags=["机构"])


class DivisionOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None
    is_statistical: bool
    government: str | None


class DivisionList(Schema):
    count: int
    items: list[DivisionOut]


class MeOut(Schema):
    username: str
    name: str
    role: str
    role_label: str
    unit_code: str
    unit: str
    department: str | None


@router.get(
    "/divisions", response=DivisionList, auth=None, summary="行政区划（可按层级、上级筛选）"
)
def divisions(
    request: HttpRequest, level: Level | None = None, parent: str | None = None
) -> DivisionList:
    qs = Division.objects.select_related("government").order_by("code")
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    items = [
        DivisionOut(
            code=d.code,
            name=d.name,
            level=d.level,
            parent=d.parent_id,
            is_statistical=d.is_statistical,
            government=getattr(getattr(d, "government", None), "name", None),
        )
        for d in qs
    ]
    return DivisionList(count=len(items), items=items)


@router.get("/me", response=MeOut, summary="当前用户")
def me(request: HttpRequest) -> MeOut:
    user = api_user(request)
    return MeOut(
        username=user.username,
        name=user.first_name,
        role=user.role,
        role_label=user.get_role_display(),
        unit_code=user.scope_code,
        unit=user.unit.name,
        department=user.department.name if user.department else None,
    )
