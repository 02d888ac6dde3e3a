"""Publication rule versions added by the provincial credit office on the rules page (issue 12):
checked before they are stored, approved by a second member, merged with the built-in versions,
and applied to live publications by the daily job from their effective date (从旧兼从轻)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client

from govtrust.core.clock import today_beijing
from govtrust.core.errors import Conflict, DomainError, Forbidden
from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.disclosure.models import Publication, PublicationRuleVersion, RuleVersionState
from govtrust.disclosure.rules.periods import Decision, add_months, period_for
from govtrust.disclosure.services_versions import (
    VersionIn,
    rule_version_approve,
    rule_version_propose,
    rule_version_reject,
)
from govtrust.disclosure.tasks import disclosure_daily
from govtrust.ledger.models import EventKind, Leaf
from tests.remedies.conftest import fresh_counters, office, published

__all__ = ["fresh_counters", "office", "published"]
pytestmark = pytest.mark.django_db
PAGE = "/backoffice/publication-rules/"
TOOL = "/api/v1/tools/publication-period"


@pytest.fixture
def colleague(make_user: Callable[..., User]) -> User:
    """A second member of the provincial credit office."""
    return make_user("office_gs2", "credit_office", "62")


def tomorrow() -> datetime.date:
    return today_beijing() + datetime.timedelta(days=1)


def sector_rule(**overrides: Any) -> VersionIn:
    """A sector rule for general administrative penalties: 3 months to 6 months."""
    data: dict[str, Any] = {
        "title": "甘肃省政府采购领域信用信息公示规定",
        "doc_number": "甘发改财金〔2026〕99号",
        "article": "第八条",
        "effective_from": tomorrow(),
        "source_types": ("penalty",),
        "severities": ("general",),
        "terms": {"general": (3, 6)},
    }
    data.update(overrides)
    return VersionIn(**data)


def run_daily_on(day: datetime.date) -> None:
    # 12:00 UTC is 20:00 in Beijing: the same calendar day there.
    moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        disclosure_daily.call()


def test_a_sector_rule_entered_and_approved_on_the_page_shortens_a_live_publication(
    client: Client,
    office: User,
    colleague: User,
    published: Callable[..., Publication],
) -> None:
    """Given a live general penalty published 3 months to 1 year,
    when one member of the provincial credit office enters a sector rule (general 3 to 6
    months, from tomorrow) on the rules page and another approves it,
    then nothing changes today; on its first day the daily job shortens the publication to 6
    months, logged in the transparency log and the audit trail, and the public tool and the
    rules page show the added version with its document and article."""
    publication = published()
    decided = publication.decision_date
    assert publication.maximum_end == add_months(decided, 12)
    start = tomorrow()

    client.force_login(office)
    answer = client.post(
        PAGE,
        {
            "title": "《甘肃省政府采购领域信用信息公示规定》",
            "doc_number": "甘发改财金〔2026〕99号",
            "article": "第八条",
            "effective_from": start.isoformat(),
            "source_types": ["penalty"],
            "severities": ["general"],
            "min-general": "3",
            "max-general": "6",
            "transitional": "lighter",
            "note": "政府采购领域一般失信信息公示期缩短",
        },
    )
    assert answer.status_code == 302
    row = PublicationRuleVersion.objects.get()
    assert row.state == RuleVersionState.PENDING
    assert row.title == "甘肃省政府采购领域信用信息公示规定"
    # Pending: applies to nothing.
    run_daily_on(start)
    publication.refresh_from_db()
    assert publication.maximum_end == add_months(decided, 12)

    page = client.get(PAGE).content.decode()
    assert "您提出的版本须由省信用办另一名工作人员审核" in page
    covers = "适用：行政处罚；《甘肃省政府采购领域信用信息公示规定》（甘发改财金〔2026〕99号）"
    assert covers in page
    client.force_login(colleague)
    answer = client.post(PAGE, {"action": "approve", "row": row.pk, "version": row.version})
    assert answer.status_code == 302
    row.refresh_from_db()
    assert row.state == RuleVersionState.APPROVED and row.decided_by == colleague

    run_daily_on(today_beijing())
    publication.refresh_from_db()
    assert publication.maximum_end == add_months(decided, 12)

    leaves = Leaf.objects.filter(kind=EventKind.CORRECT).count()
    run_daily_on(start)
    publication.refresh_from_db()
    assert (publication.minimum_end, publication.maximum_end) == (
        add_months(decided, 3),
        add_months(decided, 6),
    )
    assert publication.rule_id == f"province-{row.pk}@{start}"
    assert "甘发改财金〔2026〕99号" in publication.rule_source
    assert Leaf.objects.filter(kind=EventKind.CORRECT).count() == leaves + 1
    event = AuditEvent.objects.get(action="publication.reperiod", object_id=publication.number)
    assert event.after is not None and event.after["rule"] == f"province-{row.pk}@{start}"
    assert AuditEvent.objects.filter(action="publication_rule.propose", actor=office.username)
    assert AuditEvent.objects.filter(action="publication_rule.approve", actor=colleague.username)

    tool = client.get(
        TOOL, {"source_type": "penalty", "decision_date": str(decided), "on": str(start)}
    ).json()
    assert tool["rule"] == f"province-{row.pk}@{start}"
    assert tool["maximum_end"] == str(add_months(decided, 6))
    assert (
        "《甘肃省政府采购领域信用信息公示规定》（甘发改财金〔2026〕99号）第八条" in tool["source"]
    )
    # The day before it takes effect the built-in version still answers.
    before = client.get(
        TOOL, {"source_type": "penalty", "decision_date": str(decided), "on": str(decided)}
    ).json()
    assert before["rule"].startswith("credit-repair-2026@")
    assert f"province-{row.pk}@{start}" in client.get(PAGE).content.decode()
    client.logout()
    listed = {v["rule"]: v for v in client.get("/api/v1/tools/publication-rules").json()}
    assert listed[f"province-{row.pk}@{start}"]["added"] is True
    assert "第八条" in listed[f"province-{row.pk}@{start}"]["source"]
    assert listed["court-debtors@2017-05-01"]["added"] is False


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"terms": {"general": (7, 6)}}, "一般的最短公示期不能长于最长公示期"),
        ({"terms": {"general": (3, 13)}}, "一般的最长公示期13个月超过"),
        ({"terms": {"general": (1, 6)}}, "一般的最短公示期不能短于"),
        ({"terms": {"general": (3, None)}}, "请填写一般失信信息的最长公示期"),
        ({"severities": ("minor",), "terms": {"minor": (None, 6)}}, "轻微的最长公示期6个月超过"),
        ({"effective_from": datetime.date(2020, 1, 1)}, "施行日期不能早于今天"),
        ({"effective_from": None}, "请填写施行日期"),
        ({"article": "  "}, "请填写条款"),
        ({"doc_number": ""}, "请填写文号"),
        ({"title": "《》"}, "请填写文件名称"),
        ({"source_types": ("debtor_list",)}, "法释〔2017〕7号"),
        ({"source_types": ()}, "请选择适用的失信来源"),
        ({"severities": ()}, "请选择适用的严重程度"),
        ({"safety_areas": ("nuclear",)}, "特殊领域无效"),
        ({"effective_to": datetime.date(2020, 1, 1)}, "废止日期不能早于施行日期"),
    ],
)
def test_a_version_is_checked_before_it_is_stored(
    office: User, overrides: dict[str, Any], message: str
) -> None:
    """Each broken version is refused in words, and nothing is stored or audited."""
    with pytest.raises(DomainError) as refused:
        rule_version_propose(actor=office, spec=sector_rule(**overrides))
    assert message in refused.value.detail
    assert not PublicationRuleVersion.objects.exists()
    assert not AuditEvent.objects.filter(action="publication_rule.propose").exists()


def test_overlapping_versions_for_the_same_scope_are_refused(office: User) -> None:
    """A second version for the same source, class and area over overlapping dates is refused;
    one for another area or class, or after the first ends, is not."""
    first = rule_version_propose(
        actor=office, spec=sector_rule(effective_to=tomorrow() + datetime.timedelta(days=30))
    )
    with pytest.raises(DomainError) as refused:
        rule_version_propose(actor=office, spec=sector_rule(safety_areas=("work_safety",)))
    assert f"与规则版本{first.pk}" in refused.value.detail and "重叠" in refused.value.detail
    rule_version_propose(
        actor=office, spec=sector_rule(severities=("serious",), terms={"serious": (12, 24)})
    )
    rule_version_propose(
        actor=office, spec=sector_rule(effective_from=tomorrow() + datetime.timedelta(days=31))
    )
    assert PublicationRuleVersion.objects.count() == 3


def test_four_eyes_and_the_provincial_office_only(
    client: Client, office: User, colleague: User, make_user: Callable[..., User]
) -> None:
    """The proposer cannot approve their own version; a prefecture's credit office can neither
    open the page nor enter a version; a rejection needs a reason and is audited."""
    row = rule_version_propose(actor=office, spec=sector_rule())
    with pytest.raises(Forbidden):
        rule_version_approve(row=row, actor=office, version=row.version)
    prefecture = make_user("office_lz", "credit_office", "6201")
    with pytest.raises(Forbidden):
        rule_version_propose(actor=prefecture, spec=sector_rule(article="第九条"))
    client.force_login(prefecture)
    assert client.get(PAGE).status_code == 403
    with pytest.raises(DomainError, match="请填写驳回理由"):
        rule_version_reject(row=row, actor=colleague, version=row.version, reason=" ")
    rule_version_reject(row=row, actor=colleague, version=row.version, reason="文号有误")
    row.refresh_from_db()
    assert row.state == RuleVersionState.REJECTED
    event = AuditEvent.objects.get(action="publication_rule.reject")
    assert event.after is not None and event.after["reason"] == "文号有误"


def test_a_form_error_is_shown_in_chinese_and_nothing_is_stored(
    client: Client, office: User
) -> None:
    client.force_login(office)
    answer = client.post(
        PAGE,
        {
            "title": "某规定",
            "doc_number": "甘发〔2026〕1号",
            "article": "第一条",
            "effective_from": "not a date",
            "source_types": ["penalty"],
            "severities": ["general"],
            "max-general": "6",
        },
    )
    assert answer.status_code == 400
    assert "请填写施行日期" in answer.content.decode()
    assert not PublicationRuleVersion.objects.exists()


def test_a_safety_area_rule_adds_a_minimum_only_in_its_area(office: User, colleague: User) -> None:
    """A sector rule for work safety (general: at least 12 months, at most 12) applies to
    decisions in that area made after it takes effect; other decisions keep the national terms."""
    row = rule_version_propose(
        actor=office,
        spec=sector_rule(safety_areas=("work_safety",), terms={"general": (12, 12)}),
    )
    decided = tomorrow() + datetime.timedelta(days=5)
    area = Decision("penalty", decided, safety_area="work_safety")
    assert period_for(area, on=decided).minimum_end == add_months(decided, 3)  # not yet approved

    rule_version_approve(row=row, actor=colleague, version=row.version)

    in_area = period_for(area, on=decided)
    assert in_area.rule.label == f"province-{row.pk}@{tomorrow()}"
    assert (in_area.minimum_end, in_area.maximum_end) == (
        add_months(decided, 12),
        add_months(decided, 12),
    )
    elsewhere = period_for(Decision("penalty", decided), on=decided)
    assert elsewhere.rule.rule_id == "credit-repair-2026"
    assert elsewhere.minimum_end == add_months(decided, 3)
    # A serious decision in the area is outside the rule's classes.
    serious = period_for(
        Decision("penalty", decided, "serious", safety_area="work_safety"), on=decided
    )
    assert serious.rule.rule_id == "credit-repair-2026"


def test_a_version_approved_on_its_first_day_applies_that_day(
    office: User, colleague: User, published: Callable[..., Publication]
) -> None:
    """Given a live publication already evaluated today, when a version taking effect today is
    approved, the publication is due again and today's run shortens it (not a later day's)."""
    publication = published()
    today = today_beijing()
    run_daily_on(today)
    publication.refresh_from_db()
    assert publication.period_checked_on == today
    row = rule_version_propose(actor=office, spec=sector_rule(effective_from=today))
    rule_version_approve(row=row, actor=colleague, version=row.version)
    publication.refresh_from_db()
    assert publication.period_checked_on == today - datetime.timedelta(days=1)
    event = AuditEvent.objects.get(action="publication_rule.approve")
    assert event.after is not None and event.after["reevaluate_today"] == 1

    run_daily_on(today)
    publication.refresh_from_db()
    assert publication.maximum_end == add_months(publication.decision_date, 6)
    assert publication.rule_id == f"province-{row.pk}@{today}"


def test_a_version_no_longer_valid_on_approval_is_refused(office: User, colleague: User) -> None:
    """Entered for tomorrow, approved two days later: its date has passed, approval refuses
    and the version stays pending."""
    row = rule_version_propose(actor=office, spec=sector_rule())
    later = datetime.datetime.combine(
        tomorrow() + datetime.timedelta(days=1), datetime.time(4), tzinfo=datetime.UTC
    )
    with time_machine.travel(later, tick=False), pytest.raises(Conflict) as refused:
        rule_version_approve(row=row, actor=colleague, version=row.version)
    assert "施行日期不能早于今天" in str(refused.value)
    row.refresh_from_db()
    assert row.state == RuleVersionState.PENDING
