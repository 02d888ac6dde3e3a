"""What filing and handling share: numbers and codes, deadlines, the public status line."""

from __future__ import annotations

import datetime
import hmac
import secrets

from govtrust.core.protect import lookup_digest
from govtrust.core.workdays import add_working_days
from govtrust.disclosure.freshness import public_changed
from govtrust.disclosure.models import Publication
from govtrust.remedies.models import Case, CaseKind
from govtrust.remedies.rules import CLOCKS

PREFIXES = {
    CaseKind.OBJECTION: "YY",
    CaseKind.REPAIR: "XF",
    CaseKind.REPORT: "JB",
    CaseKind.PROMISE: "WY",
}
# No 0/O, 1/I/L: read aloud over the phone and typed from paper.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _random(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_number(kind: str, today: datetime.date) -> str:
    """YY20261127-K7Q3M9XP: kind, date, and 40 random bits, so numbers cannot be enumerated."""
    return f"{PREFIXES[CaseKind(kind)]}{today:%Y%m%d}-{_random(8)}"


def new_code() -> str:
    return _random(8)


def code_digest(number: str, code: str) -> str:
    return lookup_digest(f"case-code\n{number}\n{code.strip().upper()}")


def code_matches(case: Case, code: str) -> bool:
    return hmac.compare_digest(case.code_digest, code_digest(case.number, code))


def clock_days(case: Case, status: str) -> int | None:
    """Working days of the clock of `status`: the rectification period the verifying body set
    for a founded complaint, otherwise the rule's (rules.CLOCKS); None when it has no clock."""
    clock = CLOCKS.get((case.kind, status))
    if clock is None:
        return None
    if case.kind == CaseKind.PROMISE and status == "rectifying":
        days = case.promise.rectify_days
        if days:
            return int(days)
    return clock.days


def clock_start(case: Case, status: str, today: datetime.date) -> None:
    """Start the clock of `status` if it has one; a closed case has none."""
    days = clock_days(case, status)
    if days is not None:
        deadline = add_working_days(today, days)
        case.due_date, case.due_provisional = deadline.due_date, deadline.provisional


def status_line_refresh(publication: Publication | None) -> None:
    """异议处理中 while an accepted objection is open, 信用修复申请处理中 while a repair is."""
    if publication is None:
        return
    open_cases = Case.objects.filter(record_id=publication.record_id)
    if open_cases.filter(kind=CaseKind.OBJECTION, status="verifying").exists():
        line = "异议处理中"
    elif open_cases.filter(kind=CaseKind.REPAIR, status="received").exists():
        line = "信用修复申请处理中"
    else:
        line = ""
    if publication.status_line != line:
        Publication.objects.filter(pk=publication.pk).update(status_line=line)
        publication.status_line = line
        public_changed()  # no log event: without it a cached public page would keep the old line
