"""Following a case without an account: tracking number + query code.

A wrong number and a wrong code get the same answer, so neither can be probed alone. Guessing is
held back by address first: after WRONG_CODES_BEFORE_SLOWDOWN failures from one address within
15 minutes, that address is refused for the rest of the window. A number is held only after
GOVTRUST_TRACKING_NUMBER_FAILURES wrong codes (many addresses guessing together) and only for
GOVTRUST_TRACKING_NUMBER_WINDOW seconds, so one guesser cannot keep the filer from their case.
"""

from __future__ import annotations

from django.conf import settings

from govtrust.core import throttle
from govtrust.core.errors import NotFound, Throttled
from govtrust.remedies.models import Case
from govtrust.remedies.rules import WRONG_CODES_BEFORE_SLOWDOWN
from govtrust.remedies.services.common import code_matches

WINDOW = 900


def _limits() -> tuple[tuple[str, int, int, str], ...]:
    """(scope, allowed failures, window seconds, message) for the address, then the number."""
    return (
        ("case-code-ip", WRONG_CODES_BEFORE_SLOWDOWN, WINDOW, "查询码错误次数过多，请15分钟后再试"),
        (
            "case-code-no",
            settings.GOVTRUST_TRACKING_NUMBER_FAILURES,
            settings.GOVTRUST_TRACKING_NUMBER_WINDOW,
            "该受理编号的查询尝试过多，请稍后再试",
        ),
    )


def case_follow(*, number: str, code: str, address: str) -> Case:
    number = number.strip().upper()[:24]
    who = {"case-code-ip": address, "case-code-no": number}
    for scope, allowed, window, message in _limits():
        if throttle.count(scope, who[scope], window) >= allowed:
            raise Throttled(message, retry_after=window)
    case = Case.objects.filter(number=number).select_related("record").first()
    if case is None or not code_matches(case, code):
        for scope, _allowed, window, _message in _limits():
            throttle.hit(scope, who[scope], window)
        raise NotFound("受理编号或查询码不正确")
    return case
