"""Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA1, 6 digits, 30 s.

Those parameters are what every authenticator app (Google/Microsoft Authenticator, 腾讯身份验证器,
FreeOTP) assumes when it scans an otpauth:// URI. Pure functions, no Django: the browser tests
compute codes with them too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

STEP = 30
DIGITS = 6
# Steps either side of now that still count: RFC 6238 section 5.2 recommends allowing one step
# of clock drift; it also covers a code typed just before its 30 seconds ran out.
DRIFT = 1


def new_secret() -> str:
    """160 random bits (RFC 4226 section 4 recommends 160), base32 as the apps expect."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def step_at(moment: float | None = None) -> int:
    return int((time.time() if moment is None else moment) // STEP)


def code_at(secret: str, step: int) -> str:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def matching_step(
    secret: str, code: str, *, after: int | None = None, moment: float | None = None
) -> int | None:
    """The time step whose code `code` is (within DRIFT of now and later than `after`, the last
    step accepted, so a code is never accepted twice), or None."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdecimal():
        return None
    now = step_at(moment)
    for step in range(now - DRIFT, now + DRIFT + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def otpauth_uri(secret: str, *, account: str, issuer: str) -> str:
    """The Key URI an authenticator app scans from the QR code."""
    label = quote(f"{issuer}:{account}")
    query = urlencode({"secret": secret, "issuer": issuer, "digits": DIGITS, "period": STEP})
    return f"otpauth://totp/{label}?{query}"
