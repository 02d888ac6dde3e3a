"""Ed25519 signatures: exchange manifests (so the platform can tell a batch came from us intact)
and transparency-log checkpoints (so anyone with the public key can check the log's head).

Each purpose has its own key, in a file under var/ (0600) unless GOVTRUST_<NAME>_KEY names one;
the public key is published once (`govtrust exchange pubkey`, the portal's log page).
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from govtrust.core.audit import canonical


def _key_path(name: str) -> Path:
    configured = os.environ.get(f"GOVTRUST_{name.upper()}_KEY")
    return Path(configured) if configured else Path(settings.VAR_DIR) / f"{name}-ed25519.pem"


def private_key(name: str) -> Ed25519PrivateKey:
    path = _key_path(name)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def public_key_pem(name: str) -> str:
    return (
        private_key(name)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign(name: str, manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest with `key_id` and `signature` (base64 Ed25519 over its canonical JSON)."""
    key = private_key(name)
    body = {**manifest, "key_id": key_id(key.public_key())}
    signature = key.sign(canonical(body).encode())
    return {**body, "signature": base64.b64encode(signature).decode()}


def verify(manifest: dict[str, Any], public_pem: str) -> bool:
    """What a receiver does: check the signature with the sender's public key alone."""
    public = serialization.load_pem_public_key(public_pem.encode())
    if not isinstance(public, Ed25519PublicKey):
        return False
    body = {k: v for k, v in manifest.items() if k != "signature"}
    try:
        public.verify(base64.b64decode(manifest.get("signature", "")), canonical(body).encode())
    except (InvalidSignature, ValueError):
        return False
    return True
