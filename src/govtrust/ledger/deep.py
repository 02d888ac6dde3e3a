"""`govtrust verify --deep`: rebuild the whole log from what the database stores.

Comparing checkpoints (verify.py) shows that the log only grew; it trusts the stored nodes and
says nothing of whether the leaves still match what the portal shows. Here every leaf hash is
recomputed from the leaf's stored text, every full node from its children, every checkpoint's
root from the nodes and its signature from the key, and every leaf that a source vouches for (a
publication's latest event from its stored public view and salt, a seal of the audit chain) is
rebuilt from that source; the witness file outside the database must still be matched (see
witness.py). Leaves and nodes are read in aligned batches, so memory stays flat at
millions of leaves.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from govtrust.core import signing
from govtrust.core.errors import DomainError
from govtrust.ledger import key_chain, merkle, witness
from govtrust.ledger import services as ledger
from govtrust.ledger.models import Checkpoint, Leaf, Node, node_position

BATCH_BITS = 12  # 4,096 leaves and their ~8,192 nodes per round trip
MAX_PROBLEMS = 50  # listed; the rest are counted


class Expected(NamedTuple):
    """What a source says leaf number `leaf` must be: one of `kinds`, with `body` (its kind and
    time are read from the leaf itself). A negative `leaf`: the source lost its leaf number."""

    leaf: int
    label: str
    kinds: frozenset[str]
    body: dict[str, Any]


Source = Callable[[], Iterable[Expected]]


@dataclass
class DeepReport:
    leaves: int = 0
    nodes: int = 0
    checkpoints: int = 0
    vouched: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unlisted: int = 0
    first_record: str | None = None  # the first source item whose leaf no longer matches
    first_node: tuple[int, int] | None = None  # (level, index) of the first stored node wrong

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(message)
        else:
            self.unlisted += 1

    def node_differs(self, level: int, index: int, message: str) -> None:
        if self.first_node is None:
            self.first_node = (level, index)
        self.problem(message)


def _stored(report: DeepReport, start: int, end: int) -> dict[tuple[int, int], bytes]:
    """The stored full nodes numbered [2 * start, 2 * end): those inside the aligned leaves
    [start, end) and the one node above them numbered between this batch and the next (see
    `node_position`), so the batches together read every node once, by primary key range."""
    rows = Node.objects.filter(pk__gte=2 * start, pk__lt=2 * end).order_by("pk")
    stored = {}
    for key, level, index, h in rows.values_list("pk", "level", "index", "hash"):
        if key != node_position(level, index):  # the table's check constraint was dropped
            report.node_differs(level, index, f"第{level}层第{index}个节点存放的位置不对")
        stored[(level, index)] = bytes(h)
    return stored


def _leaf_hash(report: DeepReport, index: int, kind: str, number: str, data: str) -> bytes:
    try:
        said = json.loads(data)
    except ValueError:
        said = None
    if not isinstance(said, dict) or (said.get("kind"), said.get("record", "")) != (kind, number):
        report.problem(f"透明日志第{index}号叶子的类型或记录号与它被哈希的内容不一致")
    return merkle.leaf_hash(data.encode())


def _climb(
    report: DeepReport,
    level: int,
    hashes: dict[int, bytes],
    stored: dict[tuple[int, int], bytes],
) -> dict[int, bytes]:
    """Compare `hashes` (recomputed nodes of `level`) with the stored ones; return the parents
    of every complete pair, recomputed from the recomputed children."""
    for index, value in sorted(hashes.items()):
        saved = stored.get((level, index))
        if saved is None:
            report.node_differs(level, index, f"缺少第{level}层第{index}个节点")
        elif saved != value:
            report.node_differs(level, index, f"第{level}层第{index}个节点的哈希与重新计算的不一致")
    return {
        index // 2: merkle.node_hash(value, hashes[index + 1])
        for index, value in hashes.items()
        if index % 2 == 0 and index + 1 in hashes
    }


def _check_tree(report: DeepReport, size: int, bits: int) -> None:
    tops: dict[int, bytes] = {}  # recomputed nodes of level `bits`, one per complete batch
    upper: dict[tuple[int, int], bytes] = {}  # stored nodes of level `bits` and above
    step = 1 << bits
    for start in range(0, size, step):
        end = min(start + step, size)
        rows = Leaf.objects.filter(index__gte=start, index__lt=end).order_by("index")
        hashes = {
            index: _leaf_hash(report, index, kind, number, data)
            for index, kind, number, data in rows.values_list(
                "index", "kind", "record_number", "data"
            )
        }
        report.leaves += len(hashes)
        for index in sorted(set(range(start, end)) - hashes.keys()):
            report.problem(f"缺少透明日志第{index}号叶子")
        stored = _stored(report, start, end)
        report.nodes += len(stored)
        upper.update((key, h) for key, h in stored.items() if key[0] >= bits)
        for level in range(bits):
            hashes = _climb(report, level, hashes, stored)
        tops.update(hashes)
    level = bits
    while tops:
        tops = _climb(report, level, tops, upper)
        level += 1
    expected = sum(size >> level for level in range(size.bit_length()))
    total = Node.objects.count()
    if total != expected:
        report.problem(f"存储了{total}个节点，{size}条叶子的树应有{expected}个")
    if Leaf.objects.filter(index__gte=size).exists():
        report.problem(f"存在序号不小于日志大小（{size}）的叶子")


def _check_keys(report: DeepReport) -> list[dict[str, Any]]:
    """The chain of signing keys read from the log's handover leaves holds together, and the key
    signing now is its last (a key file swapped behind the log's back shows here)."""
    keys = key_chain.log_keys()
    problem = key_chain.chain_problem(keys)
    if problem is not None:
        report.problem(f"透明日志签名密钥链：{problem}")
    current = signing.key_id(signing.private_key(ledger.LEDGER_KEY).public_key())
    if keys[-1]["key_id"] != current:
        report.problem(f"当前的日志签名密钥 {current} 不是密钥链上最新的密钥")
    return keys


def _check_checkpoints(report: DeepReport, size: int) -> None:
    keys = _check_keys(report)
    for checkpoint in Checkpoint.objects.order_by("size", "id").iterator():
        report.checkpoints += 1
        body = checkpoint.body
        name = f"第{checkpoint.pk}号检查点（{checkpoint.size}条）"
        if not key_chain.checkpoint_verifies(body, keys):
            report.problem(f"{name}的签名无效（或签名密钥在此大小不再有效）")
        elif (body.get("size"), body.get("root")) != (checkpoint.size, checkpoint.root):
            report.problem(f"{name}的大小或根哈希与签名内容不一致")
        elif checkpoint.size > size:
            report.problem(f"{name}比当前日志还大，日志被截短")
        else:
            try:
                if ledger.root(checkpoint.size).hex() != checkpoint.root:
                    report.problem(f"{name}的根哈希与树不一致")
            except DomainError:
                report.problem(f"{name}所需的节点缺失")


def _batches(items: Iterable[Expected], size: int) -> Iterator[list[Expected]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _check_source(report: DeepReport, source: Source) -> None:
    for batch in _batches(source(), 1000):
        indices = [item.leaf for item in batch]
        leaves = dict(Leaf.objects.filter(index__in=indices).values_list("index", "data"))
        nodes = {
            index: bytes(h)
            for index, h in Node.objects.filter(
                pk__in=[2 * i for i in indices if i >= 0]
            ).values_list("index", "hash")
        }
        for item in batch:
            report.vouched += 1
            if not _rebuilds(item, leaves.get(item.leaf), nodes.get(item.leaf)):
                report.first_record = report.first_record or item.label
                where = f"第{item.leaf}号叶子" if item.leaf >= 0 else "任何叶子（它的序号被抹去）"
                report.problem(f"{item.label}与透明日志{where}不一致")


def _rebuilds(item: Expected, data: str | None, node: bytes | None) -> bool:
    """Whether the leaf rebuilt from the source hashes to the stored leaf node."""
    try:
        said = json.loads(data) if data is not None else {}
    except ValueError:
        return False
    kind, at = said.get("kind"), said.get("at")
    if kind not in item.kinds or not isinstance(at, str) or node is None:
        return False
    rebuilt = ledger.leaf_data({**item.body, "kind": kind}, at)
    return merkle.leaf_hash(rebuilt.encode()) == node


def _check_witness(report: DeepReport) -> None:
    """What the witness file outside the database remembers is still there: a rollback of the
    whole database to an older, self-consistent state shows only here."""
    for found in (witness.checkpoints_check(), witness.seal_leaves_check()):
        for message in found.problems:
            report.problem(message)
        report.warnings += found.warnings


def verify_deep(
    *,
    sources: Iterable[Source] = (),
    checks: Iterable[Callable[[DeepReport], None]] = (),
    bits: int = BATCH_BITS,
) -> DeepReport:
    """Every leaf, node and checkpoint recomputed and held against the witness file; every
    vouched-for leaf rebuilt; then each of `checks` (other derived data) run."""
    report = DeepReport()
    size = ledger.size()
    _check_tree(report, size, bits)
    _check_checkpoints(report, size)
    _check_witness(report)
    for source in sources:
        _check_source(report, source)
    for check in checks:
        check(report)
    return report
