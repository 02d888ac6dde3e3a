"""Personal identifiers at rest: SM4-GCM ciphertext plus a keyed hash for exact look-up.

A database dump alone reveals neither the number (encrypted) nor a way to confirm a guess
(the look-up hash is an HMAC whose key is not in the database). Both subkeys derive from
GOVTRUST_DATA_KEY with HKDF. SM4 is used because 国密 algorithms are what auditors of Chinese
government systems expect.

Rotation (`govtrust keys rotate data`, core/data_key_rotation.py): the keys are files under var/,
looked at again every RECHECK seconds and read again when they changed, so every process writes
with a new key within half a second of its arrival:
- data.key: the writing key; every ciphertext carries the 4-byte id of the key that made it
  (format 2: 0x02, key id, nonce, tag, body), so a reader picks the right key;
- data-previous.key: the key being replaced, kept for reading only until every ciphertext has
  been re-encrypted, then deleted;
- data-lookup.key: the look-up subkey, fixed at the first rotation. The look-up hashes are not
  re-computed: those of recovery codes and case query codes cannot be (the codes are not stored),
  and the HMAC key never decrypts anything. Only the derived subkey is kept, so the old
  encryption key cannot be derived from it.
Format 1 ciphertexts (0x01, no key id; written before rotation existed) are tried with each
reading key: GCM's tag tells the right one.
A key given in the environment (GOVTRUST_DATA_KEY) is fixed: it cannot be rotated from here.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from govtrust.core.keys import load_or_create_secret
from govtrust.core.masking import mask_ric

_V1 = b"\x01"
_V2 = b"\x02"
_KID = 4
_NONCE = 12
_TAG = 16
WRITING_FILE = "data.key"
PREVIOUS_FILE = "data-previous.key"
LOOKUP_FILE = "data-lookup.key"


@dataclass(frozen=True)
class Protected:
    cipher: bytes
    digest: str
    masked: str


@dataclass(frozen=True)
class DataKey:
    kid: bytes
    sm4: bytes


@dataclass(frozen=True)
class Keyring:
    writing: DataKey
    previous: DataKey | None
    lookup: bytes

    @property
    def reading(self) -> tuple[DataKey, ...]:
        return (self.writing,) if self.previous is None else (self.writing, self.previous)


@lru_cache(maxsize=16)
def _subkey(master: str, purpose: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=purpose).derive(
        master.encode()
    )


def data_key(master: str) -> DataKey:
    return DataKey(_subkey(master, b"govtrust/key-id", _KID), _subkey(master, b"govtrust/sm4", 16))


def lookup_subkey(master: str) -> bytes:
    return _subkey(master, b"govtrust/lookup", 32)


def key_from_environment() -> bool:
    return bool(os.environ.get("GOVTRUST_DATA_KEY"))


def key_path(name: str) -> Path:
    return Path(settings.VAR_DIR) / name


def _stamp(path: str) -> tuple[int, int, int] | None:
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return (found.st_ino, found.st_mtime_ns, found.st_size)


@lru_cache(maxsize=4)
def _paths(var: str) -> tuple[str, ...]:
    # Plain strings, joined once: pathlib cost more than the encryption it guards (profiled).
    return tuple(os.path.join(var, name) for name in (WRITING_FILE, PREVIOUS_FILE, LOOKUP_FILE))


@lru_cache(maxsize=4)
def _environment_keyring(master: str) -> Keyring:
    return Keyring(data_key(master), None, lookup_subkey(master))


@lru_cache(maxsize=4)
def _file_keyring(var: str, stamps: tuple[tuple[int, int, int] | None, ...]) -> Keyring:
    folder = Path(var)
    master = load_or_create_secret(folder / WRITING_FILE)
    previous = (folder / PREVIOUS_FILE).read_text(encoding="ascii").strip() if stamps[1] else None
    lookup = (
        bytes.fromhex((folder / LOOKUP_FILE).read_text(encoding="ascii").strip())
        if stamps[2]
        else lookup_subkey(master)
    )
    return Keyring(data_key(master), data_key(previous) if previous else None, lookup)


# The key files are looked at again at most this often (seconds): three stat calls per
# encryption cost as much as the encryption itself on a loaded host (measured). A rotation waits
# longer than this before its second pass (data_key_rotation.GRACE).
RECHECK = 0.5
_seen: dict[str, tuple[float, Keyring]] = {}


def keyring() -> Keyring:
    """The keys as they are now: from the environment, or from var/, read again when the files
    change (checked every RECHECK seconds, so a rotation by another process is seen at once)."""
    if key_from_environment():
        return _environment_keyring(settings.GOVTRUST_DATA_KEY)
    var, now = str(settings.VAR_DIR), time.monotonic()
    seen = _seen.get(var)
    if seen is not None and now - seen[0] < RECHECK:
        return seen[1]
    ring = _file_keyring(var, tuple(_stamp(path) for path in _paths(var)))
    _seen[var] = (now, ring)
    return ring


def forget() -> None:
    """Read the key files at the next use (this process has just changed them)."""
    _seen.clear()


def lookup_digest(normalized: str) -> str:
    """Keyed hash used for equality look-ups (duplicate detection, screening)."""
    return hmac.new(keyring().lookup, normalized.encode(), hashlib.sha256).hexdigest()


def lookup_digester() -> Callable[[str], str]:
    """`lookup_digest` with the key read once, for many look-ups in one call (screening a list):
    finding the key ring costs as much as the hash itself."""
    key = keyring().lookup

    def digest(normalized: str) -> str:
        return hmac.new(key, normalized.encode(), hashlib.sha256).hexdigest()

    return digest


def encrypt(plain: str, key: DataKey | None = None) -> bytes:
    key = key or keyring().writing
    nonce = os.urandom(_NONCE)
    encryptor = Cipher(algorithms.SM4(key.sm4), modes.GCM(nonce)).encryptor()
    body = encryptor.update(plain.encode()) + encryptor.finalize()
    return _V2 + key.kid + nonce + encryptor.tag + body


def key_id_of(blob: bytes) -> bytes | None:
    """The id of the key a ciphertext was made with; None for format 1 (no id stored)."""
    return bytes(blob[1 : 1 + _KID]) if blob[:1] == _V2 else None


def _open(key: DataKey, nonce: bytes, tag: bytes, body: bytes) -> str:
    decryptor = Cipher(algorithms.SM4(key.sm4), modes.GCM(nonce, tag)).decryptor()
    return (decryptor.update(body) + decryptor.finalize()).decode()


def decrypt(blob: bytes, ring: Keyring | None = None) -> str:
    blob, ring = bytes(blob), ring or keyring()
    if blob[:1] == _V2:
        kid, rest = blob[1 : 1 + _KID], blob[1 + _KID :]
        candidates = [k for k in ring.reading if k.kid == kid]
        if not candidates:
            raise ValueError("ciphertext made with a key that is not kept (retired or missing)")
    elif blob[:1] == _V1:
        rest, candidates = blob[1:], list(ring.reading)
    else:
        raise ValueError("unknown ciphertext version")
    nonce, tag, body = rest[:_NONCE], rest[_NONCE : _NONCE + _TAG], rest[_NONCE + _TAG :]
    for key in candidates:
        try:
            return _open(key, nonce, tag, body)
        except InvalidTag:
            continue
    raise ValueError("no kept key opens this ciphertext")


def protect_ric(normalized: str) -> Protected:
    return Protected(encrypt(normalized), lookup_digest(normalized), mask_ric(normalized))
