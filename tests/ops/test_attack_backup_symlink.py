"""A backup must be restorable whatever the operator keeps under var/: a file in a file folder
that is a symbolic link (to a file on another disk) is listed by its content, so it must be stored
as that content, not as a link that restore refuses as a missing part."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from govtrust.core import backup
from govtrust.core.backup import backup_create

pytestmark = pytest.mark.django_db

PASSPHRASE = "symlink-passphrase-2026"


def test_a_symlinked_file_is_backed_up_as_its_content_and_passes_restores_checks(
    tmp_path: Path, settings: object
) -> None:
    """Given var/documents holding an issued document and a symbolic link to a document kept on
    another disk, when a backup is taken, then both are regular members with the manifest's
    size, and the archive passes every check restore makes before it writes."""
    var = tmp_path / "var"
    documents = var / "documents"
    documents.mkdir(parents=True)
    settings.VAR_DIR = str(var)  # type: ignore[attr-defined]
    (documents / "D-0001.pdf").write_bytes(b"%PDF-1.7 issued here")
    elsewhere = tmp_path / "other-disk" / "D-0002.pdf"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(b"%PDF-1.7 issued and moved to another disk")
    (documents / "D-0002.pdf").symlink_to(elsewhere)

    archive = backup_create(destination=tmp_path / "b.tar", passphrase=PASSPHRASE).path

    with tarfile.open(archive, "r:") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        member = tar.getmember("files/documents/D-0002.pdf")
        assert member.isfile(), "stored as a link: restore would refuse the whole backup"
        assert member.size == manifest["parts"]["files/documents/D-0002.pdf"]["size"]
        handle = tar.extractfile(member)
        assert handle is not None and handle.read() == elsewhere.read_bytes()
        backup._verify(tar, manifest, archive.stat().st_size)  # raises on any refusal
