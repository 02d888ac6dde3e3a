"""A record's public proof carries all that anyone needs to rebuild its leaf and check it up to
the signed root, with nothing from this code base."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.test import Client

from govtrust.disclosure.models import Publication
from tests.remedies.conftest import office, published

__all__ = ["office", "published"]
pytestmark = pytest.mark.django_db


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _root(leaf: bytes, index: int, size: int, path: list[bytes]) -> bytes | None:
    """RFC 9162 §2.1.3.2, written out from the RFC."""
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = _node(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = _node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def test_the_leaf_rebuilds_from_the_proof_and_checks_to_the_signed_root(
    published: Callable[..., Publication], client: Client
) -> None:
    """Given three published records, when the second one's proof is fetched, then the salt and
    the canonical view give the commitment in its leaf, the leaf hash follows from the leaf
    text, the audit path leads to the checkpoint's root, and the public key checks the
    checkpoint's signature — with hashlib, hmac, json and an Ed25519 library only."""
    number = [published() for _ in range(3)][1].number
    answer = client.get(f"/api/v1/public/records/{number}/proof").json()
    page = client.get(f"/api/v1/public/records/{number}").json()
    pem = client.get("/api/v1/public/log/public-key").json()["public_key_pem"]

    view_text = answer["view_canonical"].encode()
    assert view_text == _canonical(page["view"])  # what the page shows, exactly
    commitment = hmac.new(bytes.fromhex(answer["salt"]), view_text, hashlib.sha256).hexdigest()
    said = json.loads(answer["leaf_data"])
    assert (said["kind"], said["record"], said["commitment"]) == ("publish", number, commitment)
    leaf_text = _canonical({**said, "commitment": commitment})
    assert leaf_text == answer["leaf_data"].encode()
    leaf = hashlib.sha256(b"\x00" + leaf_text).digest()
    assert leaf.hex() == answer["leaf_hash"]

    checkpoint = answer["checkpoint"]
    path = [bytes.fromhex(h) for h in answer["audit_path"]]
    root = _root(leaf, answer["leaf_index"], answer["tree_size"], path)
    assert root is not None and root.hex() == checkpoint["root"]
    assert checkpoint["size"] == answer["tree_size"] == 3
    key = serialization.load_pem_public_key(pem.encode())
    assert isinstance(key, Ed25519PublicKey)
    body = {k: v for k, v in checkpoint.items() if k != "signature"}
    key.verify(base64.b64decode(checkpoint["signature"]), _canonical(body))  # raises if forged

    changed = answer["view_canonical"].replace(page["view"]["facts"], "另一事实。").encode()
    forged = hmac.new(bytes.fromhex(answer["salt"]), changed, hashlib.sha256).hexdigest()
    assert forged != said["commitment"]
