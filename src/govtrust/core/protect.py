"""Personal identifiers at rest: SM4-GCM ciphertext plus a keyed hash for exact look-up.

A database dump alone reveals neither the number (encrypted) nor a way to confirm a guess
(the look-up hash is an HMAC whose key is not in the database). Both subkeys derive from
GOVTRUST_DATA_KEY with HKDF, so the one operator secret can be rotated by re-encrypting.
SM4 is used because 国密 algorithms are what auditors of Chinese government systems expect.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from govtrust.core.masking import mask_ric

_VERSION = b"\x01"
_NONCE = 12
_TAG = 16


@dataclass(frozen=True)
class Protected:
    cipher: bytes
    digest: str
    masked: str


@lru_cache(maxsize=4)
def _subkey(master: str, purpose: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=purpose).derive(
        master.encode()
    )


def _keys() -> tuple[bytes, bytes]:
    master = settings.GOVTRUST_DATA_KEY
    return _subkey(master, b"govtrust/sm4", 16), _subkey(master, b"govtrust/lookup", 32)


def lookup_digest(normalized: str) -> str:
    """Keyed hash used for equality look-ups (duplicate detection, screening)."""
    return hmac.new(_keys()[1], normalized.encode(), hashlib.sha256).hexdigest()


def encrypt(plain: str) -> bytes:
    nonce = os.urandom(_NONCE)
    encryptor = Cipher(algorithms.SM4(_keys()[0]), modes.GCM(nonce)).encryptor()
    body = encryptor.update(plain.encode()) + encryptor.finalize()
    return _VERSION + nonce + encryptor.tag + body


def decrypt(blob: bytes) -> str:
    blob = bytes(blob)
    if blob[:1] != _VERSION:
        raise ValueError("unknown ciphertext version")
    nonce, tag, body = blob[1 : 1 + _NONCE], blob[1 + _NONCE : 1 + _NONCE + _TAG], blob[29:]
    decryptor = Cipher(algorithms.SM4(_keys()[0]), modes.GCM(nonce, tag)).decryptor()
    return (decryptor.update(body) + decryptor.finalize()).decode()


def protect_ric(normalized: str) -> Protected:
    return Protected(encrypt(normalized), lookup_digest(normalized), mask_ric(normalized))
