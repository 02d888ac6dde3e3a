"""The keys part of a backup: encrypted with a passphrase (scrypt, then AES-256-GCM).

scrypt makes each passphrase guess cost memory and time; GCM authenticates, so a wrong
passphrase or a changed byte is refused rather than restoring garbage keys.
"""

from __future__ import annotations

import base64
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


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


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
