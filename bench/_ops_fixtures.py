"""Fixtures of the operations benchmarks: the search benchmark's published records with their
transparency log added, so that a restored copy passes `govtrust verify --deep`.

The search fixture (`_search_fixtures.py`) loads records and publications only; every publication
names a leaf (`leaf_index` = its id - 1) that it never wrote. Here each publication's publish event
is appended as the service would have appended it (the commitment to its stored view and salt,
the time it was published) and the tree's full nodes are stored, with raw `executemany`.
The search generator names the prefecture and county of a few units (the province, 兰州新区)
differently from the service; those views are rewritten with the service's names first (neither
is searched), so that `verify --deep` rebuilds every view from its record. The
result is cached beside the search cache (`CACHE_ROOT/v<FORMAT>-<records>/`) and copied into each
run's GOVTRUST_VAR_DIR; the checkpoint is signed in the run's directory (its keys are made there).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import _search_fixtures as fx

FORMAT = 2  # bump when the added log changes (2: nodes keyed by their tree position)
CACHE_ROOT = Path(
    os.environ.get("GOVTRUST_BENCH_OPS_CACHE") or Path(tempfile.gettempdir()) / "govtrust-bench-ops"
)
CHUNK = 20_000


@dataclass(frozen=True)
class Installation:
    path: Path  # the run's database
    records: int
    cached: bool
    build_seconds: float  # this run's build of what was not cached (0 when all was)
    copy_seconds: float
    picks: dict[str, str]
    size_bytes: int


def prepare(records: int, progress: fx.Progress) -> Installation:
    """The run's database: records, publications and their log (cached), a signed checkpoint."""
    from govtrust.ledger.services import checkpoint_sign

    cache = CACHE_ROOT / f"v{FORMAT}-{records}"
    started = time.perf_counter()
    cached = (cache / fx.DATABASE).is_file() and (cache / "meta.json").is_file()
    if not cached:
        data = fx.prepare(records, progress)  # the search build, copied into the run's directory
        progress(f"Adding the transparency log of {records:,} publications ...")
        _add_log(data.path, progress)
        fx.store_cache(data.path, cache)
        (cache / "meta.json").write_text(json.dumps({"picks": data.picks}), "utf-8")
    build_seconds = 0.0 if cached else time.perf_counter() - started
    copy_seconds = fx.copy_cached(cache)
    fx.migrate_copy()  # migrations newer than the cached build
    checkpoint_sign()  # with this run's key; the root is read from the stored nodes
    from django.db import connection

    connection.close()
    meta = json.loads((cache / "meta.json").read_text("utf-8"))
    path = fx.database_path()
    return Installation(
        path=path,
        records=records,
        cached=cached,
        build_seconds=build_seconds,
        copy_seconds=copy_seconds,
        picks={str(k): str(v) for k, v in meta["picks"].items()},
        size_bytes=path.stat().st_size,
    )


def collect_static(var_dir: Path) -> tuple[bool, float]:
    """The run's STATIC_ROOT (the portal's pages need the manifest): a copy of a cached
    `collectstatic`, keyed by the name, size and time of every source file; collected first
    when missing (compressing every file takes minutes on a busy machine). Returns (cached, s)."""
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    started = time.perf_counter()
    digest = hashlib.sha256()
    for finder in get_finders():
        for name, storage in sorted(finder.list([]), key=lambda item: item[0]):
            stat = os.stat(storage.path(name))
            digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    cache = CACHE_ROOT / f"static-{digest.hexdigest()[:16]}"
    target = Path(settings.STATIC_ROOT)
    cached = cache.is_dir()
    if not cached:
        call_command("collectstatic", interactive=False, verbosity=0)
        scratch = CACHE_ROOT / f".static-{os.getpid()}"
        shutil.copytree(target, scratch)
        os.replace(scratch, cache)  # a half-copied folder never takes the cached name
    else:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(cache, target)
    return cached, time.perf_counter() - started


def _add_log(path: Path, progress: fx.Progress) -> None:
    """One publish leaf per publication, in leaf order, and every full node of the tree."""
    from django.db import connection

    from govtrust.disclosure.services import _division_names
    from govtrust.ledger import merkle
    from govtrust.ledger.models import node_position
    from govtrust.ledger.services import Entry, commitment, leaf_data

    connection.close()
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA synchronous=OFF")
        codes = [c for (c,) in db.execute("SELECT DISTINCT division_code FROM records_record")]
        places = {code: _division_names(code) for code in codes}  # through Django, read only
        connection.close()
        fixed = 0
        tree = merkle.MemoryTree()
        (total,) = db.execute("SELECT count(*) FROM disclosure_publication").fetchone()
        done = 0
        for first in range(0, total, CHUNK):
            batch = db.execute(
                "SELECT leaf_index, number, view, salt, published_at, division_code "
                "FROM disclosure_publication "
                "WHERE id > ? AND id <= ? ORDER BY id",  # by the key: leaf_index has no index
                [first, first + CHUNK],
            ).fetchall()
            leaves, nodes, changes = [], [], []
            for index, number, view, salt, published_at, code in batch:
                # The generator gives publication i the id i + 1 and the leaf i.
                assert index == done, (index, done)
                said = json.loads(view)
                right = places[code]
                if (said["prefecture"], said["county"]) != right:
                    said["prefecture"], said["county"] = right
                    changes.append((json.dumps(said), index + 1))
                entry = Entry("publish", number, commitment(said, bytes(salt)))
                data = leaf_data(entry.body(), _iso(published_at))
                leaves.append((index, "publish", number, data, published_at))
                nodes += tree.append(data.encode())
                done += 1
            db.execute("BEGIN")
            db.executemany(
                'INSERT INTO ledger_leaf ("index", kind, record_number, data, created_at) '
                "VALUES (?, ?, ?, ?, ?)",
                leaves,
            )
            db.executemany("UPDATE disclosure_publication SET view = ? WHERE id = ?", changes)
            fixed += len(changes)
            db.executemany(
                'INSERT INTO ledger_node (id, level, "index", hash) VALUES (?, ?, ?, ?)',
                [(node_position(level, i), level, i, h) for level, i, h in nodes],
            )
            db.execute("COMMIT")
            if done % 100_000 == 0 or done == total:
                progress(f"  {done:,} / {total:,} leaves")
        assert done == total, (done, total)
        progress(f"  {fixed:,} public views given the service's prefecture and county names")
        # The head without its right edge: the service reads the edge from the nodes once.
        db.execute("INSERT OR REPLACE INTO ledger_head (id, size, edge) VALUES (1, ?, x'')", [done])
    finally:
        db.close()


def _iso(stored: str) -> str:
    """A publication time as SQLite stores it (UTC, naive) in the log's form: 2026-11-27T...Z."""
    moment = datetime.datetime.fromisoformat(stored).replace(tzinfo=datetime.UTC)
    return moment.isoformat(timespec="seconds")
