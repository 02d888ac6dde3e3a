"""The measure rule catalogue page, and revisions checked before they are stored."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from govtrust.core.errors import DomainError
from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.measures.models import MeasureRule
from govtrust.measures.rules.schema import check_changes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"measures": [{"kind": "awards", "months": "abc"}]}, "期限应为 1 至 120 月的整数"),
        ({"measures": [{"kind": "awards", "months": 0}]}, "期限应为"),
        ({"measures": [{"kind": "awards", "months": True}]}, "期限应为"),
        ({"measures": [{"kind": "awards", "months": 6, "working_days": 5}]}, "期限应为 months"),
        ({"measures": [{"kind": "awards"}]}, "限制评优评先”的期限应为 months（月）"),
        ({"measures": [{"kind": "rectification", "months": 3}]}, "期限应为 working_days"),
        ({"measures": [{"kind": "criticism", "months": 3}]}, "公开通报批评”不设期限"),
        (
            {"measures": [{"kind": "awards", "months": 6}, {"kind": "awards", "months": 12}]},
            "只能出现一次",
        ),
        ({"severities": [["general"]]}, "严重程度应为"),
        ({"mitigation": {"recovered": ["lift"]}}, "lift"),
        ({"measures": []}, "至少要有一项措施"),
        ({"measures": [{"kind": "fine"}]}, "未知的措施"),
        ({"severities": ["catastrophic"]}, "严重程度应为"),
        ({"mitigation": {"recovered": "forgive"}}, "lift"),
        ({"title": ""}, "规则名称"),
        ({"valid_to": "2027-01-01"}, "不能修订的内容"),
    ],
)
def test_a_wrong_revision_is_refused_in_chinese(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(DomainError) as refused:
        check_changes(changes)
    assert message in refused.value.detail


def test_the_office_revises_a_rule_from_the_page(
    make_user: Callable[..., User], reviewer: User
) -> None:
    office = make_user("office_gs", "credit_office", "62")
    client = Client()
    client.force_login(reviewer)
    page = client.get("/backoffice/measures/rules/").content.decode()
    assert "CS-AWARDS" in page and "限制评优评先（12 月）" in page
    assert "修订此规则" not in page  # a reviewer reads, the provincial office revises
    assert client.post("/backoffice/measures/rules/CS-AWARDS/revise/").status_code == 403

    client.force_login(office)
    assert "修订此规则" in client.get("/backoffice/measures/rules/").content.decode()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = {
        "title": "公务员限制评优评先（延长）",
        "period-0": "24",
        "severities": ["general", "serious"],
        "subject_kinds": ["civil_servant"],
        "mitigation-recovered": "halve",
        "mitigation-stopped": "lift",
        "valid_from": tomorrow.isoformat(),
        "legal_source": "省信用办2026年第3号决定",
        "note": "限制期延长至2年",
    }
    bad = client.post("/backoffice/measures/rules/CS-AWARDS/revise/", {**form, "period-0": "0"})
    assert bad.status_code == 302 and MeasureRule.objects.filter(code="CS-AWARDS").count() == 1
    done = client.post("/backoffice/measures/rules/CS-AWARDS/revise/", form, follow=True)
    assert "第 2 版自" in done.content.decode()
    revised = MeasureRule.objects.get(code="CS-AWARDS", version=2)
    assert revised.measures == [{"kind": "awards", "months": 24}]
    assert revised.mitigation == {"recovered": "halve", "stopped": "lift"}
    assert revised.severities == ["general", "serious"]
    assert AuditEvent.objects.filter(action="measure_rule.revise", object_id="CS-AWARDS").exists()
    page = client.get("/backoffice/measures/rules/").content.decode()
    assert "历史版本（1）" in page and "限制评优评先（24 月）" in page
