"""`{{ moment|beijing }}`: a time as every page shows it, in Beijing time with the zone stated,
e.g. "2026-11-29 22:10（北京时间）" (`|beijing:"s"` adds the seconds). Loaded as a builtin
(settings.TEMPLATES), so every template has it."""

from __future__ import annotations

import datetime
import zoneinfo

from django import template

register = template.Library()

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
ZONE = "北京时间"


def beijing_text(moment: datetime.datetime, seconds: bool = False) -> str:
    if moment.tzinfo is not None:  # stored times are UTC; naive ones are taken as Beijing's
        moment = moment.astimezone(BEIJING)
    pattern = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return f"{moment.strftime(pattern)}（{ZONE}）"


@register.filter
def beijing(value: object, arg: str = "") -> str:
    if not isinstance(value, datetime.datetime):
        return ""  # None (never happened): `|default:"—"` after it still applies
    return beijing_text(value, seconds=arg == "s")
