"""A restore killed with SIGKILL part-way must leave an installation the operator can restore
again with the same command: the database (the one part restore refuses to overwrite) is
written last, in one transaction, so a kill before it leaves the database empty."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.e2e.conftest import Server, _govtrust
from tests.ops.test_backup import PASSPHRASE, _attempt

# Restore in a child process that kills itself (SIGKILL, no clean-up) as it starts writing the
# first file under var/: what an operator's kill -9 or a power cut does mid-restore.
KILLED_RESTORE = """
import os, signal, sys
from pathlib import Path
import django
django.setup()
from govtrust.core import backup
real_copy = backup._copy
def dying_copy(tar, name, size, target):
    if name.startswith("files/"):
        os.kill(os.getpid(), signal.SIGKILL)
    return real_copy(tar, name, size, target)
backup._copy = dying_copy
backup.backup_restore(source=Path(sys.argv[1]), passphrase=sys.argv[2])
"""

TABLES = "from django.db import connection\nprint(len(connection.introspection.table_names()))\n"


def test_a_restore_killed_mid_way_can_be_run_again(
    make_installation: Callable[..., Server], tmp_path: Path
) -> None:
    """Given an archive holding a database and an issued document, when a restore is killed
    with SIGKILL while it writes the files, then the target database is still empty, and running
    `govtrust restore` again succeeds and brings back the database and the file."""
    source = make_installation("source")
    documents = Path(source.env["GOVTRUST_VAR_DIR"]) / "documents"
    documents.mkdir(parents=True, exist_ok=True)
    (documents / "D-0001.pdf").write_bytes(b"%PDF-1.7 issued notice")
    archive = tmp_path / "drill.tar"
    _govtrust(source.env, "backup", str(archive), stdin=PASSPHRASE + "\n")

    target = make_installation("target", setup=False)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_RESTORE, str(archive), PASSPHRASE],
        env=target.env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert target.python(TABLES).strip() == "0"

    again = _attempt(target, "restore", str(archive), stdin=PASSPHRASE + "\n")
    assert again.returncode == 0, again.stderr
    assert int(target.python(TABLES).strip()) > 0
    target_var = Path(target.env["GOVTRUST_VAR_DIR"])
    assert (target_var / "documents" / "D-0001.pdf").read_bytes() == b"%PDF-1.7 issued notice"
    assert "审计链完整" in _govtrust(target.env, "audit", "verify")
