"""A prefix filter as an indexed range: the same rows as `startswith`, and the index is used."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from govtrust.core.prefix import prefix_range
from govtrust.directory.models import Department, User
from govtrust.records.models import Record


def test_the_bound_is_the_next_string_after_every_extension() -> None:
    """Given division codes, when their range is taken, then the upper bound is the code with
    its last character raised by one."""
    assert prefix_range("62") == ("62", "63")
    assert prefix_range("6201") == ("6201", "6202")
    assert prefix_range("62019") == ("62019", "6202")
    assert prefix_range("6299") == ("6299", "63")
    assert prefix_range("99") == ("99", "9:")
    assert prefix_range("6\U0010ffff") == ("6\U0010ffff", "7")
    assert prefix_range("a\ud7ff") == ("a\ud7ff", "a\ue000")
    with pytest.raises(ValueError, match="empty prefix"):
        prefix_range("")
    with pytest.raises(ValueError, match="empty prefix"):
        prefix_range("\U0010ffff")


@given(
    code=st.text(min_size=1, max_size=6).filter(lambda c: c.strip("\U0010ffff")),
    text=st.text(max_size=10),
)
def test_the_range_holds_exactly_the_strings_with_the_prefix(code: str, text: str) -> None:
    """Given any prefix and any string (code point order, as Python compares), then the string
    is in the range exactly when it starts with the prefix."""
    low, high = prefix_range(code)
    assert (low <= text < high) is text.startswith(code)
    assert (low <= code + text < high) is True


@pytest.mark.django_db
def test_the_range_selects_what_startswith_selects(
    make_department: Callable[..., Department],
) -> None:
    """Given departments of the province, two prefectures, their counties and 兰州新区, when
    they are filtered by each code's range and by `startswith`, then both give the same rows
    (on SQLite and PostgreSQL, whatever the database's collation)."""
    for code in ("62", "6201", "620102", "620171", "6202", "620201", "6205"):
        make_department(code, f"{code}财政局")
    for code in ("62", "6201", "620102", "6202", "6205", "63"):
        low, high = prefix_range(code)
        ranged = Department.objects.filter(division_code__gte=low, division_code__lt=high)
        prefixed = Department.objects.filter(division_code__startswith=code)
        assert sorted(ranged.values_list("pk", flat=True)) == sorted(
            prefixed.values_list("pk", flat=True)
        )
    assert (
        Department.objects.filter(division_code__gte="6201", division_code__lt="6202").count() == 3
    )


@pytest.mark.django_db
def test_the_records_scope_range_uses_the_index_on_sqlite(clerk: User) -> None:
    """Given the records table on SQLite, when the scope filter is a range, then the query plan
    searches the division_code index instead of scanning the table (a LIKE 'code%' scans it)."""
    if connection.vendor != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    low, high = prefix_range(clerk.scope_code)
    ranged = Record.objects.filter(division_code__gte=low, division_code__lt=high)
    liked = Record.objects.filter(division_code__startswith=clerk.scope_code)

    def plan(qs: object) -> str:
        sql, params = qs.query.sql_with_params()  # type: ignore[attr-defined]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return " | ".join(str(row[-1]) for row in cursor.fetchall())

    assert "USING INDEX" in plan(ranged) and "division_code" in plan(ranged)
    assert "SCAN records_record" in plan(liked)  # why the range: the LIKE is not indexed
