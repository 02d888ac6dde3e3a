"""A refusal is logged as one line, never with a traceback; a server error keeps its traceback."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from govtrust.directory.models import User


def _console_output(run: Callable[[], object]) -> str:
    handler = next(h for h in logging.getLogger("django").handlers if h.filters)
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        run()
    finally:
        handler.setStream(old)
    return stream.getvalue()


@pytest.mark.django_db
def test_forbidden_page_logs_one_line_without_traceback(client: Client, clerk: User) -> None:
    client.force_login(clerk)
    responses = []
    out = _console_output(lambda: responses.append(client.get(reverse("system"))))
    assert responses[0].status_code == 403
    assert "Forbidden" in out
    assert "Traceback" not in out


def test_server_error_keeps_its_traceback() -> None:
    from django.http import HttpResponse
    from django.utils.log import log_response

    def fail() -> None:
        try:
            raise RuntimeError("boom")
        except RuntimeError as exc:
            log_response("Internal Server Error", response=HttpResponse(status=500), exception=exc)

    out = _console_output(fail)
    assert "Traceback" in out and "boom" in out
