"""Smoke run of bench/assessment.py (--quick): the same code paths as the full run, small sizes.
The data is cached under the system's temporary folder by size, so a second run skips the build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_assessment_bench_quick() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVTRUST_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, str(BENCH / "assessment.py"), "--quick", "--naive-sample", "20"],
        cwd=BENCH.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    assert "Same inputs, same bytes: yes; verify: passed" in out
    assert "naive ORM loop, 20 units" in out and "PASSED" in out
