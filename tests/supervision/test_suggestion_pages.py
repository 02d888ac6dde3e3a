"""The suggestion pages: the office registers on the list page, the unit replies on the item's
page, the office records the proposer's view, the figures follow."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from govtrust.directory.models import User
from govtrust.supervision.models import Suggestion, SuggestionState

pytestmark = pytest.mark.django_db


def test_register_reply_and_feedback_through_the_pages(
    make_user: Callable[..., User], client: Client
) -> None:
    office = make_user("office_lz", "credit_office", "6201")
    unit = make_user("reviewer_cg", "reviewer", "620102")
    client.force_login(office)
    assert 'id="register"' in client.get("/backoffice/suggestions/").content.decode()
    posted = client.post(
        "/backoffice/suggestions/register",
        {
            "kind": "deputy",
            "session": "兰州市第十七届人大五次会议",
            "number": "0042",
            "title": "关于增设社区养老服务站的建议",
            "proposer": "王芳",
            "government_code": "620102",
            "assigned_on": "2025-11-30",
        },
    )
    item = Suggestion.objects.get()
    assert posted.status_code == 302 and item.due_date.isoformat() == "2026-02-28"
    refused = client.post(
        "/backoffice/suggestions/register",
        {"kind": "deputy", "title": "x", "government_code": "6205", "assigned_on": "bad"},
        follow=True,
    )
    assert "交办日期" in refused.content.decode() or "请填写" in refused.content.decode()
    assert Suggestion.objects.count() == 1

    client.force_login(unit)
    page = client.get(f"/backoffice/suggestions/{item.pk}/").content.decode()
    assert 'id="reply"' in page and 'id="hand-back"' in page and 'id="feedback"' not in page
    client.post(
        f"/backoffice/suggestions/{item.pk}/reply",
        {"version": "1", "result": "A", "reply": "已在两个社区建成养老服务站并投入使用。"},
    )
    item.refresh_from_db()
    assert item.state == SuggestionState.REPLIED
    assert (
        client.post(
            f"/backoffice/suggestions/{item.pk}/feedback",
            {"version": "2", "satisfaction": "satisfied"},
        ).status_code
        == 403
    )

    client.force_login(office)
    client.post(
        f"/backoffice/suggestions/{item.pk}/feedback", {"version": "2", "satisfaction": "satisfied"}
    )
    item.refresh_from_db()
    assert item.state == SuggestionState.CLOSED
    figures = client.get("/backoffice/suggestions/").content.decode()
    assert "城关区人民政府" in figures and "100%" in figures
    client.force_login(make_user("office_ts", "credit_office", "6205"))
    assert client.get(f"/backoffice/suggestions/{item.pk}/").status_code == 404
