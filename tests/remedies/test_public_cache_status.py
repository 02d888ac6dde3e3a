"""The public status line (异议处理中 / 信用修复申请处理中) changes without a log event: the cached
public pages must still show it the moment it changes, and drop it when the case closes."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable, Iterator

import pytest
from django.db import connection
from django.test import Client

from govtrust.directory.models import User
from govtrust.disclosure.models import Publication
from govtrust.ledger.models import Leaf
from govtrust.remedies.services.filing import Filed
from govtrust.remedies.services.handling import case_act
from tests.remedies.test_repairs_reports import YESTERDAY, apply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def services_only() -> Iterator[None]:
    """Without the triggers of disclosure 0009 (dropped inside the test's transaction): the
    remedies services' own `public_changed()` must be enough."""
    migration = importlib.import_module("govtrust.disclosure.migrations.0010_public_data_version")
    sqlite = connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        for statement in migration.SQLITE_DROP if sqlite else migration.POSTGRES_DROP:
            cursor.execute(statement)
    yield


def lines(client: Client, publication: Publication) -> tuple[str, str, str]:
    """The status line on the record page, in the API record and in the API search."""
    page = client.get(f"/gs/records/{publication.number}/").content.decode()
    found = re.search(r'id="status-line">([^<]*)<', page)
    shown = found.group(1) if found else ""
    record = json.loads(client.get(f"/api/v1/public/records/{publication.number}").content)
    search = json.loads(client.get("/api/v1/public/records").content)
    (item,) = [i for i in search["items"] if i["number"] == publication.number]
    return shown, record["status_line"], item["status_line"]


def test_an_objection_shows_and_clears_on_cached_pages(
    objection: Callable[..., Filed], office: User, clerk: User, client: Client
) -> None:
    """GIVEN a published record whose pages are cached
    WHEN the credit office accepts an objection to it, and the unit later dismisses it
    THEN every public page shows 异议处理中 at once, and nothing after the dismissal, although
    neither step adds to the transparency log."""
    filed = objection()
    publication = Publication.objects.get(record=filed.case.record)
    assert lines(client, publication) == ("", "", "")
    leaves = Leaf.objects.count()
    case = case_act(number=filed.case.number, action="accept", actor=office, version=1)
    assert Leaf.objects.count() == leaves
    assert lines(client, publication) == ("异议处理中",) * 3
    case_act(number=case.number, action="dismiss", actor=clerk, version=case.version, reason="无误")
    assert Leaf.objects.count() == leaves
    assert lines(client, publication) == ("", "", "")


def test_a_repair_application_shows_on_cached_pages(
    published: Callable[..., Publication], client: Client
) -> None:
    publication = published()
    Publication.objects.filter(pk=publication.pk).update(minimum_end=YESTERDAY)
    assert lines(client, publication) == ("", "", "")
    apply(publication)
    assert lines(client, publication) == ("信用修复申请处理中",) * 3
