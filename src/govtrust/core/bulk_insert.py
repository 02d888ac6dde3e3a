"""Insert many model instances with one `executemany` per table.

`bulk_create` is the right tool almost everywhere, but for bulk intake it is most of the time:
Django caps SQLite statements at 999 parameters (a 38-column record goes in 26 rows at a time) and
passes every value through the compiler's per-value preparation. Here each column's conversion is
chosen once per call, values that need none are passed as they are, and the database receives
one prepared statement for all rows. Returns nothing: callers that need the new primary keys read
them back by a unique column (see `ids_by`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models

# Field classes whose Python values the database driver accepts as they are.
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,  # also PositiveIntegerField, BigIntegerField, SmallIntegerField
    models.BooleanField,
    models.BinaryField,  # bytes go to both drivers as they are
)


class JsonText(str):
    """A JSON value already encoded, stored as this very text: the audit chain hashes the
    canonical JSON of each event, and encoding it a second time for the insert doubled the
    cost."""


def _json_text(text: JsonText) -> Any:
    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        return Jsonb(text, dumps=str)  # the "dumps" of text already encoded is the text
    return str(text)


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    if isinstance(field, models.ForeignKey):
        return _converter(field.target_field)  # a foreign key stores its target's value
    if isinstance(field, _PLAIN):
        return None
    if isinstance(field, models.JSONField):
        return lambda value: (
            _json_text(value)
            if isinstance(value, JsonText)
            else field.get_db_prep_save(value, connection)
        )
    # Dates, times, amounts and bytes repeat across a batch (one `now`, a few hundred dates),
    # and their preparation (time-zone handling, decimal quantising) is the costly part.
    prepared: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        if value not in prepared:
            prepared[value] = field.get_db_prep_save(value, connection)
        return prepared[value]

    return convert


def insert_many(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Insert `objects` (new, unsaved) in one statement per call. `auto_now`/`auto_now_add`
    fields are filled as `save()` would fill them."""
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    stamped = [f for f in fields if getattr(f, "auto_now", 0) or getattr(f, "auto_now_add", 0)]
    for obj in objects:
        for f in stamped:
            f.pre_save(obj, add=True)
    attnames = [f.attname for f in fields]
    insert_rows(model, attnames, ([getattr(obj, a) for a in attnames] for obj in objects))


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert rows given as sequences of Python values, in the order of `columns` (attnames:
    `record_id`, not `record`), in one statement; returns the number of rows. No model instance
    is built: bulk intake hands over tuples straight from its validated rows. Values are
    converted as `insert_many` converts them; the caller fills every column (defaults and
    `auto_now` included)."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    fields = [by_attname[name] for name in columns]
    plan = [(i, convert) for i, f in enumerate(fields) if (convert := _converter(f)) is not None]
    if plan:
        converted = []
        for row in rows:
            values = list(row)
            for i, convert in plan:
                values[i] = convert(values[i])
            converted.append(values)
        params: Sequence[Sequence[Any]] = converted
    else:
        params = rows if isinstance(rows, list) else list(rows)
    if not params:
        return 0
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)


def select_in(
    model: type[models.Model],
    columns: Sequence[str],
    column: str,
    keys: Iterable[Any],
    *,
    not_equal: tuple[str, Any] | None = None,
) -> list[tuple[Any, ...]]:
    """`columns` of the rows whose `column` is one of `keys` (and, with `not_equal`, whose
    given column differs from a value), as plain tuples. The ORM's `__in` prepares every key
    through the lookup machinery; for the thousand keys of an intake chunk that cost more than
    the query, so the statement is written here (column names quoted, values bound)."""
    keys = list(keys)
    quote = connection.ops.quote_name
    by_name = {f.name: f.column for f in model._meta.concrete_fields}
    wanted = ", ".join(quote(by_name[c]) for c in columns)
    table, key = quote(model._meta.db_table), quote(by_name[column])
    extra, extra_params = "", []
    if not_equal is not None:
        extra = f" AND {quote(by_name[not_equal[0]])} <> %s"
        extra_params = [not_equal[1]]
    found: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        # In slices: SQLite builds before 3.32 allow only 999 bound parameters.
        for start in range(0, len(keys), 900):
            part = keys[start : start + 900]
            marks = ", ".join(["%s"] * len(part))
            sql = f"SELECT {wanted} FROM {table} WHERE {key} IN ({marks}){extra}"  # noqa: S608
            cursor.execute(sql, [*part, *extra_params])
            found += cursor.fetchall()
    return found


def ids_by(model: type[models.Model], column: str, keys: Iterable[str]) -> dict[str, int]:
    """Primary keys of just-inserted rows, by a unique column."""
    pk = model._meta.pk
    if pk is None:  # abstract models only
        raise TypeError(f"{model.__name__} has no primary key")
    return dict(select_in(model, [column, pk.name], column, keys))
