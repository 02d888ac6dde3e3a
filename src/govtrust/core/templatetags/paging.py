"""The pager of every back-office list: the count of all rows, numbered pages around the current
one, previous / next, and a box to jump to any page. The links keep the list's filters (every
parameter of the query string but the page and the export switch).

Lists counted only up to a cap (the portal's search, for speed) page in "more" mode: the count
reads "超过 N 条", the numbers stop after the current page's neighbours with "…" (no last page
number pretending to be the end), and the last page that can be reached says the rest is not
listed: never a made-up total."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page
from django.http import QueryDict

register = template.Library()

AROUND = 2  # numbered pages shown either side of the current one (the first and last always)
_NOT_FILTERS = ("page", "export")


def page_window(number: int, last: int, around: int = AROUND) -> list[int | None]:
    """Page numbers to show, None where a run is left out: 1 … 4 5 [6] 7 8 … 20."""
    shown = sorted({1, last, *range(max(1, number - around), min(last, number + around) + 1)})
    window: list[int | None] = []
    for n in shown:
        if window and n - (window[-1] or 0) > 1:
            window.append(None)
        window.append(n)
    return window


def page_window_more(number: int, last: int, around: int = AROUND) -> list[int | None]:
    """The window when the count is capped: 1 … 4 5 [6] 7 8 …, the reachable last page (the
    cap's) only once it is a neighbour, a trailing None while pages are left."""
    window = [n for n in page_window(number, last, around) if n is None or n <= number + around]
    if window and window[-1] is None:
        window.pop()
    if number + around < last:
        window.append(None)
    return window


@register.inclusion_tag("_pager_links.html", takes_context=True)
def pager(
    context: template.Context,
    page: Page[Any],
    key: str = "",
    value: str = "",
    more: bool = False,
) -> dict[str, Any]:
    """`{% pager page %}`. Without a request in the context (a rendered fragment), the one filter
    `key`=`value` is kept instead. `more=True`: the paginator's count is a cap and there are more
    rows than it (see the module's note)."""
    request = context.get("request")
    if request is not None:
        query = request.GET.copy()
    else:
        query = QueryDict(mutable=True)
        if key:
            query[key] = value
    for name in _NOT_FILTERS:
        query.pop(name, None)
    encoded = query.urlencode()
    paginator = page.paginator
    return {
        "page": page,
        "count": paginator.count,
        "num_pages": paginator.num_pages,
        "more": more,
        "window": (page_window_more if more else page_window)(page.number, paginator.num_pages),
        "base": f"{encoded}&" if encoded else "",
        "hidden": [(k, v) for k in query for v in query.getlist(k)],
    }


@register.simple_tag(takes_context=True)
def export_query(context: template.Context) -> str:
    """`?{% export_query %}`: the list's filters and `export=xlsx`, for its Excel link."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    query["export"] = "xlsx"
    return str(query.urlencode())
