"""A backup killed with SIGKILL in the middle of writing its archive leaves nothing under the
archive's final name, does not hold the backup lock after death, and the next run succeeds
(on SQLite, or PostgreSQL with DATABASE_URL: the advisory lock dies with the session)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.e2e.conftest import Server, _govtrust

PASSPHRASE = "killed-backup-passphrase"
NAME = "govtrust-20261129T020000Z.tar"

# The backup as `govtrust backup` runs it, stopping for good after the archive's first member
# is written (a stand-in for a long write), so the test can kill it there.
SLOW_BACKUP = """
import sys, tarfile, time
from pathlib import Path
import django
django.setup()
from govtrust.core import backup

real_addfile = tarfile.TarFile.addfile

def slow_addfile(self, *args, **kwargs):
    real_addfile(self, *args, **kwargs)
    self.fileobj.flush()  # the member is on disk when the kill comes
    print("WRITING", flush=True)
    time.sleep(600)

tarfile.TarFile.addfile = slow_addfile
backup.backup_create(destination=Path(sys.argv[1]), passphrase=sys.argv[2])
"""


def test_a_backup_killed_mid_write_leaves_no_archive_and_the_next_run_succeeds(
    make_installation: Callable[..., Server], tmp_path: Path
) -> None:
    """Given a backup writing its archive into the backup folder, when it is killed with SIGKILL,
    then no file has the archive's name (only the run's own work folder is left, holding the
    partial file), the next backup to the same name succeeds with a complete, signed archive,
    and the leftover folder is removed by the stale clean-up."""
    srv = make_installation("killed")
    folder = tmp_path / "backups"
    folder.mkdir()
    final = folder / NAME
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_BACKUP, str(final), PASSPHRASE],
        env=srv.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.strip() == "WRITING", (line, process.stderr.read() if process.stderr else "")
        partial = list(folder.glob(".govtrust-backup-*/archive.tar.tmp"))
        assert len(partial) == 1 and partial[0].stat().st_size > 0
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert not final.exists()
    assert [p.name for p in folder.iterdir() if not p.name.startswith(".govtrust-backup-")] == []

    started = time.monotonic()
    out = _govtrust(srv.env, "backup", str(final), stdin=PASSPHRASE + "\n")
    assert "已写入备份" in out and time.monotonic() - started < 170
    with tarfile.open(final, "r:") as tar:
        names = tar.getnames()
    assert names[:2] == ["manifest.json", "manifest.sig"] and "keys.enc" in names
    cleaned = srv.python(
        "from django.test import override_settings\n"
        "from govtrust.core.tempclean import clean_stale_temp\n"
        f"with override_settings(GOVTRUST_BACKUP_DIR={str(folder)!r}):\n"
        "    print(len(clean_stale_temp(max_age=0)))\n"
    )
    assert cleaned.strip() == "1"
    assert [p.name for p in folder.iterdir()] == [NAME]
