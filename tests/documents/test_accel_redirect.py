"""GOVTRUST_ACCEL_REDIRECT: issued documents handed to nginx after the app's checks."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from govtrust.core.models import AuditEvent
from govtrust.directory.models import Department, User
from govtrust.documents.models import Document
from govtrust.documents.services.issue import document_path

pytestmark = pytest.mark.django_db
PREFIX = "/_govtrust_documents/"


def _issue(client: Client, department: Department) -> Document:
    url = f"/backoffice/documents/reports/department/{department.pk}/"
    response = client.post(url, {"public": "1"})
    assert response.status_code == 302
    return Document.objects.get(kind="public_report")


def test_a_download_is_checked_then_handed_to_nginx_when_the_setting_is_on(
    reviewer: User, make_department: Callable[..., Department]
) -> None:
    department = make_department("620102", "城关区财政局")
    client = Client()
    client.force_login(reviewer)
    document = _issue(client, department)
    url = f"/backoffice/documents/{document.code}.pdf"
    plain = client.get(url)
    assert plain.status_code == 200 and plain.content.startswith(b"%PDF-")
    assert "X-Accel-Redirect" not in plain

    with override_settings(GOVTRUST_ACCEL_REDIRECT=PREFIX):
        accel = client.get(url)
        assert accel.status_code == 200 and accel.content == b""
        assert accel["X-Accel-Redirect"] == f"{PREFIX}{document.code}.pdf"
        assert accel["Content-Type"] == "application/pdf"
        assert accel["Content-Disposition"] == f'attachment; filename="{document.code}.pdf"'
        # nginx serves var/documents/ under the prefix: the name it is told is the stored file.
        stored = Path(settings.VAR_DIR) / "documents" / f"{document.code}.pdf"
        assert stored == document_path(document)
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == document.sha256
        downloads = AuditEvent.objects.filter(action="document.download", object_id=document.code)
        assert downloads.count() == 2  # audited as before

        # The digest is still checked by the app: a changed file is not handed on.
        stored.write_bytes(stored.read_bytes() + b"%changed")
        refused = client.get(url)
        assert refused.status_code == 404 and "X-Accel-Redirect" not in refused

        other = Client()
        assert "X-Accel-Redirect" not in other.get(url)  # no sign-in: no file


def test_a_prefix_that_is_not_a_path_stops_the_start(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVTRUST_", "DJANGO_"))}
    env.update(DJANGO_SETTINGS_MODULE="govtrust.config.settings", GOVTRUST_VAR_DIR=str(tmp_path))
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.GOVTRUST_ACCEL_REDIRECT)"
    run = [sys.executable, "-c", code]
    good = subprocess.run(
        run, env={**env, "GOVTRUST_ACCEL_REDIRECT": PREFIX}, capture_output=True, text=True
    )
    assert good.returncode == 0 and good.stdout.strip() == PREFIX, good.stderr
    bad = subprocess.run(
        run, env={**env, "GOVTRUST_ACCEL_REDIRECT": "documents"}, capture_output=True, text=True
    )
    assert bad.returncode != 0 and "GOVTRUST_ACCEL_REDIRECT" in bad.stderr
