"""A child process kept running beside gunicorn (the worker of `govtrust serve`)."""

from __future__ import annotations

import logging
import os
import subprocess
import threading

log = logging.getLogger("govtrust.serve")

RESTART_DELAY = 5.0  # seconds before a child that died is started again
STOP_TIMEOUT = 30.0  # seconds a child gets to finish its task after SIGTERM


class Child:
    """Starts `command`, restarts it if it dies, and on `stop` sends SIGTERM and waits."""

    def __init__(self, command: list[str], *, name: str) -> None:
        self.command = command
        # gunicorn forks its workers from inside the serving call, so they carry this object and
        # the caller's `finally` with them: only the process that started the child may stop it.
        self.owner = os.getpid()
        self.name = name
        self.process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()

    def start(self) -> None:
        self._spawn()
        threading.Thread(target=self._watch, name=f"govtrust-{self.name}", daemon=True).start()

    def _spawn(self) -> None:
        with self._lock:
            if not self._stopping.is_set():
                # Its own process group: a Ctrl-C on the terminal reaches gunicorn, whose exit
                # then stops the child in order, instead of both racing on the same signal.
                self.process = subprocess.Popen(self.command, start_new_session=True)  # noqa: S603

    def _watch(self) -> None:
        while not self._stopping.is_set():
            process = self.process
            if process is None:
                return
            code = process.wait()
            if self._stopping.wait(RESTART_DELAY):
                return
            log.warning("%s exited with %s; starting it again", self.name, code)
            self._spawn()

    def stop(self) -> None:
        if os.getpid() != self.owner:
            return
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
