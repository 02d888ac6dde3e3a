"""The unit picker's JSON: the children of a unit, or units found by name, code or pinyin.
Public data only (names and the tree); rate-limited per address like the other public reads
that cost a query per keystroke."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from govtrust.core import throttle
from govtrust.core.errors import Throttled
from govtrust.core.http import client_address
from govtrust.directory import units

LOOKUPS_PER_WINDOW, LOOKUP_WINDOW = 600, 600  # 本地政策: one a second on average per address


@require_GET
def unit_lookup(request: HttpRequest) -> JsonResponse:
    """`?parent=<value>` lists one level ("" the top), `?q=` searches, `?path=<value>` gives
    the unit's chain from the top (to set the cascade to it); `within=<code>` keeps
    to a subtree, `departments=0` leaves departments out."""
    try:
        throttle.limit(
            "unit-lookup",
            client_address(request),
            allowed=LOOKUPS_PER_WINDOW,
            window=LOOKUP_WINDOW,
            message="查询过于频繁，请稍后再试",
        )
    except Throttled as exc:
        response = JsonResponse({"detail": exc.detail, "units": []}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    within = request.GET.get("within", "")
    if within and not units.unit_get(within):
        return JsonResponse({"detail": units.UNKNOWN, "units": []}, status=400)
    departments = request.GET.get("departments", "1") != "0"
    query, chain = request.GET.get("q", ""), request.GET.get("path", "")
    if chain:
        if units.unit_get(chain) is None:
            return JsonResponse({"detail": units.UNKNOWN, "units": []}, status=400)
        found = units.path(chain, within=within)
    elif query.strip():
        found = units.search(query, within=within, departments=departments)
    else:
        parent = request.GET.get("parent", "")
        if parent and units.unit_get(parent) is None:
            return JsonResponse({"detail": units.UNKNOWN, "units": []}, status=400)
        found = units.children(parent, within=within, departments=departments)
    response = JsonResponse({"units": [u.as_json() for u in found]})
    response["Cache-Control"] = "public, max-age=300"
    return response
