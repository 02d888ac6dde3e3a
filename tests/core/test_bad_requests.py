"""Input no view should ever see: NUL characters anywhere in a request (PostgreSQL fails on them)
and digits that are not ASCII digits. Each gets a 4xx, never a 500."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client

from govtrust.directory.models import User
from tests.conftest import record_payload

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


NUL_BODIES = [
    b'{"number": "YY\\u0000", "code": "x"}',  # the JSON escape, as clients send it
    b'{"number": "YY\\\\\\u0000", "code": "x"}',  # an escaped backslash, then the escape
    b'{"number": "YY\x00", "code": "x"}',  # a raw NUL byte
]


@pytest.mark.parametrize("body", NUL_BODIES)
@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_nul_in_a_json_body_is_refused_before_any_view(body: bytes, content_type: str) -> None:
    """Given a JSON body holding a NUL (escaped or raw), sent as JSON or as anything else the
    API would still parse, when it is posted, then the answer is a 400 in Chinese (on
    PostgreSQL the view would have failed with a 500)."""
    answer = Client().post("/api/v1/public/cases/follow", body, content_type=content_type)
    assert answer.status_code == 400
    assert answer.json() == {"detail": "请求含有非法字符（NUL），已拒绝", "errors": []}


def test_nul_in_a_record_body_creates_nothing(clerk: User) -> None:
    """Given a clerk, when a record is posted whose facts hold an escaped NUL,
    then it is refused with 400 and no record exists."""
    from govtrust.records.models import Record

    client = Client()
    client.force_login(clerk)
    body = json.dumps(record_payload(facts="事实\x00"))
    assert "\\u0000" in body
    answer = client.post("/api/v1/records", body, content_type="application/json")
    assert answer.status_code == 400 and "非法字符" in answer.json()["detail"]
    assert not Record.objects.exists()


def test_a_backslash_before_u0000_is_text_not_nul() -> None:
    """Given `\\\\u0000` in a JSON string (an escaped backslash, then the letters u0000),
    when it is posted, then it is ordinary text: the view answers (here: no such case)."""
    cache.clear()  # wrong-code counters of other tests
    body = b'{"number": "YY\\\\u0000", "code": "x"}'
    answer = Client().post("/api/v1/public/cases/follow", body, content_type="application/json")
    assert answer.status_code == 404


@pytest.mark.parametrize("size", ["abc", "12", 1e400, [1], {"n": 1}, 1.5, -1, True, None])
def test_log_verify_with_a_size_that_is_no_whole_number_is_a_client_error(size: object) -> None:
    """Given a saved checkpoint whose size is not a whole number,
    when it is sent to be verified, then the answer is a 4xx JSON error, not a 500."""
    checkpoint = {"size": size, "root": "00", "log_id": "x", "signature": "AA=="}
    answer = Client().post(
        "/api/v1/public/log/verify", {"checkpoint": checkpoint}, content_type="application/json"
    )
    assert answer.status_code in (400, 422) and answer.json()["detail"]


def test_a_lone_surrogate_in_a_json_body_is_refused_and_a_pair_is_text() -> None:
    """Given JSON strings with a lone UTF-16 surrogate escape and with a proper pair (an emoji),
    when each is posted, then the lone one is refused with 400 before any view (it cannot be
    encoded; the throttle's hash and the database failed with a 500) and the pair reaches the
    view (no such case)."""
    cache.clear()
    follow = "/api/v1/public/cases/follow"
    for body in (b'{"number": "YY\\ud800", "code": "x"}', b'{"number": "Y", "code": "\\uDFFF"}'):
        answer = Client().post(follow, body, content_type="application/json")
        assert answer.status_code == 400 and "代理项" in answer.json()["detail"]
    pair = b'{"number": "YY\\ud83d\\ude00", "code": "x"}'
    assert Client().post(follow, pair, content_type="application/json").status_code == 404


def test_far_dates_and_overlong_numbers_get_client_errors_not_500(
    clerk: User, reviewer: User, make_user: Callable[..., User]
) -> None:
    """Red-team findings: the deadline tool overflowed past 9999-12-30; a version typed as
    "abc" or "1e3" and a 5,000-digit row id crashed the transition and bulk forms."""
    client = Client()
    far = client.get("/api/v1/tools/deadline?from=9999-12-30&working_days=1")
    assert far.status_code == 422
    client.force_login(clerk)
    for version in ("abc", "1e3", "9" * 5000):
        answer = client.post("/records/1/submit/", {"version": version})
        assert answer.status_code in (302, 404), answer.status_code
    client.force_login(reviewer)
    answer = client.post("/records/review/bulk/", {"ids": ["9" * 5000], "action": "accept"})
    assert answer.status_code == 302
    client.force_login(make_user("office_bad", "credit_office", "62"))
    assert client.post("/backoffice/publish/", {"ids": ["9" * 5000]}).status_code in (200, 302)


def test_dates_outside_the_calendar_are_refused_in_words(
    clerk: User, make_user: Callable[..., User]
) -> None:
    """Red-team findings: a record decided on 0001-01-01 was accepted, and a rule revision
    taking effect on 9999-12-31 froze the rule for good."""
    client = Client()
    client.force_login(clerk)
    ancient = record_payload(decision_date="0001-01-01", arose_on="0001-01-02")
    answer = client.post("/api/v1/records", ancient, content_type="application/json")
    assert answer.status_code == 422
    assert "1949-10-01" in json.dumps(answer.json(), ensure_ascii=False)
    client.force_login(make_user("office_rules", "credit_office", "62"))
    revision = {
        "changes": {"title": "远期修订"},
        "valid_from": "9999-12-31",
        "note": "测试",
        "legal_source": "测试",
    }
    answer = client.post(
        "/api/v1/measure-rules/CS-AWARDS/revisions", revision, content_type="application/json"
    )
    assert answer.status_code == 400 and "天之后" in answer.json()["detail"]
