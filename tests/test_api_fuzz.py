"""Every API operation under generated input, valid and invalid (schemathesis strategies from the
OpenAPI document, sent through the WSGI application): no request gets a server error. Bad input
is the caller's fault, answered with a 4xx in Chinese (architecture.md, security baseline).

Examples are derandomized, so a run is reproducible and CI does not flicker; the generation
still covers each operation's parameters and bodies, valid and broken. About a third of the cases
also carry a NUL character inside one of their strings (path, query or body): PostgreSQL refuses
NUL in text, so each must be answered with a 4xx before it reaches the database. CI runs this
file on SQLite and on PostgreSQL (DATABASE_URL)."""

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
from hypothesis import strategies as st
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
NUL = "\x00"
Place = tuple[dict[Any, Any] | list[Any], Any]


def _strings(value: Any, places: list[Place]) -> None:
    """Where strings sit inside `value` (a dict or list), as (container, key) pairs."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if isinstance(item, str):
            places.append((value, key))
        elif isinstance(item, dict | list):
            _strings(item, places)


@SCHEMA.hook
def flatmap_case(context: Any, case: Any) -> st.SearchStrategy[Any]:
    """A third of the cases: a NUL put into one of the case's strings, at a drawn position.
    (Schemathesis may draw NUL itself, but in 25 derandomized examples it seldom does.)"""
    parts: list[Any] = [case.path_parameters or {}, case.query or {}, case.body]
    places: list[Place] = []
    _strings(parts, places)
    if not places:
        return st.just(case)

    def insert(choice: tuple[bool, int, int]) -> Any:
        wanted, which, at = choice
        if wanted:
            container, key = places[which]
            text = container[key]
            cut = at % (len(text) + 1)
            container[key] = text[:cut] + NUL + text[cut:]
            case.body = parts[2]  # a body that is itself one string was replaced in `parts`
        return case

    wanted = st.sampled_from([False, False, True])
    return st.tuples(wanted, st.integers(0, len(places) - 1), st.integers(0, 64)).map(insert)


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


def test_generated_cases_carry_nul_characters() -> None:
    """Given the hook above, when cases of an operation with a JSON body are generated,
    then some carry a NUL in the body (the hook is not silently unused)."""
    operation = SCHEMA.find_operation_by_label("POST /api/v1/public/cases/follow")
    assert operation is not None

    def body_has_nul(case: Any) -> bool:
        places: list[Place] = []
        _strings([case.body], places)
        return any(NUL in container[key] for container, key in places)

    seen: list[bool] = []

    @settings(
        max_examples=30, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
    def draw(case: Any) -> None:
        seen.append(body_has_nul(case))

    draw()
    assert any(seen) and not all(seen)
