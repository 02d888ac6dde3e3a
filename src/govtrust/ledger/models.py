"""The transparency log: leaves (publication events), the full nodes of its Merkle tree, its
head, and signed checkpoints."""

from __future__ import annotations

from django.db import models


class EventKind(models.TextChoices):
    PUBLISH = "publish", "公示"
    CORRECT = "correct", "更正"
    WITHDRAW = "withdraw", "撤下"
    AUDIT_HEAD = "audit-head", "审计链头"
    KEY_ROTATE = "key-rotate", "签名密钥轮换"


class Leaf(models.Model):
    """One publication event, or a signed head of the audit chain. `data` is the canonical JSON
    that was hashed into the tree: a publication event names the record and commits to its public
    view through a salted hash, so a withdrawn record can later be proved to have been published
    without the log showing its content; an audit head carries the chain's sequence number and
    digest. `kind` and `record_number` are copies of what `data` says, for look-ups."""

    index = models.PositiveBigIntegerField(primary_key=True)
    kind = models.CharField(max_length=10, choices=EventKind.choices, db_index=True)
    record_number = models.CharField(max_length=24, db_index=True)
    data = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["index"]

    def __str__(self) -> str:
        return f"#{self.index} {self.kind} {self.record_number}"


class Node(models.Model):
    """A full node: the hash of the complete aligned subtree (level, index); level 0 = leaves."""

    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="node_unique")]

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
