"""The keys part of a backup: encrypted with a passphrase (scrypt, then AES-256-GCM); and the
manifest's signature: HMAC-SHA256 under a key derived from the same passphrase by the same KDF.

scrypt makes each passphrase guess cost memory and time; GCM authenticates, so a wrong
passphrase or a changed byte is refused rather than restoring garbage keys. The manifest key is
derived with its own label and salt, so it is never the keys part's encryption key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from govtrust.core.errors import DomainError

# scrypt cost: 2**15 x 8 x 1 (32 MB, about 0.1 s), OWASP's minimum for scrypt.
N, R, P = 1 << 15, 8, 1
MIN_PASSPHRASE = 12
_AAD = b"govtrust-backup-keys-v1"
# The manifest key's derivation label, put before its salt: a different scrypt input from the
# keys part's even if both salts were the same.
MANIFEST_LABEL = b"govtrust-backup-manifest-hmac-v1\x00"
MAX_SIGNATURE = 4096  # bytes of the signature member read (it is ~200)


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def sign_manifest(body: bytes, passphrase: str) -> bytes:
    """The signature member for the manifest's exact bytes: the KDF's parameters and the HMAC."""
    check_passphrase(passphrase)
    salt = os.urandom(16)
    key = _key(passphrase, MANIFEST_LABEL + salt, N, R, P)
    signature = {
        "kdf": {"name": "scrypt", "n": N, "r": R, "p": P, "salt": base64.b64encode(salt).decode()},
        "label": MANIFEST_LABEL.rstrip(b"\x00").decode(),
        "mac": "HMAC-SHA256",
        "value": hmac.new(key, body, hashlib.sha256).hexdigest(),
    }
    return json.dumps(signature, indent=1).encode()


def verify_manifest(body: bytes, signature: bytes, passphrase: str) -> None:
    """Refuse a manifest whose signature is missing, malformed, or not made with this passphrase
    over these bytes (a wrong passphrase and a changed manifest look the same)."""
    try:
        envelope = json.loads(signature)
        kdf = envelope["kdf"]
        if kdf.get("name") != "scrypt" or envelope.get("mac") != "HMAC-SHA256":
            raise ValueError("unknown algorithm")
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        if not (1 << 14 <= n <= 1 << 17 and 1 <= r <= 8 and 1 <= p <= 4):
            raise ValueError("KDF cost out of range")  # a hostile cost must not hang restore
        salt = base64.b64decode(kdf["salt"], validate=True)
        expected = str(envelope["value"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise DomainError("备份清单的签名格式无效：拒绝恢复") from None
    key = _key(passphrase, MANIFEST_LABEL + salt, n, r, p)
    actual = hmac.new(key, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(actual, expected):
        raise DomainError("备份口令错误，或备份清单已被改动（签名不符）：拒绝恢复")


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise DomainError(f"备份口令过短：至少 {MIN_PASSPHRASE} 个字符")


def seal(files: dict[str, bytes], passphrase: str) -> bytes:
    check_passphrase(passphrase)
    salt, nonce = os.urandom(16), os.urandom(12)
    plain = json.dumps({name: base64.b64encode(data).decode() for name, data in files.items()})
    cipher = AESGCM(_key(passphrase, salt, N, R, P)).encrypt(nonce, plain.encode(), _AAD)
    envelope = {
        "kdf": {"name": "scrypt", "n": N, "r": R, "p": P, "salt": base64.b64encode(salt).decode()},
        "cipher": "AES-256-GCM",
        "nonce": base64.b64encode(nonce).decode(),
        "ciphertext": base64.b64encode(cipher).decode(),
    }
    return json.dumps(envelope, indent=1).encode()


def open_sealed(blob: bytes, passphrase: str) -> dict[str, bytes]:
    try:
        envelope = json.loads(blob)
        kdf = envelope["kdf"]
        key = _key(passphrase, base64.b64decode(kdf["salt"]), kdf["n"], kdf["r"], kdf["p"])
        plain = AESGCM(key).decrypt(
            base64.b64decode(envelope["nonce"]), base64.b64decode(envelope["ciphertext"]), _AAD
        )
    except InvalidTag:
        raise DomainError("备份口令错误，或密钥部分已被改动") from None
    except (ValueError, KeyError, TypeError):
        raise DomainError("备份中的密钥部分格式无效") from None
    return {name: base64.b64decode(data) for name, data in json.loads(plain).items()}
