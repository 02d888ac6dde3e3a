"""Appending to the transparency log, signing checkpoints, and answering for proofs.

Every publication event (publish, correct, withdraw) is appended in the same transaction as the
change it records; the tree's new full nodes are computed from the right edge of the tree (its
frontier: one hash per set bit of the size), kept in the head row, and inserted with the leaf, so
an append costs O(log n) hashing and four statements: read and lock the head, insert the leaves,
insert the nodes (multi-row INSERTs, one per 500 rows), move the head. Nodes are keyed by their
in-order position, so every row an append writes goes at the end of its table. Raw SQL built
once: building the ORM's statements cost more than running them (benchmarked: 900 single-entry
appends/s through the ORM).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from govtrust.core import signing
from govtrust.core.audit import canonical
from govtrust.core.errors import DomainError
from govtrust.ledger import merkle
from govtrust.ledger.models import Checkpoint, EventKind, Head, Leaf, Node, node_position

# json.dumps(..., ensure_ascii=False)'s own string escaping (the C function when available)
_string: Callable[[str], str] = json.encoder.encode_basestring
LOG_ID = "govtrust-gansu-disclosure"
LEDGER_KEY = "ledger"


def commitment(view: dict[str, Any], salt: bytes) -> str:
    """Salted hash of a public view: binds the content without revealing it."""
    return hmac.new(salt, canonical(view).encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Entry:
    """A publication event: names the record and commits to its public view."""

    kind: str
    record_number: str
    commitment: str

    def body(self) -> dict[str, Any]:
        return {"kind": self.kind, "record": self.record_number, "commitment": self.commitment}

    def leaf_data(self, at: str) -> str:
        """`leaf_data(self.body(), at)` written out: the keys in sorted order and each string
        escaped by the function json.dumps uses, a third of a batched append's time less
        (tests/ledger/test_log.py holds the two equal)."""
        return (
            f'{{"at":{_string(at)},"commitment":{_string(self.commitment)},'
            f'"kind":{_string(self.kind)},"record":{_string(self.record_number)}}}'
        )


@dataclass(frozen=True)
class AuditHeadEntry:
    """A signed head of the audit chain, anchored here so that a rewritten chain cannot be
    re-sealed without the log (and its published checkpoints) showing it."""

    seq: int
    digest: str
    kind: str = EventKind.AUDIT_HEAD
    record_number: str = ""

    def body(self) -> dict[str, Any]:
        return {"kind": self.kind, "seq": self.seq, "digest": self.digest}

    def leaf_data(self, at: str) -> str:
        return leaf_data(self.body(), at)


class LogEntry(Protocol):
    """What `append` takes: an event's kind, record number (may be empty) and hashed body."""

    @property
    def kind(self) -> str: ...

    @property
    def record_number(self) -> str: ...

    def body(self) -> dict[str, Any]: ...

    def leaf_data(self, at: str) -> str: ...


def leaf_data(body: dict[str, Any], at: str) -> str:
    """The exact text hashed into the tree: an entry's body and the time it was appended."""
    return canonical({**body, "at": at})


@dataclass(frozen=True, slots=True)
class Appended:
    """A leaf as written by `append` (not re-read; cheaper than a model instance)."""

    index: int
    kind: str
    record_number: str
    data: str


def _edge_keys(size: int) -> list[tuple[int, int]]:
    """(level, index) of the full nodes on the right edge of a tree of `size` leaves, highest
    level first."""
    return [
        (level, (size >> level) - 1)
        for level in reversed(range(size.bit_length()))
        if size >> level & 1
    ]


def _edge(size: int, stored: bytes) -> list[bytes]:
    """The right edge of a tree of `size` leaves, highest level first: from the head row, or
    from the nodes when the head does not hold it (a log appended to before the head kept it)."""
    count = size.bit_count()
    if len(stored) == 32 * count:
        return [stored[i : i + 32] for i in range(0, 32 * count, 32)]
    keys = _edge_keys(size)
    found = fetch_nodes(keys)
    if len(found) != len(keys):
        raise DomainError("透明日志数据不完整")
    return [found[key] for key in keys]


@dataclass(frozen=True)
class _Sql:
    """The log's statements, quoted for one database vendor (built once, not per call)."""

    head: str
    head_move: str
    leaves: str  # prefix of a multi-row INSERT; + ", ".join(row) * n
    leaf_row: str
    nodes: str
    node_row: str
    node_select: str  # + "(?, ...)"
    mark: str
    size: str
    size_and_leaf: str
    checkpoint: str
    # SQLite stores an aware datetime as its naive UTC text; written here directly, since
    # `adapt_datetimefield_value` (time-zone checks through thread-locals) took ~30 us, half of
    # a single append's CPU (bench/README.md, session 6).
    naive_utc: bool

    @classmethod
    def build(cls, native: bool) -> _Sql:
        q = connection.ops.quote_name
        head, leaf, node = (q(m._meta.db_table) for m in (Head, Leaf, Node))
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        # `native`: the driver's own placeholders, for its DB-API cursor (see `_cursor`).
        m = "?" if native and connection.vendor == "sqlite" else "%s"
        naive_utc = (
            connection.vendor == "sqlite"
            and settings.USE_TZ
            and connection.timezone == datetime.UTC
        )
        return cls(
            naive_utc=naive_utc,
            head=f"SELECT size, edge FROM {head} WHERE id = 1{lock}",  # noqa: S608 - quoted
            head_move=f"UPDATE {head} SET size = {m}, edge = {m} WHERE id = 1",  # noqa: S608
            leaves=f"INSERT INTO {leaf} ({q('index')}, kind, record_number, data, created_at) "  # noqa: S608
            "VALUES ",
            leaf_row=f"({m}, {m}, {m}, {m}, {m})",
            nodes=f"INSERT INTO {node} (id, level, {q('index')}, hash) VALUES ",  # noqa: S608
            node_row=f"({m}, {m}, {m}, {m})",
            node_select=f"SELECT id, hash FROM {node} WHERE id IN ",  # noqa: S608
            mark=m,
            size=f"SELECT size FROM {head} WHERE id = 1",  # noqa: S608 - quoted
            # Checkpoint.Meta.ordering: the latest is the largest size, then the newest row.
            checkpoint=f"SELECT id, size, body FROM {q(Checkpoint._meta.db_table)} "  # noqa: S608
            "ORDER BY size DESC, id DESC LIMIT 1",
            size_and_leaf=f"SELECT h.size, x.data FROM {head} h LEFT JOIN {leaf} x "  # noqa: S608
            f"ON x.{q('index')} = {m} WHERE h.id = 1",
        )


_SQL: dict[tuple[str, bool], _Sql] = {}
ROWS_PER_INSERT = 500  # under SQLite's and PostgreSQL's limits on bound parameters


@contextmanager
def _cursor() -> Iterator[tuple[Any, _Sql]]:
    """The DB-API cursor itself, with the statements in its placeholders: Django's cursor
    wrapper (its debug check, placeholder rewriting and execute wrappers) cost ~40 us a
    statement, more than SQLite takes to run the log's statements (bench/README.md, profile of
    single appends). While queries are being logged (DEBUG, CaptureQueriesContext in tests)
    they go through Django's cursor, so they are seen."""
    db = connections[DEFAULT_DB_ALIAS]  # once: each `connection.x` is a thread-local look-up
    native = not db.queries_logged
    sql = _SQL.get((db.vendor, native))
    if sql is None:
        sql = _SQL[(db.vendor, native)] = _Sql.build(native)
    if not native:
        with db.cursor() as cursor:
            yield cursor, sql
        return
    db.ensure_connection()
    with db.wrap_database_errors:
        cursor = db.connection.cursor()
        try:
            yield cursor, sql
        finally:
            cursor.close()


def fetch_nodes(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The full nodes with these (level, index) keys, in one query by primary key."""
    wanted = {node_position(level, index): (level, index) for level, index in keys}
    if not wanted:
        return {}
    with _cursor() as (cursor, sql):
        marks = ", ".join([sql.mark] * len(wanted))
        cursor.execute(f"{sql.node_select}({marks})", list(wanted))
        return {wanted[position]: bytes(h) for position, h in cursor.fetchall()}


def _insert(cursor: Any, prefix: str, row: str, rows: list[tuple[Any, ...]]) -> None:
    """Multi-row INSERTs of up to ROWS_PER_INSERT rows: one statement for a single append."""
    for start in range(0, len(rows), ROWS_PER_INSERT):
        chunk = rows[start : start + ROWS_PER_INSERT]
        params = [value for values in chunk for value in values]
        cursor.execute(prefix + ", ".join([row] * len(chunk)), params)


def append(entries: Iterable[LogEntry]) -> list[Appended]:
    """Append events in order; must run inside the caller's transaction.

    The head row is read and locked first (FOR UPDATE on PostgreSQL; on SQLite the IMMEDIATE
    transaction already holds the write lock), so concurrent appends serialize on it. Each leaf
    is hashed with the right edge (the left siblings it completes nodes with), which the head
    row holds; every node it completes is inserted at the end of the node table."""
    entries = list(entries)
    if not entries:
        return []
    with _cursor() as (cursor, sql):
        cursor.execute(sql.head)
        found = cursor.fetchone()
        if found is None:
            Head.objects.get_or_create(id=1)  # once per log; a race ends in the same row
            cursor.execute(sql.head)
            found = cursor.fetchone()
        size, stored = int(found[0]), bytes(found[1] or b"")
        edge = _edge(size, stored)
        now = timezone.now().astimezone(datetime.UTC)
        at = now.isoformat(timespec="seconds")
        created = (
            str(now.replace(tzinfo=None))
            if sql.naive_utc
            else connection.ops.adapt_datetimefield_value(now)
        )
        leaf_hash, node_hash = merkle.leaf_hash, merkle.node_hash
        appended, leaves, nodes = [], [], []
        for entry in entries:
            data = entry.leaf_data(at)
            appended.append(Appended(size, entry.kind, entry.record_number, data))
            leaves.append((size, entry.kind, entry.record_number, data, created))
            h = leaf_hash(data.encode())
            nodes.append((2 * size, 0, size, h))
            level, index = 0, size
            while index & 1:  # each set low bit of the old size: a left sibling on the edge
                h = node_hash(edge.pop(), h)
                index >>= 1
                level += 1
                nodes.append((node_position(level, index), level, index, h))
            edge.append(h)
            size += 1
        _insert(cursor, sql.leaves, sql.leaf_row, leaves)
        _insert(cursor, sql.nodes, sql.node_row, nodes)
        cursor.execute(sql.head_move, [size, b"".join(edge)])
    return appended


class _Nodes:
    """Node look-ups for proofs: one query for all the nodes a computation needs.

    The set of nodes a proof touches depends only on the sizes, not on hash values, so a dry run
    with placeholder hashes collects the keys and a second run uses the fetched values."""

    def __init__(self) -> None:
        self.keys: set[tuple[int, int]] = set()
        self.values: dict[tuple[int, int], bytes] = {}

    def record(self, level: int, index: int) -> bytes:
        self.keys.add((level, index))
        return b"\0" * 32

    def get(self, level: int, index: int) -> bytes:
        return self.values[(level, index)]

    def run(self, compute: Callable[[merkle.Get], Any]) -> Any:
        compute(self.record)
        self.values = fetch_nodes(self.keys)
        if len(self.values) != len(self.keys):
            raise DomainError("透明日志数据不完整")
        return compute(self.get)


@dataclass(frozen=True)
class Signed:
    """A signed checkpoint's size and body (what was signed, with key_id and signature)."""

    size: int
    body: dict[str, Any]


_BODIES: dict[int, dict[str, Any]] = {}  # checkpoint id -> body: rows are never changed


def latest_checkpoint() -> Signed | None:
    """`Checkpoint.objects.first()` in one written statement, its body decoded once per
    process (a proof request asks for it every time)."""
    with _cursor() as (cursor, sql):
        cursor.execute(sql.checkpoint)
        row = cursor.fetchone()
    if row is None:
        return None
    key, size, text = row
    body = _BODIES.get(key)
    if body is None:
        if len(_BODIES) > 64:
            _BODIES.clear()
        body = _BODIES[key] = text if isinstance(text, dict) else json.loads(text)
    return Signed(int(size), dict(body))


def size() -> int:
    with _cursor() as (cursor, sql):
        cursor.execute(sql.size)
        found = cursor.fetchone()
    return int(found[0]) if found else 0


def root(tree_size: int) -> bytes:
    if tree_size == 0:
        return merkle.EMPTY_ROOT
    result: bytes = _Nodes().run(lambda get: merkle.root(get, tree_size))
    return result


def inclusion(index: int, tree_size: int) -> dict[str, Any]:
    """Two indexed queries: the head's size with the leaf's text, then every node the path and
    the root need, by primary key."""
    found = None
    if 0 <= index < tree_size:
        with _cursor() as (cursor, sql):
            cursor.execute(sql.size_and_leaf, [index])
            found = cursor.fetchone()
    if found is None or tree_size > found[0]:
        raise DomainError("叶子序号或日志大小无效")
    if found[1] is None:
        raise DomainError("透明日志数据不完整")
    data = str(found[1])
    path, tree_root = _Nodes().run(
        lambda get: (merkle.inclusion_path(get, index, tree_size), merkle.root(get, tree_size))
    )
    return {
        "log_id": LOG_ID,
        "leaf_index": index,
        "tree_size": tree_size,
        "leaf_data": data,
        "leaf_hash": merkle.leaf_hash(data.encode()).hex(),
        "audit_path": [h.hex() for h in path],
        "root": tree_root.hex(),
    }


def consistency(old: int, new: int) -> dict[str, Any]:
    if not 0 < old <= new <= size():
        raise DomainError("日志大小无效：应满足 0 < 旧 ≤ 新 ≤ 当前大小")
    path, old_root, new_root = _Nodes().run(
        lambda get: (
            merkle.consistency_path(get, old, new),
            merkle.root(get, old),
            merkle.root(get, new),
        )
    )
    return {
        "log_id": LOG_ID,
        "old_size": old,
        "new_size": new,
        "old_root": old_root.hex(),
        "new_root": new_root.hex(),
        "proof": [h.hex() for h in path],
    }


@transaction.atomic
def checkpoint_sign() -> Checkpoint:
    """Sign the current head (on the worker's schedule, after every audit seal, and on demand);
    no new one if unchanged and signed by the current key (after a key rotation the new key signs
    the same size again). Each new checkpoint is written to the witness file once committed."""
    head, _ = Head.objects.select_for_update().get_or_create(id=1)
    latest = Checkpoint.objects.first()
    current = signing.key_id(signing.private_key(LEDGER_KEY).public_key())
    if latest is not None and latest.size == head.size and latest.body.get("key_id") == current:
        return latest
    now = timezone.now()
    body = signing.sign(
        LEDGER_KEY,
        {
            "log_id": LOG_ID,
            "size": head.size,
            "root": root(head.size).hex(),
            "timestamp": now.astimezone(datetime.UTC).isoformat(timespec="seconds"),
        },
    )
    checkpoint = Checkpoint.objects.create(
        size=head.size, root=body["root"], signed_at=now, body=body
    )
    # Imported here: the witness checks the log through this module.
    from govtrust.ledger import witness

    witness.witness_on_commit(witness.CHECKPOINTS, witness.checkpoint_entry(checkpoint))
    return checkpoint
