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
