"""Deputies' suggestions and CPPCC proposals: registered by the credit office, answered by the
assigned unit within 3 (complex: 6) calendar months, handed back when mis-assigned, handled
again when the proposer is not satisfied, counted per unit."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db.models import QuerySet
from django.test import Client

from govtrust.core.clock import add_months
from govtrust.core.errors import Conflict, DomainError, Forbidden, NotFound
from govtrust.core.models import AuditEvent
from govtrust.directory.models import Department, User
from govtrust.supervision import selectors
from govtrust.supervision.models import Suggestion, SuggestionState
from govtrust.supervision.services import suggestions as svc
from govtrust.supervision.services.suggestions import SuggestionIn, suggestion_register

pytestmark = pytest.mark.django_db
REPLY = "已将建议纳入年度重点工作，制定了专项方案，明确牵头科室和完成时限。"


@pytest.mark.parametrize(
    ("assigned", "months", "due"),
    [
        ("2025-11-30", 3, "2026-02-28"),
        ("2023-11-30", 3, "2024-02-29"),  # leap year: the month's last day
        ("2026-01-31", 6, "2026-07-31"),
        ("2026-03-15", 3, "2026-06-15"),
        ("2025-08-31", 6, "2026-02-28"),
    ],
)
def test_the_civil_code_decides_month_ends(assigned: str, months: int, due: str) -> None:
    start = datetime.date.fromisoformat(assigned)
    assert add_months(start, months) == datetime.date.fromisoformat(due)


@pytest.mark.parametrize(
    ("assigned", "months", "due"),
    [
        ("2026-03-06", 3, "2026-06-08"),  # 2026-06-06 is a Saturday: the next working day
        ("2025-11-30", 3, "2026-02-28"),  # a Saturday, but a make-up working day (调休)
        ("2025-07-01", 3, "2025-10-09"),  # 2025-10-01..08 is the National Day holiday
        ("2026-03-15", 3, "2026-06-15"),  # a working day stays
    ],
)
def test_a_due_date_on_a_rest_day_moves_to_the_day_after(
    assigned: str, months: int, due: str
) -> None:
    """民法典 第二百零三条: a period whose last day is a statutory rest day ends the day after."""
    start = datetime.date.fromisoformat(assigned)
    assert svc.due_date(start, complex_item=months == 6) == datetime.date.fromisoformat(due)


def test_a_racing_registration_is_a_conflict_not_a_crash(
    office: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two registrations of one number pass the check together; the constraint decides."""
    suggestion_register(actor=office, data=item_in())
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)
    with pytest.raises(Conflict, match="已登记"):
        suggestion_register(actor=office, data=item_in())
    assert Suggestion.objects.count() == 1


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user("office_lz", "credit_office", "6201")


@pytest.fixture
def unit(make_user: Callable[..., User]) -> User:
    """城关区's government staff acting for the whole government (no department)."""
    return make_user("reviewer_cg", "reviewer", "620102")


def item_in(**overrides: object) -> SuggestionIn:
    values: dict[str, object] = {
        "kind": "deputy",
        "session": "兰州市第十七届人大五次会议",
        "number": "0123",
        "title": "关于加快城关区老旧小区改造的建议",
        "proposer": "张伟等5名代表",
        "government_code": "620102",
        "assigned_on": datetime.date(2025, 11, 30),
    } | overrides
    return SuggestionIn(**values)  # type: ignore[arg-type]


def test_registration_computes_the_due_date_and_refuses_duplicates(office: User) -> None:
    item = suggestion_register(actor=office, data=item_in())
    assert item.due_date == datetime.date(2026, 2, 28)  # a make-up working day (调休)
    assert item.state == SuggestionState.ASSIGNED and item.handler == "城关区人民政府"
    complex_item = suggestion_register(actor=office, data=item_in(number="0124", complex=True))
    assert complex_item.due_date == datetime.date(2026, 6, 1)  # 05-30 is a Saturday
    with pytest.raises(Conflict, match="已登记"):
        suggestion_register(actor=office, data=item_in())
    cppcc = suggestion_register(actor=office, data=item_in(kind="cppcc"))
    assert cppcc.get_kind_display() == "政协委员提案"
    assert AuditEvent.objects.filter(action="suggestion.register").count() == 3


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kind": "senate"}, "类别"),
        ({"title": "  "}, "标题"),
        ({"assigned_on": datetime.date(2099, 1, 1)}, "交办日期不能晚于今天"),
        ({"assigned_on": datetime.date(1900, 1, 1)}, "交办日期不在合理范围"),
        ({"government_code": "6205"}, "数据范围"),  # 天水市: outside 兰州市's reach
        ({"government_code": "<script>"}, "承办单位"),
    ],
)
def test_bad_registrations_are_refused_in_chinese(
    office: User, overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        suggestion_register(actor=office, data=item_in(**overrides))
    assert not Suggestion.objects.exists()


def test_only_a_credit_office_registers(unit: User) -> None:
    with pytest.raises(Forbidden):
        suggestion_register(actor=unit, data=item_in())


def test_reply_feedback_and_handling_again(
    office: User, unit: User, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    item = suggestion_register(actor=office, data=item_in())
    outsider = make_user("reviewer_qlh", "reviewer", "620103")
    with pytest.raises(NotFound):
        svc.suggestion_reply(actor=outsider, pk=item.pk, version=1, result="A", reply=REPLY)
    with pytest.raises(DomainError, match="办理结果"):
        svc.suggestion_reply(actor=unit, pk=item.pk, version=1, result="E", reply=REPLY)
    monkeypatch.setattr(svc, "today_beijing", lambda: datetime.date(2026, 2, 28))
    replied = svc.suggestion_reply(actor=unit, pk=item.pk, version=1, result="B", reply=REPLY)
    assert replied.state == SuggestionState.REPLIED and not replied.replied_late
    with pytest.raises(Forbidden):
        svc.suggestion_feedback(actor=unit, pk=item.pk, version=2, satisfaction="satisfied")
    monkeypatch.setattr(svc, "today_beijing", lambda: datetime.date(2026, 3, 10))
    again = svc.suggestion_feedback(actor=office, pk=item.pk, version=2, satisfaction="unsatisfied")
    assert again.state == SuggestionState.REHANDLING
    assert again.rehandle_due == datetime.date(2026, 4, 10)
    monkeypatch.setattr(svc, "today_beijing", lambda: datetime.date(2026, 4, 11))
    late = svc.suggestion_reply(actor=unit, pk=item.pk, version=3, result="A", reply=REPLY)
    assert late.replied_late  # the second reply was due by 04-10
    closed = svc.suggestion_feedback(actor=office, pk=item.pk, version=4, satisfaction="basic")
    assert closed.state == SuggestionState.CLOSED
    with pytest.raises(Conflict):
        svc.suggestion_reply(actor=unit, pk=item.pk, version=5, result="A", reply=REPLY)


def test_the_one_who_replied_does_not_record_the_proposers_view(
    office: User, make_user: Callable[..., User]
) -> None:
    """A county credit office may answer for its government and register items; it may not
    also close its own reply as 满意 (four eyes, as for plan-task reports)."""
    county = make_user("office_cg", "credit_office", "620102")
    item = suggestion_register(actor=office, data=item_in())
    replied = svc.suggestion_reply(actor=county, pk=item.pk, version=1, result="A", reply=REPLY)
    assert replied.replied_by == county
    with pytest.raises(Forbidden, match="另一名工作人员"):
        svc.suggestion_feedback(actor=county, pk=item.pk, version=2, satisfaction="satisfied")
    assert Suggestion.objects.get(pk=item.pk).state == SuggestionState.REPLIED
    closed = svc.suggestion_feedback(actor=office, pk=item.pk, version=2, satisfaction="satisfied")
    assert closed.state == SuggestionState.CLOSED


def test_a_mis_assigned_item_is_handed_back_in_time_and_reassigned(
    office: User, unit: User, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    item = suggestion_register(actor=office, data=item_in(assigned_on=datetime.date(2026, 3, 2)))
    monkeypatch.setattr(svc, "today_beijing", lambda: datetime.date(2026, 3, 20))
    with pytest.raises(DomainError, match="已超过退回期限"):
        svc.suggestion_hand_back(actor=unit, pk=item.pk, version=1, reason="不属于本级职责")
    monkeypatch.setattr(svc, "today_beijing", lambda: datetime.date(2026, 3, 6))
    with pytest.raises(DomainError, match="退回理由"):
        svc.suggestion_hand_back(actor=unit, pk=item.pk, version=1, reason=" ")
    back = svc.suggestion_hand_back(actor=unit, pk=item.pk, version=1, reason="属于七里河区职责")
    assert back.state == SuggestionState.HANDED_BACK
    moved = svc.suggestion_reassign(
        actor=office, pk=item.pk, version=2, government_code="620103", department_id=None
    )
    assert moved.handler == "七里河区人民政府" and moved.state == SuggestionState.ASSIGNED
    assert (moved.assigned_on, moved.due_date) == (
        datetime.date(2026, 3, 6),
        datetime.date(2026, 6, 8),  # 06-06 is a Saturday (民法典 第二百零三条)
    )
    with pytest.raises(NotFound):  # no longer 城关区's
        svc.suggestion_reply(actor=unit, pk=item.pk, version=3, result="A", reply=REPLY)
    qilihe = make_user("reviewer_qlh", "reviewer", "620103")
    svc.suggestion_reply(actor=qilihe, pk=item.pk, version=3, result="A", reply=REPLY)


def test_figures_per_unit(office: User, unit: User, monkeypatch: pytest.MonkeyPatch) -> None:
    a = suggestion_register(actor=office, data=item_in(number="1"))
    b = suggestion_register(actor=office, data=item_in(number="2"))
    suggestion_register(actor=office, data=item_in(number="3", complex=True))
    monkeypatch.setattr(svc, "today_beijing", lambda: datetime.date(2026, 2, 1))
    svc.suggestion_reply(actor=unit, pk=a.pk, version=1, result="A", reply=REPLY)
    monkeypatch.setattr(svc, "today_beijing", lambda: datetime.date(2026, 3, 5))
    svc.suggestion_reply(actor=unit, pk=b.pk, version=1, result="C", reply=REPLY)
    svc.suggestion_feedback(actor=office, pk=a.pk, version=2, satisfaction="satisfied")
    svc.suggestion_feedback(actor=office, pk=b.pk, version=2, satisfaction="unsatisfied")
    (row,) = selectors.suggestion_figures(office, datetime.date(2026, 3, 5))
    assert (row.total, row.due, row.on_time, row.replied) == (3, 2, 1, 2)
    assert (row.on_time_rate, row.satisfaction_rate, row.solved_rate) == ("50%", "50%", "50%")


def test_figures_keep_two_units_of_one_name_apart(
    office: User, make_department: Callable[..., Department]
) -> None:
    """Two counties each have a 财政局: the prefecture's figures show two rows, not one."""
    cg = make_department("620102", "财政局")
    qlh = make_department("620103", "财政局")
    suggestion_register(actor=office, data=item_in(number="1", department_id=cg.pk))
    suggestion_register(
        actor=office, data=item_in(number="2", government_code="620103", department_id=qlh.pk)
    )
    rows = selectors.suggestion_figures(office, datetime.date(2026, 3, 5))
    assert [(row.unit, row.total) for row in rows] == [
        ("七里河区人民政府财政局", 1),
        ("城关区人民政府财政局", 1),
    ]


def test_the_api_registers_and_lists_in_reach(
    office: User, make_user: Callable[..., User], client: Client
) -> None:
    client.force_login(office)
    created = client.post(
        "/api/v1/suggestions",
        {
            "kind": "cppcc",
            "session": "兰州市政协第十五届五次会议",
            "number": "88",
            "title": "关于优化营商环境的提案",
            "proposer": "李娜",
            "government_code": "620102",
            "assigned_on": "2025-11-30",
            "complex": False,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["due_date"] == "2026-02-28" and body["kind_label"] == "政协委员提案"
    assert [s["number"] for s in client.get("/api/v1/suggestions").json()] == ["88"]
    bad = client.post(
        "/api/v1/suggestions",
        {
            "kind": "cppcc",
            "session": "x",
            "number": "89",
            "title": "t",
            "proposer": "p",
            "government_code": "6205",
            "assigned_on": "2025-11-30",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and "数据范围" in bad.json()["detail"]
    client.force_login(make_user("office_ts", "credit_office", "6205"))
    assert client.get("/api/v1/suggestions").json() == []
    step = client.post(
        f"/api/v1/suggestions/{body['id']}/feedback",
        {"version": 1, "satisfaction": "satisfied"},
        content_type="application/json",
    )
    assert step.status_code == 404
