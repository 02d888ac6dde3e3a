"""Generation counters: one row per kind of cached data, moved by every write to that data in the
writer's own transaction, and read with one cheap query by whoever holds a cache of it.

A writer calls `bump(name)` inside its transaction; database triggers (screening migration
0003 for `RESTRICTIONS`) move the same row on writes that bypass the services (a data migration,
a shell, a raw UPDATE), so no write can leave a cache standing. The new value becomes visible
exactly when the write commits; a reader reads the generation first and the data after, so the
data it caches is at least as new as the generation it caches it under: a stale cache is never
kept under a current generation. Each move also draws a random token: a transaction that moved
the counter and rolled back leaves no value another transaction could reach again with other
data (a cache built inside the rolled-back transaction keys on a token nobody sees again).
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connection, connections

from govtrust.core.models import Generation

# Measures (any column) and the names, keys and numbers of records: what screening's Index reads.
RESTRICTIONS = "restrictions"

_TOKEN = {
    "sqlite": "lower(hex(randomblob(8)))",
    "postgresql": "substr(md5(random()::text || clock_timestamp()::text), 1, 16)",
}


def upsert_sql(vendor: str, name: str) -> str:
    """The statement that moves generation `name` (also used verbatim by the triggers)."""
    table = Generation._meta.db_table
    token = _TOKEN[vendor]
    return (
        f"INSERT INTO {table} (name, value, token) VALUES ('{name}', 1, {token}) "  # noqa: S608
        f"ON CONFLICT (name) DO UPDATE SET value = {table}.value + 1, token = {token}"
    )


def bump(name: str) -> None:
    """Move generation `name`; call inside the transaction that changes its data."""
    with connection.cursor() as cursor:
        cursor.execute(upsert_sql(connection.vendor, name))


def current(name: str, using: str = DEFAULT_DB_ALIAS) -> tuple[int, str] | None:
    """(value, token) of generation `name` in database `using` (the copy the cached data is
    read from), or None when it has never moved: one statement."""
    reader = connections[using]
    table = reader.ops.quote_name(Generation._meta.db_table)
    with reader.cursor() as cursor:
        cursor.execute(f"SELECT value, token FROM {table} WHERE name = %s", [name])  # noqa: S608
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else None
