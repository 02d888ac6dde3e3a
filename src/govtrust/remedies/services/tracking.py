"""Following a case without an account: tracking number + query code.

A wrong number and a wrong code get the same answer, so neither can be probed alone; after
WRONG_CODES_BEFORE_SLOWDOWN failures from one address (or against one number) within 15 minutes,
further attempts are refused for the rest of the window.
"""

from __future__ import annotations

from govtrust.core import throttle
from govtrust.core.errors import NotFound, Throttled
from govtrust.remedies.models import Case
from govtrust.remedies.rules import WRONG_CODES_BEFORE_SLOWDOWN
from govtrust.remedies.services.common import code_matches

WINDOW = 900


def case_follow(*, number: str, code: str, address: str) -> Case:
    number = number.strip().upper()[:24]
    for scope, who in (("case-code-ip", address), ("case-code-no", number)):
        if throttle.count(scope, who, WINDOW) >= WRONG_CODES_BEFORE_SLOWDOWN:
            raise Throttled("查询码错误次数过多，请15分钟后再试", retry_after=WINDOW)
    case = Case.objects.filter(number=number).select_related("record").first()
    if case is None or not code_matches(case, code):
        throttle.hit("case-code-ip", address, WINDOW)
        throttle.hit("case-code-no", number, WINDOW)
        raise NotFound("受理编号或查询码不正确")
    return case
