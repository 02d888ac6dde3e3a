"""Found by trying the rules page as an attacker and a lawyer would (issue 12): a version marked
仅内部使用 carries no terms, so the check against the national minimums did not see it, and
two members of the provincial credit office could take serious administrative penalties off the
portal — and, by 从旧兼从轻, end every live one — against the national texts."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client

from govtrust.core.clock import today_beijing
from govtrust.core.errors import DomainError
from govtrust.directory.models import User
from govtrust.disclosure.models import PublicationRuleVersion
from govtrust.disclosure.services_versions import VersionIn, rule_version_propose
from tests.remedies.conftest import fresh_counters, office

__all__ = ["fresh_counters", "office"]
pytestmark = pytest.mark.django_db
PAGE = "/backoffice/publication-rules/"


def internal_rule(source: str, severities: tuple[str, ...]) -> VersionIn:
    return VersionIn(
        title="甘肃省某领域信用信息管理规定",
        doc_number="甘发改财金〔2026〕98号",
        article="第三条",
        effective_from=today_beijing() + datetime.timedelta(days=1),
        source_types=(source,),
        severities=severities,
        internal=True,
    )


@pytest.mark.parametrize("severity", ["general", "serious"])
def test_an_internal_version_cannot_hide_what_the_national_rule_publishes(
    office: User, severity: str
) -> None:
    with pytest.raises(DomainError) as caught:
        rule_version_propose(actor=office, spec=internal_rule("penalty", (severity,)))
    assert "不能规定不予公示" in caught.value.detail
    assert not PublicationRuleVersion.objects.exists()


def test_the_page_refuses_it_in_words_and_stores_nothing(
    client: Client, office: User, make_user: Callable[..., User]
) -> None:
    client.force_login(office)
    response = client.post(
        PAGE,
        {
            "title": "测试内部规则",
            "doc_number": "甘发改〔2027〕1号",
            "article": "第一条",
            "effective_from": str(today_beijing() + datetime.timedelta(days=3)),
            "source_types": ["penalty", "breach"],
            "severities": ["general", "serious"],
            "internal": "1",
            "transitional": "lighter",
        },
    )
    assert response.status_code == 400
    assert "不能规定不予公示" in response.content.decode()
    assert not PublicationRuleVersion.objects.exists()


def test_an_internal_version_of_what_is_internal_anyway_or_minor_is_still_accepted(
    office: User,
) -> None:
    """Discipline is internal nationally; 轻微 penalties are not published in principle."""
    rule_version_propose(actor=office, spec=internal_rule("discipline", ("serious",)))
    rule_version_propose(actor=office, spec=internal_rule("penalty", ("minor",)))
    assert PublicationRuleVersion.objects.count() == 2
