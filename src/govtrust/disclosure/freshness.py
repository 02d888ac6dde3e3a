"""When what the public portal shows may have changed: the state a cached public page is keyed on.

A public search or record page changes when a publication is published, withdrawn or corrected
(each also a leaf of the transparency log), when its status line changes (异议处理中 / 信用修复中,
written by the remedies services with no log event), when a newer signed checkpoint appears in
the footer, when a period ends by the date alone (before the daily job withdraws the record), and
when a release changes the code. `public_changed()` is the one call every such write makes, in
its own transaction; `public_state()` reads the rest in one statement.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from govtrust.core.replica import read_connection
from govtrust.disclosure.models import PublicDataVersion
from govtrust.disclosure.rules import versions
from govtrust.ledger.models import Checkpoint, Head

# Bump when the cached responses' form changes without a new package version.
CACHE_FORMAT = 1


def public_changed() -> None:
    """Record that what the portal shows changed. Called inside the writing transaction, so the
    new number is visible exactly when the change is; a reader keyed on the old number never
    sees the new data under it (it reads the number first, the data after)."""
    table = connection.ops.quote_name(PublicDataVersion._meta.db_table)
    with connection.cursor() as cursor:
        # An upsert (SQLite >= 3.24, PostgreSQL >= 9.5): the row needs no migration to exist,
        # and a flushed test database gets it back.
        cursor.execute(
            f"INSERT INTO {table} (id, version) VALUES (1, 1) "  # noqa: S608 - fixed names
            f"ON CONFLICT (id) DO UPDATE SET version = {table}.version + 1"
        )


@functools.cache
def release() -> str:
    """A digest of the installation, of the code and templates that render public pages and of
    the static files' manifest (hashed CSS names in the HTML): a new release never serves a page
    cached by the old one, on any host sharing the cache. Read once per process."""
    package = Path(__file__).resolve().parent.parent
    files = sorted(
        [
            *(package / "disclosure").rglob("*.py"),
            *(package / "disclosure").rglob("*.html"),
            *(package / "templates").rglob("*.html"),
            package / "config" / "api.py",
        ]
    )
    manifest = Path(settings.STATIC_ROOT or "") / "staticfiles.json"
    # Installations sharing one Redis have different keys: one never answers with the other's.
    digest = hashlib.sha256(hashlib.sha256(settings.SECRET_KEY.encode()).digest())
    for path in [*files, manifest]:
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _rules_in_force(today: datetime.date) -> str:
    return ",".join(r.label for r in versions.RULES if r.in_force(today))


def public_state() -> str:
    """Everything a public page depends on besides its URL, as one string: the log's size, the
    latest checkpoint, the public-data version, the day (periods end by date; the rule versions
    in force follow from it), the rule versions and the release."""
    head = connection.ops.quote_name(Head._meta.db_table)
    checkpoint = connection.ops.quote_name(Checkpoint._meta.db_table)
    data = connection.ops.quote_name(PublicDataVersion._meta.db_table)
    # The same copy as the page's data: a key from the primary over a lagging replica's rows
    # would keep a stale page under the new key.
    with read_connection(PublicDataVersion).cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT size FROM {head} WHERE id = 1), "  # noqa: S608 - fixed names
            f"(SELECT MAX(id) FROM {checkpoint}), (SELECT version FROM {data} WHERE id = 1)"
        )
        size, latest, version = cursor.fetchone()
    today = timezone.localdate()
    return (
        f"{size or 0}.{latest or 0}.{version or 0}.{today.isoformat()}."
        f"{_rules_in_force(today)}.{release()}.{CACHE_FORMAT}"
    )
