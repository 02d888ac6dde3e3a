"""The back-office home page: each role's work, every count within the reader's reach."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from govtrust.core.workdays import working_days_left
from govtrust.directory.models import User
from govtrust.measures.selectors import rectification_due
from govtrust.records.models import Record, Reminder, ReminderKind
from govtrust.records.schemas import RecordIn
from govtrust.records.selectors_home import clerk_work, records_by_source_severity, review_head
from govtrust.records.selectors_stats import window_end
from govtrust.records.services import (
    record_accept,
    record_create,
    record_return,
    record_submit,
)
from govtrust.records.services.reminders import reminders_mark_read
from tests.conftest import new_uscc, record_payload

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
OLD = "2025-09-26"  # its 7-working-day deadline is long past


@pytest.fixture
def other_clerk(make_user: Callable[..., User]) -> User:
    """A clerk of another county (七里河区) of the same prefecture."""
    return make_user("clerk_qlh", "clerk", "620103", "七里河区财政局")


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user("office", "credit_office", "62")


def _draft(clerk: User, arose_on: str = OLD, **overrides: str) -> Record:
    data = RecordIn.model_validate(
        record_payload(arose_on=arose_on, decision_date=arose_on, **overrides)
    )
    return record_create(data=data, actor=clerk)


def _returned(clerk: User, reviewer: User, reason: str = "文书号与决定书不一致") -> Record:
    submitted = record_submit(record=_draft(clerk), actor=clerk)
    return record_return(record=submitted, actor=reviewer, reason=reason)


def test_a_clerk_sees_its_own_due_overdue_and_returned_records_only(
    clerk: User, other_clerk: User, reviewer: User
) -> None:
    """GIVEN two clerks of two counties, each with overdue drafts, and one returned record of
    the first
    WHEN each asks for its home page's work
    THEN each counts its own records only, with working-day countdowns."""
    overdue = _draft(clerk)
    returned = _returned(clerk, reviewer)
    fresh = _draft(clerk, arose_on=str(TODAY))  # due in 7 working days
    record_submit(record=_draft(clerk), actor=clerk)  # submitted: no longer the clerk's to do
    theirs = [_draft(other_clerk) for _ in range(3)]

    mine = clerk_work(user=clerk, today=TODAY)
    assert (mine.overdue_count, mine.returned_count, mine.drafts_count) == (2, 1, 2)
    assert {line.record.pk for line in mine.overdue} == {overdue.pk, returned.pk}
    assert [line.record.pk for line in mine.returned] == [returned.pk]
    assert mine.due_soon_count == 0  # 7 working days away, beyond the 3-day window
    for line in mine.overdue:
        assert line.days_left == working_days_left(TODAY, line.record.due_date) < 0

    other = clerk_work(user=other_clerk, today=TODAY)
    assert (other.overdue_count, other.returned_count) == (3, 0)
    assert {line.record.pk for line in other.overdue} == {r.pk for r in theirs}

    # The day before the fresh draft's deadline it is due soon, one working day left at most.
    fresh.refresh_from_db()
    eve = fresh.due_date - datetime.timedelta(days=1)
    later = clerk_work(user=clerk, today=eve)
    assert [line.record.pk for line in later.due_soon] == [fresh.pk]
    assert later.due_soon[0].days_left == working_days_left(eve, fresh.due_date) in (0, 1)
    assert fresh.due_date <= window_end(eve, 3)


def test_a_returned_record_appears_in_the_clerks_reminders_each_time(
    client: Client, clerk: User, other_clerk: User, reviewer: User
) -> None:
    """The found item: the 提醒 page stayed empty after a record was returned."""
    record = _returned(clerk, reviewer, reason="请补充失信事实")
    (reminder,) = Reminder.objects.filter(record=record)
    assert reminder.kind == ReminderKind.RETURNED and reminder.read_at is None
    client.force_login(clerk)
    page = client.get("/records/reminders/").content.decode()
    assert record.number in page and "已退回" in page and "请补充失信事实" in page
    assert clerk_work(user=clerk, today=TODAY).unread_reminders == 1

    assert reminders_mark_read(actor=clerk) == 1
    assert clerk_work(user=clerk, today=TODAY).unread_reminders == 0
    again = record_return(
        record=record_submit(record=record, actor=clerk), actor=reviewer, reason="仍不完整"
    )
    reminder.refresh_from_db()
    assert reminder.read_at is None  # raised again, unread, one reminder per record
    assert Reminder.objects.filter(record=again).count() == 1
    assert "仍不完整" in client.get("/records/reminders/").content.decode()

    client.force_login(other_clerk)  # another county's clerk is not told
    assert record.number not in client.get("/records/reminders/").content.decode()


def test_figures_count_within_the_readers_reach(
    clerk: User,
    other_clerk: User,
    reviewer: User,
    sibling_reviewer: User,
    office: User,
) -> None:
    department = {
        "subject_kind": "department",
        "subject_name": "城关区财政局",
        "subject_identifier": new_uscc(),
    }
    for severity, source, subject in [
        ("general", "penalty", {}),
        ("serious", "judicial", department),  # a department's serious record: rectification
    ]:
        draft = _draft(clerk, severity=severity, source_type=source, **subject)
        record_accept(record=record_submit(record=draft, actor=clerk), actor=reviewer)
    record_submit(record=_draft(other_clerk), actor=other_clerk)
    _draft(clerk)  # a draft: unfinished work, not counted

    def counts(user: User) -> dict[tuple[str, str], int]:
        figures = records_by_source_severity(user=user)
        return {
            (source, severity): figures.counts[i][j]
            for i, severity in enumerate(figures.severities)
            for j, source in enumerate(figures.sources)
            if figures.counts[i][j]
        }

    assert (
        counts(office)
        == counts(reviewer)
        == {
            ("行政处罚", "一般"): 2,
            ("司法判决", "严重"): 1,
        }
    )
    assert counts(sibling_reviewer) == {}
    assert records_by_source_severity(user=office).total == 3

    horizon = window_end(TODAY, 3)
    province = rectification_due(office, TODAY, horizon)
    owed = province.overdue + province.due_soon + province.later
    assert owed > 0  # the accepted records' explanations and rectifications
    lanzhou = rectification_due(reviewer, TODAY, horizon)
    assert lanzhou.overdue + lanzhou.due_soon + lanzhou.later == owed
    tianshui = rectification_due(sibling_reviewer, TODAY, horizon)
    assert (tianshui.overdue, tianshui.due_soon, tianshui.later, tianshui.nearest) == (
        0,
        0,
        0,
        [],
    )

    lines, count = review_head(user=reviewer, today=TODAY)
    assert count == 1 and lines[0].record.reporting_unit == "七里河区财政局"
    assert review_head(user=sibling_reviewer, today=TODAY)[1] == 0


def test_each_role_has_its_home_page(
    client: Client,
    clerk: User,
    other_clerk: User,
    reviewer: User,
    office: User,
    make_user: Callable[..., User],
) -> None:
    returned = _returned(clerk, reviewer)
    theirs = _draft(other_clerk)
    queued = record_submit(record=_draft(clerk), actor=clerk)

    client.force_login(clerk)
    page = client.get("/backoffice/").content.decode()
    assert "我的报送" in page and returned.number in page and theirs.number not in page
    assert 'id="returned-list"' in page and "文书号与决定书不一致" in page
    assert "chart-data" not in page  # a clerk reads no figures

    client.force_login(reviewer)
    page = client.get("/backoffice/").content.decode()
    assert 'id="queue-count">1<' in page and queued.number in page
    assert "我的报送" not in page

    client.force_login(office)
    response = client.get("/backoffice/")
    page = response.content.decode()
    data = json.loads(page.split('id="chart-data" type="application/json">')[1].split("<")[0])
    assert set(data) == {"sources", "ontime", "cases", "rectification"}
    assert sum(sum(s["data"]) for s in data["sources"]["series"]) == 2  # queued + returned
    assert "/static/vendor/echarts/echarts.min" in page
    charts = re.findall(r"<script[^>]*(?:echarts|charts)[^>]*>", page)
    assert charts and not [tag for tag in charts if "nonce" in tag]  # no inline script needed

    client.force_login(make_user("insp", "inspector", "62"))
    page = client.get("/backoffice/").content.decode()
    assert "chart-data" in page and 'id="queue-count"' not in page  # figures, no queue
