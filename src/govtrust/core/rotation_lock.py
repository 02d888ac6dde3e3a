"""One key rotation of a kind at a time on this installation.

Every rotation renames key files under var/ and assumes nobody else does meanwhile. Two runs at
once (two operators, a cron job beside a person) interleave those renames: the data key's runs
would each write their own new key and the first to finish would delete the previous key while
rows sat under the other's; the log key's runs would both retire to the same dated name and one
would overwrite the other's retired key. An exclusive, non-blocking flock on
var/<kind>-rotation.lock refuses the second run at once; the kernel drops the lock when the
process dies, so a killed run never blocks its resume.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from govtrust.core.errors import DomainError


@contextlib.contextmanager
def one_rotation_at_a_time(kind: str) -> Iterator[None]:
    folder = Path(settings.VAR_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / f"{kind}-rotation.lock", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DomainError(
                f"另一个 {kind} 密钥轮换正在进行，请等它结束后再运行 govtrust keys rotate {kind}"
            ) from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
