"""Every API operation under generated input, valid and invalid (schemathesis strategies from the
OpenAPI document, sent through the WSGI application): no request gets a server error. Bad input
is the caller's fault, answered with a 4xx in Chinese (architecture.md, security baseline).

Examples are derandomized, so a run is reproducible and CI does not flicker; the generation
still covers each operation's parameters and bodies, valid and broken."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok

from govtrust.config.api import api
from govtrust.directory.models import User
from govtrust.directory.services import token_create

EXAMPLES = 25  # per operation and mode: ~100 runs, about a minute in all
SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
# An operation the schema cannot describe (Err) would fail here, at collection, loudly.
LABELS = sorted(
    result.ok().label for result in SCHEMA.get_all_operations() if isinstance(result, Ok)
)
assert len(LABELS) == len(list(SCHEMA.get_all_operations())), "the OpenAPI document is invalid"


@pytest.fixture
def bearer(make_user: Callable[..., User]) -> Iterator[dict[str, str]]:
    cache.clear()  # rate-limit windows of other tests
    # As Django's test client does: a request must not close the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    office = make_user("office_fuzz", "credit_office", "62")
    yield {"Authorization": f"Bearer {token_create(user=office)}"}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("label", LABELS)
def test_no_server_error(label: str, mode: GenerationMode, bearer: dict[str, str]) -> None:
    app = get_wsgi_application()
    SCHEMA.app = app
    operation = SCHEMA.find_operation_by_label(label)
    assert operation is not None

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        response = case.call(headers=bearer, app=app)
        case.validate_response(response, checks=[not_a_server_error])

    try:
        run()
    except Unsatisfiable:
        # A path of plain strings and no body: there is no invalid input to generate.
        assert mode is GenerationMode.NEGATIVE
        pytest.skip("nothing in this operation can be made invalid")
