"""A task for the two-RQ-workers test (test_rq_two_workers.py): it appends one line per run,
"<n> <pid>", to a file (O_APPEND: whole lines even from two processes), then waits a little so
both workers are busy at once."""

from __future__ import annotations

import os
import time

from django_tasks import task


@task()
def probe(path: str, n: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{n} {os.getpid()}\n".encode())
    finally:
        os.close(fd)
    time.sleep(0.2)
