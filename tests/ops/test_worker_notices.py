"""Every page whose work the background worker does says so when the worker is silent (no
heartbeat within the configured minute), and says nothing while it beats."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.template import engines
from django.test import Client
from django.urls import reverse

from govtrust.core import heartbeat
from govtrust.directory.models import User

pytestmark = pytest.mark.django_db

NOTICE = "后台处理程序已超过 1 分钟没有报告"

# (role, page, what the page says waits on the worker)
PAGES = [
    ("sysadmin", "system", "定时备份和“立即备份”"),
    ("clerk", "records:reminders", "每日生成报送期限临近和逾期的提醒"),
    ("credit_office", "sanctions:ledger", "逾期整改的每日提醒和通报上级政府"),
    ("credit_office", "publication-rules", "重新确定已公示记录的公示期限"),
    ("credit_office", "remedies-staff:queue", "期限临近和逾期的提醒邮件"),
    ("credit_office", "supervision:overview", "逾期未报告任务的每日提醒和通报上级政府"),
    ("credit_office", "inspections:list", "整改期限临近和逾期的每日提醒"),
    ("reviewer", "inspections:answering", "整改期限临近和逾期的每日提醒"),
]


@pytest.mark.parametrize(("role", "name", "waits"), PAGES)
def test_a_page_waiting_on_the_worker_says_when_it_is_silent(
    client: Client, make_user: Callable[..., User], role: str, name: str, waits: str
) -> None:
    """GIVEN no worker heartbeat, then a worker that beats
    WHEN the role opens a page whose work the worker does (reminders, escalation, backups,
    period re-evaluation, case reminders)
    THEN while silent the page says in Chinese what is not being done and whom to ask; once
    the worker beats, the notice is gone."""
    cache.delete(heartbeat.KEY)
    client.force_login(make_user(f"u-{role}", role, "62"))
    silent = client.get(reverse(name))
    assert silent.status_code == 200
    html = silent.content.decode()
    assert NOTICE in html and waits in html and "govtrust worker" in html
    heartbeat.beat()
    assert NOTICE not in client.get(reverse(name)).content.decode()


def test_the_exchange_section_of_a_record_uses_the_same_notice() -> None:
    """The record page's 报送省平台 section (delivered by the worker's exchange job) renders the
    notice only while the worker is silent."""
    template = engines["django"].from_string(
        '{% load operations %}{% worker_notice "向省平台报送和接收回执" %}'
    )
    cache.delete(heartbeat.KEY)
    assert "向省平台报送和接收回执由它完成" in template.render({})
    heartbeat.beat()
    assert template.render({}).strip() == ""
