"""Publication periods: every rule version, every class, and the boundary days of each.

Expected dates are worked out by hand from 民法典 第二百零一、二百零二条: the decision day is not
counted, the period ends on the corresponding day (month-end where there is none), last day
included."""

from __future__ import annotations

import datetime

import pytest

from govtrust.disclosure.rules.periods import (
    Decision,
    RuleError,
    add_months,
    evaluate,
    minimum_class,
    period_for,
    repair_opens,
    rule_in_force,
)
from govtrust.disclosure.rules.versions import RULE_58, RULE_527, RULE_2026, RULES

D = datetime.date
_: datetime.date | None = None  # no such end


@pytest.mark.parametrize(
    ("decision", "on", "rule", "minimum_end", "maximum_end"),
    [
        # 发改办财金〔2019〕527号: general 3 months–1 year, serious 6 months–3 years.
        (
            Decision("penalty", D(2022, 6, 15)),
            D(2022, 7, 1),
            "ndrc-527",
            D(2022, 9, 15),
            D(2023, 6, 15),
        ),
        (
            Decision("penalty", D(2021, 1, 31), "serious"),
            D(2021, 2, 1),
            "ndrc-527",
            D(2021, 7, 31),
            D(2024, 1, 31),
        ),
        (
            Decision("penalty", D(2022, 3, 1), "minor"),
            D(2022, 3, 2),
            "ndrc-527",
            D(2022, 6, 1),
            D(2023, 3, 1),
        ),
        # Its last day and the first day of Order 58.
        (
            Decision("penalty", D(2023, 4, 30)),
            D(2023, 5, 1),
            "ndrc-527",
            D(2023, 7, 30),
            D(2024, 4, 30),
        ),
        (
            Decision("penalty", D(2023, 5, 1)),
            D(2023, 5, 1),
            "ndrc-order-58",
            D(2023, 8, 1),
            D(2026, 5, 1),
        ),
        # Order 58: 3 months–3 years for every class; month-end clamp.
        (
            Decision("penalty", D(2024, 1, 31)),
            D(2024, 6, 1),
            "ndrc-order-58",
            D(2024, 4, 30),
            D(2027, 1, 31),
        ),
        (
            Decision("penalty", D(2024, 11, 30), "serious"),
            D(2025, 1, 1),
            "ndrc-order-58",
            D(2025, 2, 28),
            D(2027, 11, 30),
        ),
        # Order 58: work safety, fire safety, special equipment at least one year (leap day).
        (
            Decision("penalty", D(2024, 2, 29), safety_area="work_safety"),
            D(2024, 3, 1),
            "ndrc-order-58",
            D(2025, 2, 28),
            D(2027, 2, 28),
        ),
        (
            Decision("penalty", D(2025, 1, 10), safety_area="fire_safety"),
            D(2025, 2, 1),
            "ndrc-order-58",
            D(2026, 1, 10),
            D(2028, 1, 10),
        ),
        (
            Decision("penalty", D(2025, 1, 10), safety_area="special_equipment"),
            D(2025, 2, 1),
            "ndrc-order-58",
            D(2026, 1, 10),
            D(2028, 1, 10),
        ),
        # The last day of Order 58 and the first of the 2026 measures.
        (
            Decision("penalty", D(2026, 3, 31)),
            D(2026, 3, 31),
            "ndrc-order-58",
            D(2026, 6, 30),
            D(2029, 3, 31),
        ),
        (
            Decision("penalty", D(2026, 4, 1)),
            D(2026, 4, 1),
            "credit-repair-2026",
            D(2026, 7, 1),
            D(2027, 4, 1),
        ),
        # 2026: general 3 months–1 year; serious 1–3 years; no safety-area minimum.
        (
            Decision("penalty", D(2026, 5, 31)),
            D(2026, 6, 1),
            "credit-repair-2026",
            D(2026, 8, 31),
            D(2027, 5, 31),
        ),
        (
            Decision("penalty", D(2026, 11, 30), "serious"),
            D(2026, 12, 1),
            "credit-repair-2026",
            D(2027, 11, 30),
            D(2029, 11, 30),
        ),
        (
            Decision("penalty", D(2026, 5, 1), safety_area="work_safety"),
            D(2026, 5, 2),
            "credit-repair-2026",
            D(2026, 8, 1),
            D(2027, 5, 1),
        ),
        # 2026: a minor record the department found necessary to publish: at most 3 months.
        (
            Decision("penalty", D(2026, 5, 1), "minor", minor_published=True),
            D(2026, 5, 2),
            "credit-repair-2026",
            _,
            D(2026, 8, 1),
        ),
        # 2026: 限制从业 is serious whatever the clerk chose.
        (
            Decision("penalty", D(2026, 5, 1), penalties=("restrict_practice",)),
            D(2026, 5, 2),
            "credit-repair-2026",
            D(2027, 5, 1),
            D(2029, 5, 1),
        ),
        # 从旧兼从轻: a later, more lenient version applies once it is in force.
        (
            Decision("penalty", D(2025, 9, 26)),
            D(2026, 3, 31),
            "ndrc-order-58",
            D(2025, 12, 26),
            D(2028, 9, 26),
        ),
        (
            Decision("penalty", D(2025, 9, 26)),
            D(2026, 4, 1),
            "credit-repair-2026",
            D(2025, 12, 26),
            D(2026, 9, 26),
        ),
        # ...but not a harsher one: Order 58's 3-month minimum stays for serious records,
        (
            Decision("penalty", D(2025, 9, 26), "serious"),
            D(2026, 11, 27),
            "ndrc-order-58",
            D(2025, 12, 26),
            D(2028, 9, 26),
        ),
        # and 527's six months stays for a serious pre-2023 record; a tie keeps the older version.
        (
            Decision("penalty", D(2022, 9, 1), "serious"),
            D(2026, 11, 27),
            "ndrc-527",
            D(2023, 3, 1),
            D(2025, 9, 1),
        ),
        (
            Decision("penalty", D(2022, 9, 1)),
            D(2026, 11, 27),
            "ndrc-527",
            D(2022, 12, 1),
            D(2023, 9, 1),
        ),
        # Court list, 法释〔2017〕7号: grounds 2–6 two years, extendable 1–3 years; ground 1 open.
        (
            Decision("debtor_list", D(2026, 5, 1), court_ground=2),
            D(2026, 5, 2),
            "court-debtors",
            _,
            D(2028, 5, 1),
        ),
        (
            Decision("debtor_list", D(2024, 2, 29), court_ground=6),
            D(2024, 3, 1),
            "court-debtors",
            _,
            D(2026, 2, 28),
        ),
        (
            Decision("debtor_list", D(2026, 5, 1), court_ground=3, extension_years=3),
            D(2026, 5, 2),
            "court-debtors",
            _,
            D(2031, 5, 1),
        ),
        (
            Decision("debtor_list", D(2026, 5, 1), court_ground=4, extension_years=1),
            D(2026, 5, 2),
            "court-debtors",
            _,
            D(2029, 5, 1),
        ),
        (
            Decision("debtor_list", D(2019, 5, 1), court_ground=1),
            D(2026, 5, 2),
            "court-debtors",
            _,
            _,
        ),
    ],
)
def test_period(
    decision: Decision,
    on: datetime.date,
    rule: str,
    minimum_end: datetime.date | None,
    maximum_end: datetime.date | None,
) -> None:
    period = period_for(decision, on=on)
    assert (period.rule.rule_id, period.minimum_end, period.maximum_end) == (
        rule,
        minimum_end,
        maximum_end,
    )
    assert period.published and period.source


@pytest.mark.parametrize(
    "decision",
    [
        Decision("penalty", D(2026, 5, 1), "minor"),
        Decision("penalty", D(2026, 5, 1), procedure="simple", severity="minor"),
        Decision("penalty", D(2026, 5, 1), "minor", penalties=("warning",)),
        Decision("penalty", D(2026, 5, 1), "minor", penalties=("criticism",)),
        # A minor record decided under Order 58 leaves once the 2026 measures are in force.
        Decision("penalty", D(2025, 9, 26), "minor"),
        Decision("discipline", D(2026, 5, 1), "serious"),
        Decision("accountability", D(2022, 5, 1), "general"),
    ],
)
def test_records_that_are_not_published(decision: Decision) -> None:
    period = period_for(decision, on=D(2026, 11, 27))
    assert not period.published and period.maximum_end is None
    assert not period.public_on(decision.decided, D(2026, 11, 27))


def test_a_minor_record_under_order_58_is_published_until_the_2026_measures() -> None:
    decision = Decision("penalty", D(2025, 9, 26), "minor")
    assert period_for(decision, on=D(2026, 3, 31)).public_on(decision.decided, D(2026, 3, 31))
    assert not period_for(decision, on=D(2026, 4, 1)).public_on(decision.decided, D(2026, 4, 1))


def test_the_last_day_belongs_to_the_period_and_repair_opens_the_day_after_the_minimum() -> None:
    """GIVEN a general record decided 2026-05-31 (3 months to 1 year)
    WHEN asked about its boundary days
    THEN it is public on 2027-05-31 and not on 2027-06-01; repair opens on 2026-09-01."""
    decision = Decision("penalty", D(2026, 5, 31))
    period = period_for(decision, on=D(2026, 6, 1))
    assert not period.public_on(decision.decided, D(2026, 5, 30))
    assert period.public_on(decision.decided, D(2026, 5, 31))
    assert period.public_on(decision.decided, D(2027, 5, 31))
    assert not period.public_on(decision.decided, D(2027, 6, 1))
    assert period.minimum_end == D(2026, 8, 31)
    assert period.repair_opens == D(2026, 9, 1) == repair_opens(D(2026, 8, 31))
    assert repair_opens(None) is None


def test_ground_one_has_no_end_until_the_court_deletes_it() -> None:
    decision = Decision("debtor_list", D(2018, 1, 1), court_ground=1)
    assert period_for(decision, on=D(2040, 1, 1)).public_on(decision.decided, D(2040, 1, 1))


@pytest.mark.parametrize(
    ("decision", "fragment"),
    [
        (Decision("debtor_list", D(2026, 5, 1)), "第一条所列情形"),
        (Decision("debtor_list", D(2026, 5, 1), court_ground=7), "第一条所列情形"),
        (Decision("debtor_list", D(2026, 5, 1), court_ground=1, extension_years=1), "不能延长"),
        (Decision("debtor_list", D(2026, 5, 1), court_ground=2, extension_years=4), "1至3年"),
        (Decision("unknown", D(2026, 5, 1)), "没有适用"),
    ],
)
def test_decisions_the_rules_cannot_evaluate_are_refused(decision: Decision, fragment: str) -> None:
    with pytest.raises(RuleError, match=fragment):
        period_for(decision, on=D(2026, 6, 1))


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        (Decision("penalty", D(2026, 5, 1), procedure="simple", penalties=("fine",)), "minor"),
        (Decision("penalty", D(2026, 5, 1), penalties=("warning", "criticism")), "minor"),
        (Decision("penalty", D(2026, 5, 1), penalties=("warning", "confiscation")), "general"),
        (Decision("penalty", D(2026, 5, 1), penalties=("license",)), "general"),
        (Decision("penalty", D(2026, 5, 1), penalties=("restrict_practice",)), "serious"),
        # Before the 2026 measures no text classes a decision: the clerk's class stands.
        (Decision("penalty", D(2025, 5, 1), penalties=("restrict_practice",)), "minor"),
    ],
)
def test_the_law_class_of_a_decision(decision: Decision, expected: str) -> None:
    assert minimum_class(decision) == expected


def test_the_clerk_may_raise_a_class_but_not_lower_it() -> None:
    raised = Decision("penalty", D(2026, 5, 1), "serious", procedure="simple")
    assert evaluate(RULE_2026, raised).severity == "serious"
    lowered = Decision("penalty", D(2026, 5, 1), "minor", penalties=("restrict_practice",))
    assert evaluate(RULE_2026, lowered).severity == "serious"


def test_a_rule_version_can_be_evaluated_outside_its_dates() -> None:
    """The engine answers "what would this version give", for re-evaluation and sector rules."""
    decision = Decision("penalty", D(2026, 5, 1), "serious")
    assert evaluate(RULE_527, decision).minimum_end == D(2026, 11, 1)
    assert evaluate(RULE_58, decision).minimum_end == D(2026, 8, 1)


def test_versions_of_a_source_type_do_not_overlap_and_each_cites_its_source() -> None:
    for rule in RULES:
        assert rule.document and rule.source and rule.label.startswith(rule.rule_id + "@")
        for other in RULES:
            if other is rule or not rule.source_types & other.source_types:
                continue
            assert not (rule.in_force(other.effective_from) and other.in_force(rule.effective_from))
    assert rule_in_force("penalty", D(2019, 6, 30)) is RULE_527  # before the first: the oldest


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2025, 8, 31), 36, D(2028, 8, 31)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2025, 3, 31), 6, D(2025, 9, 30)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
    ],
)
def test_add_months_clamps_to_month_end(
    day: datetime.date, months: int, expected: datetime.date
) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("decision", "day", "fragment"),
    [
        (
            Decision("penalty", D(2026, 5, 31)),
            D(2026, 6, 1),
            "公示至2027-05-31；最短公示期至2026-08-31，2026-09-01起",
        ),
        (Decision("penalty", D(2026, 5, 1), "minor"), D(2026, 6, 1), "不予公示"),
        (Decision("penalty", D(2022, 5, 1)), D(2026, 6, 1), "公示期已于2023-05-01届满"),
        (
            Decision("debtor_list", D(2026, 5, 1), court_ground=1),
            D(2026, 6, 1),
            "人民法院删除之日止",
        ),
    ],
)
def test_the_sentence_a_clerk_reads(decision: Decision, day: datetime.date, fragment: str) -> None:
    from govtrust.disclosure.rules.periods import describe

    assert fragment in describe(period_for(decision, on=day), day)
