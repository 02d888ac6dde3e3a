"""The transparency log: leaves (publication events), the full nodes of its Merkle tree, its
head, and signed checkpoints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Q


def node_position(level: int, index: int) -> int:
    """The node's place in the in-order ("flat tree") numbering of the whole tree: leaves at even
    numbers, the full node (level, index) at (2 * index + 1) * 2**level - 1. Every node a leaf
    completes numbers just below twice that leaf's index, so appends write at the end of the
    table, and an aligned range of leaves [a, b) owns exactly the positions [2a, 2b - 1)."""
    return ((2 * index + 1) << level) - 1


if TYPE_CHECKING:  # the stubs' field classes are generic; Django's are not subscriptable
    _PositiveBig = models.PositiveBigIntegerField[int, int]
else:
    _PositiveBig = models.PositiveBigIntegerField


class RowIdField(_PositiveBig):
    """A 64-bit key that SQLite stores as the table's rowid ("integer primary key"): one B-tree
    for the table instead of the table plus a primary key index, so an append writes one page
    less per table (bench/bench_ledger.py). Elsewhere a plain bigint."""

    def db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        return "integer" if connection.vendor == "sqlite" else super().db_type(connection)


class NodePositionField(RowIdField):
    """The node's key, derived from its level and index (`node_position`) when not given, so the
    ORM (tests, repairs) can write a node by level and index as before."""

    db_returning = True  # bulk_create of nodes without a key expects the keys back, as for ids

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if value is None:
            level, index = model_instance.level, model_instance.index  # type: ignore[attr-defined]
            value = node_position(level, index)
            setattr(model_instance, self.attname, value)
        return value


class EventKind(models.TextChoices):
    PUBLISH = "publish", "公示"
    CORRECT = "correct", "更正"
    WITHDRAW = "withdraw", "撤下"
    AUDIT_HEAD = "audit-head", "审计链头"
    KEY_ROTATE = "key-rotate", "签名密钥轮换"
    ASSESSMENT = "assessment", "年度考评快照"


class Leaf(models.Model):
    """One publication event, or a signed head of the audit chain. `data` is the canonical JSON
    that was hashed into the tree: a publication event names the record and commits to its public
    view through a salted hash, so a withdrawn record can later be proved to have been published
    without the log showing its content; an audit head carries the chain's sequence number and
    digest. `kind` and `record_number` are copies of what `data` says, for look-ups."""

    index = RowIdField(primary_key=True)
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    record_number = models.CharField(max_length=24)
    data = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["index"]
        # Every index is one more page written by every append (bench/README.md). No code looks
        # leaves up by record number (a publication holds its leaf index) nor lists the
        # publication events by kind; the seals of the audit chain and the signing-key handovers
        # are listed, each from a partial index of its own that publication events never touch.
        indexes = [
            models.Index(
                fields=["index"],
                condition=Q(kind=EventKind.AUDIT_HEAD),
                name="ledger_leaf_audit_heads",
            ),
            # The signing-key handovers, read by every verification (ledger/key_chain.py).
            models.Index(
                fields=["index"],
                condition=Q(kind=EventKind.KEY_ROTATE),
                name="ledger_leaf_key_rotations",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.index} {self.kind} {self.record_number}"


class Node(models.Model):
    """A full node: the hash of the complete aligned subtree (level, index); level 0 = leaves.

    Keyed by its `node_position` (the check ties the key to level and index, so (level, index)
    is unique without an index of its own): an append inserts at the end of one B-tree, and a
    proof reads its nodes by key."""

    id = NodePositionField(primary_key=True)
    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [
            models.CheckConstraint(
                # The stubs type the shift as int only; SQLite and PostgreSQL shift by a column.
                condition=Q(id=((F("index") * 2 + 1).bitleftshift(F("level"))) - 1),  # type: ignore[arg-type]
                name="node_position",
            )
        ]

    def __str__(self) -> str:
        return f"({self.level},{self.index})"


class Head(models.Model):
    """The single row that serialises appends (locked, read and moved in one transaction).

    `edge` holds the hashes of the full nodes on the tree's right edge (the left siblings new
    leaves are hashed with), 32 bytes each, highest level first: an append reads them with the
    head instead of querying the nodes. Empty (a log from before it existed) means "read them
    from the nodes"."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.PositiveBigIntegerField(default=0)
    edge = models.BinaryField(default=b"")


class Checkpoint(models.Model):
    """A signed tree head: anyone with the public key can check the log had `size` leaves with
    `root` at `signed_at`, and later ask for a consistency proof against a newer checkpoint."""

    size = models.PositiveBigIntegerField(db_index=True)
    root = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    body = models.JSONField()  # exactly what was signed, with key_id and signature

    class Meta:
        ordering = ["-size", "-id"]

    def __str__(self) -> str:
        return f"{self.size} {self.root[:12]}"
