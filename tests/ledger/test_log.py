"""The database-backed transparency log: appends, proofs and signed checkpoints."""

from __future__ import annotations

import pytest
from django.db import transaction

from govtrust.core import signing
from govtrust.core.errors import DomainError
from govtrust.ledger import merkle, services
from govtrust.ledger.models import Head, Leaf, Node
from govtrust.ledger.services import Entry

pytestmark = pytest.mark.django_db


def _append(n: int, start: int = 0) -> None:
    with transaction.atomic():
        services.append(
            Entry("publish", f"620102-2026-{i:05d}", f"{i:064x}") for i in range(start, start + n)
        )


def test_appends_match_an_in_memory_tree() -> None:
    _append(5)
    for i in range(5, 37):  # one by one, then in bulk: the same tree either way
        _append(1, start=i)
    memory = merkle.MemoryTree()
    for leaf in Leaf.objects.order_by("index"):
        memory.append(leaf.data.encode())
    assert services.size() == 37
    for n in (1, 2, 5, 16, 31, 37):
        assert services.root(n) == memory.root(n)
    assert Node.objects.count() == sum(len(level) for level in memory.levels)


def test_a_single_append_reads_the_right_edge_from_the_head_in_four_statements() -> None:
    """Given a log of 11 leaves (right edge at levels 3, 1 and 0)
    when one entry is appended
    then the head holds the new right edge, the append ran four statements (head, leaves,
    nodes, head) without querying the nodes, and a log whose head lost its edge (appended to
    before the head kept it) still appends the same tree from the nodes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _append(11)
    head = Head.objects.get()
    edge = [(3, 0), (1, 4), (0, 10)]
    assert bytes(head.edge) == b"".join(services.fetch_nodes([k])[k] for k in edge)
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        services.append([Entry("publish", "620102-2026-00011", f"{11:064x}")])
    statements = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 4, statements
    assert not any("ledger_node" in s and s.startswith("SELECT") for s in statements)
    Head.objects.update(edge=b"")
    _append(5, start=12)
    memory = merkle.MemoryTree()
    for leaf in Leaf.objects.order_by("index"):
        memory.append(leaf.data.encode())
    assert services.root(17) == memory.root(17)
    assert len(bytes(Head.objects.get().edge)) == 32 * 2  # 17 = 16 + 1


def test_inclusion_and_consistency_proofs_verify_with_public_data_only() -> None:
    _append(21)
    proof = services.inclusion(13, 21)
    assert merkle.verify_inclusion(
        merkle.leaf_hash(proof["leaf_data"].encode()),
        13,
        21,
        [bytes.fromhex(h) for h in proof["audit_path"]],
        bytes.fromhex(proof["root"]),
    )
    old_root = services.root(8)
    _append(10, start=21)
    cons = services.consistency(8, 31)
    assert merkle.verify_consistency(
        8, 31, old_root, bytes.fromhex(cons["new_root"]), [bytes.fromhex(h) for h in cons["proof"]]
    )


def test_checkpoint_is_signed_and_only_renewed_when_the_log_grows() -> None:
    _append(3)
    first = services.checkpoint_sign()
    assert services.checkpoint_sign().pk == first.pk
    assert signing.verify(first.body, signing.public_key_pem("ledger"))
    assert first.body["size"] == 3 and first.body["root"] == services.root(3).hex()
    forged = dict(first.body, size=4)
    assert not signing.verify(forged, signing.public_key_pem("ledger"))
    _append(1, start=3)
    assert services.checkpoint_sign().size == 4


@pytest.mark.parametrize(
    ("kind", "a", "b"), [("inclusion", 2, 2), ("consistency", 0, 2), ("consistency", 1, 3)]
)
def test_bad_proof_requests_are_refused(kind: str, a: int, b: int) -> None:
    _append(2)
    with pytest.raises(DomainError):
        services.inclusion(a, b) if kind == "inclusion" else services.consistency(a, b)


def test_an_append_stores_its_time_as_the_orm_would() -> None:
    """The leaf's created_at is written as text directly on SQLite (not through Django's
    adapter): read back through the ORM it is the same aware instant as the leaf's `at`."""
    import datetime
    import json

    from django.utils import timezone

    before = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        (appended,) = services.append([Entry("publish", "620102-2026-0000001", "ab" * 32)])
    leaf = Leaf.objects.get(index=appended.index)
    assert leaf.created_at.tzinfo is not None
    assert before <= leaf.created_at <= timezone.now()
    at = datetime.datetime.fromisoformat(json.loads(appended.data)["at"])
    assert at == leaf.created_at.replace(microsecond=0)
