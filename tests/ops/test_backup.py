"""The restore drill: back up a running installation, restore it onto an empty one, and check
the audit chain, the transparency log and the citizen IDs there, through the `govtrust` command.
On SQLite by default; on PostgreSQL (pg_dump/pg_restore) when DATABASE_URL is set."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.e2e.conftest import CLERK, DEPARTMENT, Server, _govtrust
from tests.records import sheets

PASSPHRASE = "drill-passphrase-2026"
ROWS = 4
IDENTIFIERS = (
    "from govtrust.core.protect import decrypt\n"
    "from govtrust.records.models import Record\n"
    "for r in Record.objects.order_by('number'):\n"
    "    print(r.number, decrypt(bytes(r.subject_ric_cipher)))\n"
)


def _attempt(srv: Server, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """A `govtrust` command that may fail; its result, not an assertion."""
    return subprocess.run(
        [sys.executable, "-m", "govtrust.cli", *args],
        env=srv.env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_restore_drill_brings_back_database_keys_and_files(
    make_installation: Callable[..., Server], tmp_path: Path
) -> None:
    """Given an installation with imported records (citizen IDs encrypted under its data key),
    an issued document file and a sealed audit chain, backed up with a passphrase on stdin,
    when the archive is restored onto a new empty installation (whose own keys differ),
    then a wrong passphrase changes nothing, the right one restores everything: audit verify and
    verify --deep pass, the IDs decrypt to the same values and the files are there; and a second
    restore onto the now non-empty installation is refused."""
    source = make_installation("source")
    upload = sheets.xlsx(tmp_path / "records.xlsx", [sheets.row() for _ in range(ROWS)])
    _govtrust(source.env, "import", str(upload), "--unit", CLERK.unit, "--department", DEPARTMENT)
    documents = Path(source.env["GOVTRUST_VAR_DIR"]) / "documents"
    documents.mkdir(parents=True, exist_ok=True)
    (documents / "D-0001.pdf").write_bytes(b"%PDF-1.7 issued notice")
    _govtrust(source.env, "audit", "seal")
    before = source.python(IDENTIFIERS)
    assert len(before.splitlines()) == ROWS
    archive = tmp_path / "drill.tar"
    _govtrust(source.env, "backup", str(archive), stdin=PASSPHRASE + "\n")

    target = make_installation("target", setup=False)
    wrong = _attempt(target, "restore", str(archive), stdin="not-the-passphrase\n")
    assert wrong.returncode == 2 and "备份口令错误" in wrong.stderr
    tables = (
        "from django.db import connection\nprint(len(connection.introspection.table_names()))\n"
    )
    assert target.python(tables).strip() == "0"

    target.env["GOVTRUST_BACKUP_PASSPHRASE"] = PASSPHRASE
    restored = _govtrust(target.env, "restore", str(archive))
    assert "已从" in restored
    assert "审计链完整" in _govtrust(target.env, "audit", "verify")
    assert "深度核对一致" in _govtrust(target.env, "verify", "--deep")
    assert target.python(IDENTIFIERS) == before
    target_var = Path(target.env["GOVTRUST_VAR_DIR"])
    assert (target_var / "documents" / "D-0001.pdf").read_bytes() == b"%PDF-1.7 issued notice"
    assert len(list((target_var / "uploads" / "imports").glob("*.upload"))) == 1
    assert (target_var / "data.key").stat().st_mode & 0o777 == 0o600

    again = _attempt(target, "restore", str(archive))
    assert again.returncode == 2 and "目标数据库不是空的" in again.stderr
