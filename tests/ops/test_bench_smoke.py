"""Smoke runs of the operations benchmarks (bench/README.md): tiny sizes, the same code paths
as the full runs. Their data and collected static files are cached under the system's temporary
folder (keyed by content), so a second run skips the builds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _run(script: str, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVTRUST_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        cwd=BENCH.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    return output


def test_backup_under_load_restores_a_checked_copy_and_no_request_fails() -> None:
    out = _run("backup_under_load.py", "--quick", "--records", "500", "--seconds", "1")
    assert "goal 'no request fails': met" in out
    assert "records_record 500 / 500" in out and "- equal" in out
    assert "govtrust audit verify: exit 0" in out
    assert "govtrust verify --deep: exit 0" in out and "500 条叶子" in out
    assert "PASSED" in out


def test_sizing_measures_disk_per_record_and_the_portals_rate() -> None:
    out = _run("sizing.py", "--quick", "--records", "20", "--seconds", "1")
    assert "audit events + seals" in out and "MiB/M" in out
    assert "req/s" in out and "failed 0" in out
