"""RFC 6962 hashing and proofs against a direct recursive definition, for every small size."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from govtrust.ledger.merkle import (
    EMPTY_ROOT,
    MemoryTree,
    consistency_path,
    inclusion_path,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)


def naive_root(leaves: list[bytes]) -> bytes:
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(naive_root(leaves[:k]), naive_root(leaves[k:]))


def _tree(n: int) -> tuple[MemoryTree, list[bytes]]:
    tree, leaves = MemoryTree(), [f"leaf-{i}".encode() for i in range(n)]
    for leaf in leaves:
        tree.append(leaf)
    return tree, leaves


def test_rfc6962_empty_and_known_values() -> None:
    assert EMPTY_ROOT.hex() == hashlib.sha256(b"").hexdigest()
    tree, leaves = _tree(1)
    assert tree.root() == hashlib.sha256(b"\x00" + leaves[0]).digest()


def test_roots_and_proofs_for_every_size_up_to_40() -> None:
    tree, leaves = _tree(40)
    for n in range(1, 41):
        root = tree.root(n)
        assert root == naive_root(leaves[:n])
        for m in range(n):
            path = inclusion_path(tree.get, m, n)
            assert verify_inclusion(leaf_hash(leaves[m]), m, n, path, root)
            assert not verify_inclusion(leaf_hash(b"forged"), m, n, path, root)
        for m in range(1, n + 1):
            proof = consistency_path(tree.get, m, n)
            assert verify_consistency(m, n, tree.root(m), root, proof)
            if m < n:
                assert not verify_consistency(m, n, tree.root(m), EMPTY_ROOT, proof)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(min_value=2, max_value=300), data=st.data())
def test_tampered_proofs_fail(n: int, data: st.DataObject) -> None:
    tree, leaves = _tree(n)
    m = data.draw(st.integers(min_value=0, max_value=n - 1))
    path = inclusion_path(tree.get, m, n)
    if path:
        i = data.draw(st.integers(min_value=0, max_value=len(path) - 1))
        bad = [*path[:i], hashlib.sha256(path[i]).digest(), *path[i + 1 :]]
        assert not verify_inclusion(leaf_hash(leaves[m]), m, n, bad, tree.root(n))
    assert not verify_inclusion(leaf_hash(leaves[m]), (m + 1) % n, n, path, tree.root(n))
    old = data.draw(st.integers(min_value=1, max_value=n - 1))
    proof = consistency_path(tree.get, old, n)
    rewritten = MemoryTree()
    for leaf in [*leaves[: old - 1], b"rewritten history"]:
        rewritten.append(leaf)
    assert not verify_consistency(old, n, rewritten.root(old), tree.root(n), proof)
