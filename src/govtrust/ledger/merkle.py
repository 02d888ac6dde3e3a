"""RFC 6962 Merkle tree hashing, inclusion and consistency proofs, over a store of full nodes.

A "full node" at (level, index) is the hash of the aligned, complete subtree of leaves
[index * 2**level, (index + 1) * 2**level). Appending a leaf completes on average one more node,
so an append costs about two SHA-256 computations; every tree head and proof of a tree of n
leaves decomposes into O(log n) full nodes (RFC 6962 §2.1 splits at the largest power of two).

The functions take a `get(level, index)` callable so the same code serves the in-memory tree of
the verifier and benchmarks and the database-backed log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

Get = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


EMPTY_ROOT = hashlib.sha256(b"").digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def subtree(get: Get, start: int, end: int) -> bytes:
    """MTH of leaves [start, end); `start` is a multiple of the largest power of two ≤ end-start,
    which holds for every range RFC 6962's recursion produces."""
    size = end - start
    if size & (size - 1) == 0:
        level = size.bit_length() - 1
        return get(level, start >> level)
    k = _split(size)
    return node_hash(subtree(get, start, start + k), subtree(get, start + k, end))


def root(get: Get, size: int) -> bytes:
    return EMPTY_ROOT if size == 0 else subtree(get, 0, size)


def inclusion_path(get: Get, index: int, size: int) -> list[bytes]:
    """PATH(m, D[n]) of RFC 6962 §2.1.1, leaf first."""
    if not 0 <= index < size:
        raise ValueError("index outside the tree")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append(subtree(get, start + k, end))
            end = start + k
        else:
            path.append(subtree(get, start, start + k))
            start = start + k
    path.reverse()
    return path


def consistency_path(get: Get, old: int, new: int) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 6962 §2.1.2."""
    if not 0 < old <= new:
        raise ValueError("sizes must satisfy 0 < old <= new")
    if old == new:
        return []

    def subproof(m: int, start: int, end: int, whole: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if whole else [subtree(get, start, end)]
        k = _split(n)
        if m <= k:
            return [*subproof(m, start, start + k, whole), subtree(get, start + k, end)]
        return [*subproof(m - k, start + k, end, False), subtree(get, start, start + k)]

    return subproof(old, 0, new, True)


def verify_inclusion(
    leaf: bytes, index: int, size: int, path: Sequence[bytes], root_: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: needs only the leaf hash, the path and the signed root."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root_


def verify_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, path: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: the new tree extends the old one without changing any of it."""
    if old == new:
        return old_root == new_root and not path
    if not 0 < old < new or not path:
        return False
    proof = list(path)
    if old & (old - 1) == 0:  # old is a power of two: its root is the first node
        proof.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


class MemoryTree:
    """An append-only tree in memory: levels[l][i] is the full node (l, i)."""

    def __init__(self) -> None:
        self.levels: list[list[bytes]] = [[]]

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def append(self, data: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf; returns the full nodes it completed (level, index, hash), leaf first."""
        created = []
        h = leaf_hash(data)
        level = 0
        while True:
            nodes = self.levels[level]
            nodes.append(h)
            created.append((level, len(nodes) - 1, h))
            if len(nodes) % 2:
                break
            h = node_hash(nodes[-2], nodes[-1])
            level += 1
            if level == len(self.levels):
                self.levels.append([])
        return created

    def get(self, level: int, index: int) -> bytes:
        return self.levels[level][index]

    def root(self, size: int | None = None) -> bytes:
        return root(self.get, self.size if size is None else size)
