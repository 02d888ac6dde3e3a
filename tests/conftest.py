"""Shared fixtures: the Gansu directory, units, people and accounts, built with the services."""

from __future__ import annotations

import datetime
import importlib
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from govtrust.core.identifiers import compose_ric, compose_uscc
from govtrust.directory import totp
from govtrust.directory.models import Department, Division, Government, User
from govtrust.directory.services import department_create, divisions_load, user_create
from govtrust.directory.services_mfa import totp_begin, totp_confirm

PASSWORD = "Test-Pass-2026"
_serial = itertools.count(10_000_000)


def new_uscc(division: str = "620102") -> str:
    return compose_uscc("11", division.ljust(6, "0")[:6], str(next(_serial)))


def new_ric(birth: str = "19800101", place: str = "620102") -> str:
    return compose_ric(f"{place}{birth}{next(_serial) % 1000:03d}")


@pytest.fixture(autouse=True)
def witness_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test its own witness directory (created on first write): the witness file outlives
    the test's database, and one left by another test would report a rollback."""
    path = tmp_path_factory.getbasetemp() / "witness" / str(next(_serial))
    monkeypatch.setenv("GOVTRUST_WITNESS_DIR", str(path))
    return path


@pytest.fixture(autouse=True)
def added_rule_versions(request: pytest.FixtureRequest) -> Iterator[None]:
    """Publication rule versions added on the rules page are read from the database: a test with
    a database reads its own (none left cached from another test), a test without one reads
    none (the rule engine's pure tests)."""
    from govtrust.disclosure.rules import periods
    from govtrust.disclosure.services_versions import forget, load_added

    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db"} & set(request.fixturenames)
    )
    if uses_db:
        forget()
        yield
        forget()
    else:
        periods.use_added_versions(None)
        yield
        periods.use_added_versions(load_added)


@pytest.fixture(autouse=True)
def public_cache_empty() -> None:
    """The public page cache keys on the log's size and the data version, which start again with
    each test's database: a page cached by an earlier test must not answer for this one."""
    from django.core.cache import caches

    caches["public"].clear()


@pytest.fixture
def directory(db: None) -> None:
    """The shipped Gansu divisions and governments (loaded once per test database state)."""
    if not Division.objects.exists():
        divisions_load()


def government(code: str) -> Government:
    return Government.objects.get(division_id=code)


@pytest.fixture
def make_department(directory: None) -> Callable[..., Department]:
    def make(code: str = "620102", name: str = "城关区财政局", **kwargs: Any) -> Department:
        existing = Department.objects.filter(government__division_id=code, name=name).first()
        if existing is not None:
            return existing
        return department_create(government=government(code), name=name, uscc=new_uscc(code))

    return make


@pytest.fixture
def make_user(directory: None, make_department: Callable[..., Department]) -> Callable[..., User]:
    def make(username: str, role: str, code: str, department: str | None = None) -> User:
        dept = make_department(code, department) if department else None
        return user_create(
            username=username,
            role=role,
            unit=government(code),
            department=dept,
            password=PASSWORD,
        )

    return make


def totp_enrol(user: User) -> str:
    """Set up the TOTP second factor as the set-up page does; returns the secret, from which
    `totp_next_code` computes what the user's authenticator app would show."""
    secret = totp_begin(user=user)
    totp_confirm(user=user, code=totp.code_at(secret, totp.step_at()))
    return secret


def totp_next_code(user: User, secret: str) -> str:
    """A code the sign-in accepts now: the earliest step within the allowed drift that comes
    after the last one used (a code is never accepted twice)."""
    user.refresh_from_db()
    last = user.totp_last_step if user.totp_last_step is not None else -1
    step = max(totp.step_at() - totp.DRIFT, last + 1)
    assert step <= totp.step_at() + totp.DRIFT, "no unused code left in this window"
    return totp.code_at(secret, step)


@pytest.fixture
def clerk(make_user: Callable[..., User]) -> User:
    return make_user("clerk_cg", "clerk", "620102", "城关区财政局")


@pytest.fixture
def reviewer(make_user: Callable[..., User]) -> User:
    """The reviewer of the government above the clerk's (兰州市)."""
    return make_user("reviewer_lz", "reviewer", "6201")


@pytest.fixture
def sibling_reviewer(make_user: Callable[..., User]) -> User:
    """A reviewer of a sibling prefecture (天水市): must never see 兰州 records."""
    return make_user("reviewer_ts", "reviewer", "6205")


def record_payload(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "subject_kind": "civil_servant",
        "subject_name": "王伟",
        "subject_identifier": new_ric(),
        "source_type": "penalty",
        "domain": "procurement",
        "decision_number": f"兰财罚〔2025〕{next(_serial)}号",
        "decision_date": "2025-09-26",
        "authority_name": "兰州市财政局",
        "authority_uscc": "",
        "facts": "未按合同约定期限支付中小企业货款。",
        "basis": "《保障中小企业款项支付条例》第八条",
        "outcome": "责令限期支付并通报批评",
        "amount": "12.5",
        "severity": "general",
        "arose_on": "2025-09-26",
    }
    data.update(overrides)
    return data


_TRIGGER_MIGRATIONS = ("0003_audit_append_only", "0004_auditseal_truncate_refused")


def _trigger_statements(kind: str) -> list[str]:
    """The SQL of the audit triggers' migrations for this database (`kind`: "" or "_DROP")."""
    name = ("SQLITE" if connection.vendor == "sqlite" else "POSTGRES") + kind
    modules = [
        importlib.import_module(f"govtrust.core.migrations.{m}") for m in _TRIGGER_MIGRATIONS
    ]
    return [statement for module in modules for statement in getattr(module, name, [])]


@pytest.fixture
def audit_triggers_dropped_after() -> Iterator[None]:
    """For transactional tests: Django empties tables after the test with DELETE (SQLite) or
    TRUNCATE (PostgreSQL), which the append-only triggers refuse; drop them at teardown (the next
    test re-creates them)."""
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_delete")
        for statement in _trigger_statements("_DROP"):
            cursor.execute(statement)


@pytest.fixture(autouse=True)
def _audit_triggers(request: pytest.FixtureRequest) -> None:
    """Make sure the append-only triggers exist for every test that touches the database."""
    names = request.fixturenames
    if "transactional_db" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    else:
        return

    with connection.cursor() as cursor:
        for statement in _trigger_statements(""):
            cursor.execute(statement)
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in names or (marker is not None and marker.kwargs.get("transaction")):
        _migration_data_again()


def _migration_data_again() -> None:
    """pytest-django runs transactional tests last, and Django empties every table after each:
    what a data migration loaded (the default measure catalogue, sanctions 0002, which drafts
    notices and issues measures) is gone for the next one. Load it again, as the migration did."""
    from govtrust.measures.models import MeasureRule
    from govtrust.measures.rules.defaults import DEFAULT_RULES

    for data in DEFAULT_RULES:
        if not MeasureRule.objects.filter(code=data["code"]).exists():
            MeasureRule.objects.create(version=1, valid_from=datetime.date(2017, 6, 28), **data)


TODAY = datetime.date.today()
