"""The files under deploy/ agree with the application: nginx's body limit and document location
with the settings, the systemd units' commands with the command line; `nginx -t` accepts the
site when nginx is installed."""

from __future__ import annotations

import datetime
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

from govtrust.cli import build_parser

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SITE = DEPLOY / "nginx" / "govtrust.conf"


def _env_example() -> dict[str, str]:
    lines = (DEPLOY / "govtrust.env.example").read_text(encoding="utf-8").splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return {key: value for key, value in pairs}


def test_nginx_body_limit_is_the_apps_request_limit() -> None:
    found = re.findall(r"client_max_body_size (\d+)m;", SITE.read_text(encoding="utf-8"))
    assert found == [str(settings.GOVTRUST_MAX_REQUEST_BYTES >> 20)]
    assert settings.GOVTRUST_MAX_REQUEST_BYTES % (1 << 20) == 0


def test_the_document_location_is_internal_and_is_the_configured_prefix() -> None:
    prefix = _env_example()["GOVTRUST_ACCEL_REDIRECT"]
    site = SITE.read_text(encoding="utf-8")
    block = re.search(rf"location {re.escape(prefix)} \{{(.*?)\}}", site, re.S)
    assert block is not None
    assert "internal;" in block.group(1)
    assert f"alias {_env_example()['GOVTRUST_VAR_DIR']}/documents/;" in block.group(1)


@pytest.mark.parametrize("unit", ["govtrust-web.service", "govtrust-worker.service"])
def test_systemd_units_run_commands_the_cli_has(unit: str) -> None:
    text = (DEPLOY / "systemd" / unit).read_text(encoding="utf-8")
    (command,) = re.findall(r"^ExecStart=(.+)$", text, re.M)
    words = shlex.split(command)
    assert words[0].endswith("/govtrust")
    args = build_parser().parse_args(words[1:])  # exits on an unknown option
    assert args.command in {"serve", "worker"}
    if args.command == "serve":
        assert args.no_worker  # the worker runs in its own unit
    assert "EnvironmentFile=/etc/govtrust/govtrust.env" in text


def _certificate(folder: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "credit.example.gov.cn")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (folder / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "privkey.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_accepts_the_site(tmp_path: Path) -> None:
    _certificate(tmp_path)
    site = SITE.read_text(encoding="utf-8").replace("/etc/ssl/govtrust/", f"{tmp_path}/")
    (tmp_path / "govtrust.conf").write_text(site, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/govtrust.conf;\n}}\n",
        encoding="utf-8",
    )
    nginx = shutil.which("nginx")
    assert nginx is not None
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
