"""Input no view should ever see: NUL characters anywhere in a request (PostgreSQL fails on them)
and digits that are not ASCII digits. Each gets a 4xx, never a 500."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from govtrust.directory.models import User

pytestmark = pytest.mark.django_db


def test_nul_in_a_path_a_query_or_a_form_is_refused_before_any_view() -> None:
    client = Client()
    for path in ("/gs/notices/%00abc/", "/gs/records/%00/", "/?q=%E7%8E%8B%00"):
        answer = client.get(path)
        assert answer.status_code == 400 and "非法字符" in answer.content.decode()
    api = client.get("/api/v1/public/documents/AB%00CD")
    assert api.status_code == 400 and api.json()["detail"].startswith("请求含有非法字符")
    form = client.post("/gs/track/", {"number": "YY\x00", "code": "x"})
    assert form.status_code == 400


def test_a_code_with_a_slash_and_superscript_digits_get_answers_not_errors(
    make_user: Callable[..., User],
) -> None:
    client = Client()
    typed = client.get("/gs/verify/", {"code": "ab/cd"})
    assert typed.status_code == 302 and typed["Location"] == "/gs/verify/ABCD/"
    assert client.get(typed["Location"]).status_code == 404
    office = make_user("office_gs", "credit_office", "62")
    client.force_login(office)
    judged = client.post("/backoffice/screenings/SC20261128000001/judge/", {"row": "²"})
    assert judged.status_code == 404
    revised = client.post(
        "/backoffice/measures/rules/CS-AWARDS/revise/",
        {"period-0": "²", "valid_from": "2099-01-01", "legal_source": "x", "note": "y"},
        follow=True,
    )
    assert revised.status_code == 200 and "期限应为" in revised.content.decode()
