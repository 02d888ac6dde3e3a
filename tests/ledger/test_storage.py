"""How the log is stored: the right edge in the head row, nodes keyed by their in-order
position, and appends that serialize on the head row when they race."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from govtrust.core.audit import canonical
from govtrust.ledger import merkle, services
from govtrust.ledger.deep import verify_deep
from govtrust.ledger.models import Head, Leaf, Node, node_position
from govtrust.ledger.services import Entry


def _entry(i: int) -> Entry:
    return Entry("publish", f"620102-2026-{i:05d}", f"{i:064x}")


def _memory() -> merkle.MemoryTree:
    tree = merkle.MemoryTree()
    for data in Leaf.objects.order_by("index").values_list("data", flat=True):
        tree.append(data.encode())
    return tree


def _frontier(tree: merkle.MemoryTree) -> bytes:
    """The right edge recomputed from scratch: one full node per set bit of the size, highest
    level first."""
    size = tree.size
    return b"".join(
        tree.get(level, (size >> level) - 1)
        for level in reversed(range(size.bit_length()))
        if size >> level & 1
    )


@pytest.mark.django_db
def test_the_head_holds_the_recomputed_right_edge_after_random_appends() -> None:
    """Given appends in random batch sizes (single entries among them)
    then after each the head's edge equals the right edge recomputed from the stored leaves,
    every node is keyed by its in-order position, and the tree is that of the leaves."""
    rng = random.Random(13)
    size = 0
    for _ in range(25):
        count = rng.choice([1, 1, 1, 2, 3, 7, 16, 33])
        with transaction.atomic():
            written = services.append(_entry(i) for i in range(size, size + count))
        assert [leaf.index for leaf in written] == list(range(size, size + count))
        size += count
        tree = _memory()
        head = Head.objects.get()
        assert head.size == size == tree.size
        assert bytes(head.edge) == _frontier(tree)
    stored = {(n.level, n.index): (n.pk, bytes(n.hash)) for n in Node.objects.all()}
    expected = {
        (level, index): (node_position(level, index), h)
        for level, hashes in enumerate(tree.levels)
        for index, h in enumerate(hashes)
    }
    assert stored == expected
    assert services.root(size) == tree.root()
    assert verify_deep().ok


def test_node_positions_are_distinct_and_end_at_twice_the_leaf() -> None:
    """Every (level, index) has its own position; a leaf's nodes end just below 2 * (i + 1), so
    an aligned batch of leaves [a, b) owns positions [2a, 2b - 1)."""
    positions = {node_position(level, index) for level in range(12) for index in range(300)}
    assert len(positions) == 12 * 300
    tree = merkle.MemoryTree()
    for i in range(64):
        created = tree.append(str(i).encode())
        assert {node_position(lv, ix) for lv, ix, _ in created} <= set(range(2 * i + 1))
        assert node_position(0, i) == 2 * i
    # the 15 nodes of a tree of 8 leaves fill positions 0..14
    assert sorted(node_position(lv, ix) for lv in range(4) for ix in range(8 >> lv)) == list(
        range(15)
    )


@pytest.mark.parametrize(
    "entry",
    [
        Entry("publish", "620102-2026-00001", "ab" * 32),
        Entry("correct", 'a"b\\c\n\u2028', "é中文\x00"),
        Entry("withdraw", "", ""),
    ],
)
def test_the_written_out_leaf_text_is_the_canonical_json(entry: Entry) -> None:
    at = "2026-11-29T18:00:00+00:00"
    assert (
        entry.leaf_data(at)
        == services.leaf_data(entry.body(), at)
        == canonical({**entry.body(), "at": at})
    )
    assert json.loads(entry.leaf_data(at))["record"] == entry.record_number


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_serialize_on_the_head_row(audit_triggers_dropped_after: None) -> None:
    """Given six threads appending at once (single entries and batches, each in its own
    transaction, on SQLite and PostgreSQL alike)
    then no append is lost or forked: the leaves are numbered 0..n-1 without gaps, the tree is
    that of the leaves, and the head holds its right edge."""
    with transaction.atomic():
        services.append([_entry(0)])  # the head row exists before the race
    threads, per_thread, barrier = 6, 12, threading.Barrier(6)
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            barrier.wait(timeout=10)
            for k in range(per_thread):
                base = 1000 * (t + 1) + 10 * k
                with transaction.atomic():
                    services.append(_entry(base + j) for j in range(1 + (t + k) % 3))
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    started = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join(timeout=120)
    assert not errors, errors
    total = 1 + sum(1 + (t + k) % 3 for t in range(threads) for k in range(per_thread))
    assert services.size() == total
    assert list(Leaf.objects.order_by("index").values_list("index", flat=True)) == list(
        range(total)
    )
    tree = _memory()
    assert services.root(total) == tree.root()
    assert bytes(Head.objects.get().edge) == _frontier(tree)
    report = verify_deep()
    assert report.ok, report.problems


OLD: list[tuple[str, str | None]] = [("ledger", "0003_head_right_edge")]


def _migrate(targets: list[tuple[str, str | None]] | None = None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return MigrationExecutor(connection)


@pytest.fixture
def at_right_edge_head(audit_triggers_dropped_after: None) -> Iterator[MigrationExecutor]:
    try:
        yield _migrate(OLD)
    finally:
        _migrate()


@pytest.mark.django_db(transaction=True)
def test_a_log_from_before_is_renumbered_and_still_verifies(
    at_right_edge_head: MigrationExecutor,
) -> None:
    """Given a log of 21 leaves written with the models of 0003 (nodes numbered by an
    auto-increment in the order a different writer inserted them)
    when the installation migrates
    then every node is keyed by its position, the tree, its proofs and the deep check hold,
    and appends continue the same tree."""
    old = at_right_edge_head.loader.project_state(("ledger", "0003_head_right_edge")).apps
    tree = merkle.MemoryTree()
    created = []
    for i in range(21):
        data = services.leaf_data(_entry(i).body(), "2026-11-01T00:00:00+00:00")
        old.get_model("ledger", "Leaf").objects.create(
            index=i, kind="publish", record_number=f"620102-2026-{i:05d}", data=data
        )
        created += tree.append(data.encode())
    old_node = old.get_model("ledger", "Node")
    old_node.objects.bulk_create(
        old_node(level=lv, index=ix, hash=h) for lv, ix, h in reversed(created)
    )
    old.get_model("ledger", "Head").objects.create(id=1, size=21, edge=b"")

    _migrate()

    assert all(n.pk == node_position(n.level, n.index) for n in Node.objects.all())
    assert Node.objects.count() == len(created)
    assert services.root(21) == tree.root()
    proof = services.inclusion(5, 21)
    assert merkle.verify_inclusion(
        merkle.leaf_hash(proof["leaf_data"].encode()),
        5,
        21,
        [bytes.fromhex(h) for h in proof["audit_path"]],
        tree.root(),
    )
    with transaction.atomic():
        services.append([_entry(21), _entry(22)])
    assert services.root(23) == _memory().root()
    report = verify_deep()
    assert report.ok, report.problems


@pytest.mark.django_db
def test_the_seals_are_listed_from_their_partial_index_which_publications_never_touch() -> None:
    """The audit side lists the log's audit heads (core/audit/seal.py) through the partial index
    that holds them alone; a publication event writes no index page at all."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's planner picks by table size; the index is the same")
    plan = Leaf.objects.filter(kind="audit-head").values_list("index", "data").explain()
    assert "ledger_leaf_audit_heads" in plan
    with transaction.atomic():
        services.append([_entry(0), services.AuditHeadEntry(1, "d" * 64), _entry(2)])
    assert list(Leaf.objects.filter(kind="audit-head").values_list("index", flat=True)) == [1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'ledger_leaf'")
        indexes = [sql for (sql,) in cursor.fetchall() if sql and "INDEX" in sql]
    # Two partial indexes (audit heads, key handovers): publish events skip both.
    assert len(indexes) == 2 and all("WHERE" in sql for sql in indexes)
