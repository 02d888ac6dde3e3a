"""Found by trying the redaction rules page as a hostile insider would: a custom pattern such as
`(a|aa)+$` previewed on a 40-character sample held a server worker for 30 s (500 at the
gunicorn timeout), and once approved would run on every publication. Patterns are now kept to
a subset that cannot backtrack catastrophically; refused in Chinese, nothing stored."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.test import Client

from govtrust.core.errors import DomainError
from govtrust.directory.models import User
from govtrust.disclosure.models import RedactionChange
from govtrust.disclosure.redaction import RuleSpec
from govtrust.disclosure.services_rules import redaction_change_propose, rules_preview

pytestmark = pytest.mark.django_db
PAGE = "/backoffice/redaction/"


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user("office_gs", "credit_office", "62")


def custom(pattern: str) -> RuleSpec:
    return RuleSpec(name="", label="测试", pattern=pattern, keep_head=0, keep_tail=0)


@pytest.mark.parametrize("pattern", [r"(a|aa)+$", r"(\d+)*x", r"\d*\d*\d*x", r"(a)\1"])
def test_a_pattern_that_can_backtrack_catastrophically_is_refused_fast(
    client: Client, office: User, pattern: str
) -> None:
    client.force_login(office)
    form = {
        "action": "preview",
        "custom-name": "",
        "custom-label": "测试",
        "custom-pattern": pattern,
        "custom-head": "0",
        "custom-tail": "0",
        "custom-state": "on",
        "sample": "a" * 60 + "1" * 1900 + "!",
    }
    started = time.monotonic()
    answer = client.post(PAGE, form, headers={"accept": "application/json"})
    assert time.monotonic() - started < 5
    assert answer.status_code == 400
    assert "回溯" in answer.json()["detail"]
    with pytest.raises(DomainError):
        redaction_change_propose(actor=office, rules=[custom(pattern)], note="新增")
    assert not RedactionChange.objects.exists()


def test_ordinary_patterns_still_preview(office: User) -> None:
    shown = rules_preview(
        actor=office, rules=[custom(r"QQ\d{5,11}"), custom(r"[A-Z]{2}\d{6,}")], sample="QQ12345678"
    )
    assert "12345678" not in shown
