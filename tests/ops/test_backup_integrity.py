"""The backup archive is authenticated and read within its declared sizes: a manifest not signed
with the passphrase, a part whose SHA-256 or size differs from the manifest, or a compressed
archive is refused with a clear Chinese error before anything under var/ or in the database is
touched."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest

from govtrust.core import backup
from govtrust.core.backup import backup_create, backup_restore
from govtrust.core.backup_crypto import sign_manifest
from govtrust.core.errors import DomainError

pytestmark = pytest.mark.django_db

PASSPHRASE = "integrity-passphrase-2026"


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return backup_create(destination=tmp_path / "good.tar", passphrase=PASSPHRASE).path


@pytest.fixture
def var(tmp_path: Path, settings: object) -> Path:
    """An empty var/ for the restore: a refusal must leave it empty."""
    folder = tmp_path / "restore-var"
    folder.mkdir()
    settings.VAR_DIR = str(folder)  # type: ignore[attr-defined]
    return folder


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        out = {}
        for member in tar.getmembers():
            handle = tar.extractfile(member)
            out[member.name] = handle.read() if handle else b""
    return out


def _write(path: Path, members: dict[str, bytes], sizes: dict[str, int] | None = None) -> Path:
    with tarfile.open(path, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _refused(archive: Path, var: Path, message: str) -> None:
    with pytest.raises(DomainError) as exc:
        backup_restore(source=archive, passphrase=PASSPHRASE)
    assert message in exc.value.detail, exc.value.detail
    assert list(var.iterdir()) == [], "restore touched var/ before refusing"


def test_a_manifest_changed_to_match_a_changed_part_is_refused(
    good: Path, tmp_path: Path, var: Path
) -> None:
    """Given a good archive whose keys part is replaced and whose manifest is rewritten with the
    new part's true SHA-256 and size (what anyone able to write the archive can do), when it is
    restored, then the manifest's signature no longer matches and restore refuses."""
    members = _members(good)
    planted = b'{"kdf": {}}'
    manifest = json.loads(members["manifest.json"])
    manifest["parts"]["keys.enc"] = {
        "sha256": hashlib.sha256(planted).hexdigest(),
        "size": len(planted),
    }
    members["manifest.json"] = json.dumps(manifest).encode()
    members["keys.enc"] = planted
    _refused(_write(tmp_path / "forged.tar", members), var, "签名不符")


def test_a_manifest_signed_with_another_passphrase_is_refused(
    good: Path, tmp_path: Path, var: Path
) -> None:
    members = _members(good)
    members["manifest.sig"] = sign_manifest(members["manifest.json"], "someone-elses-passphrase")
    _refused(_write(tmp_path / "resigned.tar", members), var, "签名不符")


def test_an_unsigned_archive_is_refused(good: Path, tmp_path: Path, var: Path) -> None:
    members = _members(good)
    del members["manifest.sig"]
    _refused(_write(tmp_path / "unsigned.tar", members), var, "没有签名")


def test_a_signature_of_the_wrong_shape_is_refused(good: Path, tmp_path: Path, var: Path) -> None:
    members = _members(good)
    members["manifest.sig"] = b'{"kdf": {"name": "scrypt", "n": 1099511627776, "r": 8, "p": 1}}'
    _refused(_write(tmp_path / "badsig.tar", members), var, "签名格式无效")


def test_a_part_changed_under_a_good_signature_is_refused(
    good: Path, tmp_path: Path, var: Path
) -> None:
    """The manifest stays as signed; one byte of the database part differs: SHA-256 refusal."""
    members = _members(good)
    database = next(name for name in members if name.startswith("database."))
    data = bytearray(members[database])
    data[-1] ^= 0xFF
    members[database] = bytes(data)
    _refused(_write(tmp_path / "flipped.tar", members), var, "SHA-256 与清单不符")


def test_the_signed_archive_names_its_signature_and_verifies(good: Path) -> None:
    with tarfile.open(good) as tar:
        assert tar.getnames()[:2] == ["manifest.json", "manifest.sig"]
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert manifest["format"] == backup.FORMAT == 2


def test_a_member_larger_than_its_declared_size_is_refused_before_it_is_read(
    good: Path, tmp_path: Path, var: Path
) -> None:
    """Given a signed manifest declaring a file of 10 bytes and a tar member of that name holding
    8 MB, when it is restored, then it is refused on the size alone: the member is never hashed
    or copied past what the manifest allows."""
    members = _members(good)
    manifest = json.loads(members["manifest.json"])
    small = b"0123456789"
    manifest["parts"]["files/uploads/big.bin"] = {
        "sha256": hashlib.sha256(small).hexdigest(),
        "size": len(small),
    }
    members["manifest.json"] = json.dumps(manifest).encode()
    members["manifest.sig"] = sign_manifest(members["manifest.json"], PASSPHRASE)
    members["files/uploads/big.bin"] = bytes(8 << 20)
    read: list[int] = []
    real_sha = backup._sha256

    def counting(stream: object) -> str:
        read.append(1)
        return real_sha(stream)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(backup, "_sha256", counting)
        _refused(_write(tmp_path / "bigger.tar", members), var, "大小与清单不符")
    assert len(read) < len(manifest["parts"])  # stopped at the oversized member


def test_declared_sizes_beyond_the_archive_are_refused(
    good: Path, tmp_path: Path, var: Path
) -> None:
    """A manifest declaring more bytes in all than the archive holds (a bomb's promise) is
    refused before any member is read."""
    members = _members(good)
    manifest = json.loads(members["manifest.json"])
    manifest["parts"]["files/uploads/huge.bin"] = {"sha256": "0" * 64, "size": 1 << 40}
    members["manifest.json"] = json.dumps(manifest).encode()
    members["manifest.sig"] = sign_manifest(members["manifest.json"], PASSPHRASE)
    _refused(_write(tmp_path / "promise.tar", members), var, "超过备份文件本身")


def test_a_compressed_archive_is_not_inflated(good: Path, tmp_path: Path, var: Path) -> None:
    """backup_create writes a plain tar; a gzip-compressed one (a compression bomb's carrier) is
    refused as unreadable instead of being inflated."""
    bomb = tmp_path / "good.tar.gz"
    bomb.write_bytes(gzip.compress(good.read_bytes()))
    _refused(bomb, var, "未压缩 tar")


def test_restore_streams_files_in_blocks(
    good: Path, tmp_path: Path, var: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy of a member reads at most one block at a time and stops past the declared size:
    given a member stream longer than its declared size, _copy refuses and leaves at most the
    declared bytes on disk."""
    reads: list[int] = []

    class Stream:
        def __init__(self) -> None:
            self.left = 5 << 20

        def read(self, size: int = -1) -> bytes:
            reads.append(size)
            n = min(self.left, size)
            self.left -= n
            return bytes(n)

    monkeypatch.setattr(backup, "_member", lambda _tar, _name: Stream())
    target = var / "uploads" / "x.bin"
    with pytest.raises(DomainError, match="超过清单声明的大小"):
        backup._copy(None, "files/uploads/x.bin", 2 << 20, target)  # type: ignore[arg-type]
    assert reads and all(0 < size <= backup._BLOCK for size in reads)
    assert target.stat().st_size <= 2 << 20
