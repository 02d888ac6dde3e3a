"""Production settings are safe by default."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVTRUST_", "DJANGO_"))}
    env.update(DJANGO_SETTINGS_MODULE="govtrust.config.settings", GOVTRUST_VAR_DIR=str(tmp_path))
    env.update(extra)
    return env


def test_deploy_check_is_clean_with_default_settings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_keys_are_generated_once_and_private(tmp_path: Path) -> None:
    code = "from django.conf import settings; print(settings.SECRET_KEY[:12])"
    run = [sys.executable, "-c", f"import django; django.setup(); {code}"]
    first = subprocess.run(run, env=_env(tmp_path), capture_output=True, text=True, check=True)
    second = subprocess.run(run, env=_env(tmp_path), capture_output=True, text=True, check=True)
    assert first.stdout == second.stdout and len(first.stdout.strip()) == 12
    for name in ("secret.key", "data.key"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600


def test_database_replica_url_adds_the_alias_and_turns_replica_reads_on(tmp_path: Path) -> None:
    """Given DATABASE_REPLICA_URL in production settings, then the `replica` alias points at it,
    mirrors the primary in tests, and replica reads are on; without it there is no alias."""
    code = (
        "from django.conf import settings as s\n"
        "r = s.DATABASES.get('replica') or {}\n"
        "print(r.get('HOST'), r.get('PORT'), r.get('TEST', {}).get('MIRROR'),"
        " s.GOVTRUST_REPLICA_READS, s.DATABASE_ROUTERS)\n"
    )
    env = _env(tmp_path)
    run = [sys.executable, "-c", "import django; django.setup()\n" + code]
    env["DATABASE_REPLICA_URL"] = "postgres://reader@replica.internal:5433/govtrust"
    with_replica = subprocess.run(run, env=env, capture_output=True, text=True, check=True)
    assert with_replica.stdout.split()[:4] == ["replica.internal", "5433", "default", "True"]
    assert "govtrust.core.replica.ReplicaRouter" in with_replica.stdout
    del env["DATABASE_REPLICA_URL"]
    without = subprocess.run(run, env=env, capture_output=True, text=True, check=True)
    assert without.stdout.split()[:4] == ["None", "None", "None", "False"]
