"""`govtrust verify --deep`: every leaf, node and checkpoint rebuilt from the database, and each
publication's latest event from its stored view and salt."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.db import transaction

from govtrust.cli import main
from govtrust.core.audit import audit_seal, canonical
from govtrust.core.audit.seal import seal_leaves
from govtrust.disclosure.log_check import publication_leaves, search_columns_check
from govtrust.disclosure.models import Publication
from govtrust.disclosure.services import publication_withdraw
from govtrust.ledger import merkle, services
from govtrust.ledger.deep import DeepReport, verify_deep
from govtrust.ledger.models import Checkpoint, Leaf, Node
from govtrust.records.models import Record

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(published: Callable[..., Publication]) -> list[Publication]:
    """Three records published, the second withdrawn, the audit chain sealed, a checkpoint."""
    publications = [published() for _ in range(3)]
    publications[1] = publication_withdraw(
        publication=publications[1], reason="revoked", actor_name="system"
    )
    audit_seal(reason="manual")
    services.checkpoint_sign()
    return publications


def _deep(bits: int = 12) -> DeepReport:
    return verify_deep(sources=[publication_leaves, seal_leaves], bits=bits)


def test_an_untouched_log_rebuilds_in_full(log: list[Publication]) -> None:
    """Given publications, a withdrawal and an audit seal, then every leaf, node and checkpoint
    recomputes, and each publication (twice while on the portal) and the seal rebuild theirs."""
    report = _deep()
    assert report.ok, report.problems
    assert report.leaves == services.size() == 5
    assert report.nodes == Node.objects.count()
    assert report.checkpoints == 1
    assert report.vouched == 3 + 2 + 1


def test_an_edited_stored_view_is_named(
    log: list[Publication], capsys: pytest.CaptureFixture[str]
) -> None:
    """Given a published record, when its stored public view is edited in the database, then the
    deep check fails naming it (the checkpoint comparison alone still passed)."""
    target = log[2]
    view = dict(target.view, facts="已按期支付。")
    Publication.objects.filter(pk=target.pk).update(view=view)
    report = _deep()
    assert not report.ok
    assert report.first_record == f"记录 {target.number} 的公示内容"
    assert main(["verify", "--deep"]) == 1
    assert f"首个与日志不符的记录：记录 {target.number}" in capsys.readouterr().err


def test_a_publication_whose_leaf_number_is_erased_is_named(log: list[Publication]) -> None:
    Publication.objects.filter(pk=log[0].pk).update(leaf_index=None)
    report = _deep()
    assert report.first_record == f"记录 {log[0].number} 的公示内容"
    assert "任何叶子" in report.problems[0]


def test_verify_needs_a_checkpoint_or_deep(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify"]) == 2
    assert main(["verify", "--deep", "--url", "https://example.org"]) == 2
    assert main(["verify", "--deep"]) == 0  # an empty log is consistent
    assert "深度核对一致" in capsys.readouterr().out


def test_an_edited_record_is_named(log: list[Publication]) -> None:
    """Given a published record, when the record itself is edited in the database, then the view
    it renders to no longer matches its leaf and the deep check names it."""
    Record.objects.filter(pk=log[0].record_id).update(facts="另一事实。")
    report = _deep()
    assert not report.ok
    assert report.first_record is not None and log[0].number in report.first_record
    assert "重新生成" in report.first_record


def test_an_edited_leaf_kind_is_caught(log: list[Publication]) -> None:
    """Given a withdrawn record's leaf, when its kind is changed to publish (column, or the hashed
    text), then the deep check reports it."""
    index = log[1].leaf_index
    assert index is not None
    Leaf.objects.filter(index=index).update(kind="publish")
    column = _deep()
    assert not column.ok and any(f"第{index}号叶子的类型" in p for p in column.problems)
    leaf = Leaf.objects.get(index=index)
    Leaf.objects.filter(index=index).update(data=leaf.data.replace('"withdraw"', '"publish"'))
    text = _deep()
    assert not text.ok
    assert text.first_node == (0, index)
    assert text.first_record == f"记录 {log[1].number} 的公示内容"


def test_an_edited_node_hash_is_named(log: list[Publication]) -> None:
    Node.objects.filter(level=1, index=1).update(hash=b"\x00" * 32)
    report = _deep()
    assert not report.ok
    assert report.first_node == (1, 1)


def test_a_rewritten_leaf_with_every_node_recomputed_fails_the_signed_checkpoint(
    log: list[Publication],
) -> None:
    """Given a leaf's commitment changed and the whole tree stored again from the leaves, then
    the nodes agree with each other but not with the signed checkpoint, nor with the view."""
    leaves = list(Leaf.objects.order_by("index"))
    leaves[0].data = canonical({**json.loads(leaves[0].data), "commitment": "f" * 64})
    tree = merkle.MemoryTree()
    nodes = [
        Node(level=lv, index=i, hash=h) for x in leaves for lv, i, h in tree.append(x.data.encode())
    ]
    Leaf.objects.filter(index=0).update(data=leaves[0].data)
    Node.objects.all().delete()
    Node.objects.bulk_create(nodes)
    report = _deep()
    assert not report.ok
    assert report.first_node is None
    assert any("根哈希与树不一致" in p for p in report.problems)
    assert report.first_record == f"记录 {log[0].number} 的公示内容"


def test_a_forged_checkpoint_is_caught(log: list[Publication]) -> None:
    Checkpoint.objects.update(root="0" * 64)
    report = _deep()
    assert not report.ok and any("与签名内容不一致" in p for p in report.problems)


def test_batches_smaller_than_the_log_give_the_same_answer() -> None:
    """Given 37 leaves checked in batches of 4, then the answer is that of one batch, and a node
    above the batch level is still checked."""
    with transaction.atomic():
        services.append(
            services.Entry("publish", f"620102-2026-{i:05d}", f"{i:064x}") for i in range(37)
        )
    whole, small = verify_deep(), verify_deep(bits=2)
    assert whole.ok and small.ok
    assert whole.nodes == small.nodes == Node.objects.count()
    Node.objects.filter(level=4, index=1).update(hash=b"\x01" * 32)
    assert verify_deep(bits=2).first_node == (4, 1)
    assert verify_deep().first_node == (4, 1)


@pytest.mark.parametrize("column", ["search_text", "bigrams"])
def test_a_blanked_search_column_is_named(
    log: list[Publication], column: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Given a published record, when its search column is blanked in the database (hiding it
    from portal search), then the deep check fails naming the record (it used to pass)."""
    target = log[2]
    Publication.objects.filter(pk=target.pk).update(**{column: ""})
    report = verify_deep(sources=[publication_leaves, seal_leaves], checks=[search_columns_check])
    assert report.first_record == f"记录 {target.number} 的检索字段"
    assert main(["verify", "--deep"]) == 1
    assert f"首个与日志不符的记录：记录 {target.number} 的检索字段" in capsys.readouterr().err


def test_untouched_search_columns_pass(log: list[Publication]) -> None:
    report = verify_deep(checks=[search_columns_check])
    assert report.ok, report.problems
