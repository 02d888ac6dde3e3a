"""The portal home's summary of what is published: by 市州 (for the Gansu map), by source, by
year of decision, and publications per month.

Counted only over `publications_public()`, the portal's one definition of "on the portal today"
(published and within its period), so the figures change exactly when the public pages do: the
cached home page's ETag (disclosure/public_cache.py, from `freshness.public_state()`, which
includes the day) moves with them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import ExtractYear, TruncMonth
from django.utils import timezone

from govtrust.directory.models import Division, Level
from govtrust.disclosure.selectors import publications_public
from govtrust.records.models import SourceType

TREND_MONTHS = 12  # the trend shows the last twelve months, this one included


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    count: int


@dataclass(frozen=True)
class Summary:
    total: int
    prefectures: list[Area]  # every prefecture-level unit, 兰州新区 included, in code order
    sources: list[tuple[str, str, int]]  # (code, label, count), in the order of SourceType
    years: list[tuple[int, int]]  # (year of decision, count), oldest first
    months: list[tuple[str, int]]  # ("2026-05", count) for each of the last TREND_MONTHS


def _month_starts(today: datetime.date) -> list[datetime.date]:
    year, month = today.year, today.month
    starts = []
    for _ in range(TREND_MONTHS):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def public_summary(today: datetime.date | None = None) -> Summary:
    today = today or timezone.localdate()
    public = publications_public(today).order_by()
    by_prefecture = dict(
        public.values_list("prefecture_code")
        .annotate(n=Count("id"))
        .values_list("prefecture_code", "n")
    )
    prefectures = [
        Area(code, name, by_prefecture.get(code, 0))
        for code, name in Division.objects.filter(level=Level.PREFECTURE)
        .order_by("code")
        .values_list("code", "name")
    ]
    by_source = dict(
        public.values_list("source_type").annotate(n=Count("id")).values_list("source_type", "n")
    )
    sources = [
        (code, str(label), by_source.get(code, 0))
        for code, label in SourceType.choices
        if by_source.get(code, 0)
    ]
    years = sorted(
        (row["year"], row["n"])
        for row in public.annotate(year=ExtractYear("decision_date"))
        .values("year")
        .annotate(n=Count("id"))
    )
    starts = _month_starts(today)
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(starts[0], datetime.time.min, tzinfo=tz)
    per_month: dict[datetime.date, int] = {}
    rows = (
        public.filter(published_at__gte=since)
        .annotate(month=TruncMonth("published_at", tzinfo=tz))
        .values("month")
        .annotate(n=Count("id"))
    )
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = timezone.localtime(month, tz).date()
        per_month[month] = per_month.get(month, 0) + row["n"]
    months = [(start.strftime("%Y-%m"), per_month.get(start, 0)) for start in starts]
    return Summary(
        total=sum(by_prefecture.values()),
        prefectures=prefectures,
        sources=sources,
        years=years,
        months=months,
    )
