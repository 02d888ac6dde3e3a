"""Publication periods: the rule in force on the decision date, unless a later one is more
lenient (从旧兼从轻), with the Order 58 minimum for safety areas and the court list's term."""

from __future__ import annotations

import datetime

import pytest

from govtrust.disclosure.rules.periods import add_months, period_for

D = datetime.date
TODAY = D(2026, 11, 27)


@pytest.mark.parametrize(
    ("source", "severity", "decided", "area", "expected"),
    [
        # Decided under Order 58; the 2026 tiers are more lenient for minor and general.
        ("penalty", "minor", D(2025, 9, 26), "", ("credit-repair-2026", 0, 3)),
        ("penalty", "general", D(2025, 9, 26), "", ("credit-repair-2026", 3, 12)),
        # Serious: same maximum (3 years); Order 58's 3-month minimum is the lenient one.
        ("penalty", "serious", D(2025, 9, 26), "", ("ndrc-order-58", 3, 36)),
        # Work safety under Order 58: at least one year; the 2026 tiers still cap general at 1y.
        ("penalty", "serious", D(2025, 9, 26), "work_safety", ("ndrc-order-58", 12, 36)),
        ("penalty", "general", D(2025, 9, 26), "fire_safety", ("credit-repair-2026", 3, 12)),
        # Decided under the 2026 tiers.
        ("penalty", "serious", D(2026, 5, 1), "", ("credit-repair-2026", 12, 36)),
        # The court list of dishonest judgment debtors: two years, whatever the date.
        ("debtor_list", "general", D(2026, 5, 1), "", ("court-debtors", 0, 24)),
    ],
)
def test_period(
    source: str,
    severity: str,
    decided: datetime.date,
    area: str,
    expected: tuple[str, int, int],
) -> None:
    period = period_for(
        source_type=source, severity=severity, decided=decided, today=TODAY, safety_area=area
    )
    assert (period.rule_id, period.minimum_months, period.maximum_months) == expected
    assert period.source


def test_a_later_rule_does_not_apply_before_it_is_in_force() -> None:
    period = period_for(
        source_type="penalty", severity="minor", decided=D(2025, 9, 26), today=D(2026, 1, 1)
    )
    assert period.rule_id == "ndrc-order-58"


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2025, 8, 31), 36) == D(2028, 8, 31)
    assert add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)
