"""A backup taken in the middle of a data key rotation holds both keys: the restored
installation reads every citizen ID and finishes the rotation with `govtrust keys rotate data`.
On SQLite by default; on PostgreSQL when DATABASE_URL is set."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.e2e.conftest import CLERK, DEPARTMENT, Server, _govtrust
from tests.ops.test_backup import IDENTIFIERS, PASSPHRASE
from tests.records import sheets

CRASH_AFTER_FIRST_BATCH = (
    "from govtrust.core.data_key_rotation import data_key_rotate\n"
    "def crash(message):\n"
    "    raise SystemExit(message)\n"
    "try:\n"
    "    data_key_rotate(batch=1, grace=0, progress=crash)\n"
    "except SystemExit as stop:\n"
    "    print('stopped:', stop)\n"
)
KEY_IDS = (
    "from govtrust.core.protect import key_id_of\n"
    "from govtrust.records.models import Record\n"
    "print(sorted({key_id_of(bytes(r.subject_ric_cipher)).hex() for r in Record.objects.all()}))\n"
)


def test_a_backup_during_rotation_restores_both_keys_and_the_rotation_finishes(
    make_installation: Callable[..., Server], tmp_path: Path
) -> None:
    """Given an installation whose data key rotation stopped after one batch (IDs under both
    keys), when it is backed up and restored onto an empty installation, then every ID decrypts
    there, and `govtrust keys rotate data` resumes and completes: one key id left, old key file
    gone, IDs unchanged, audit chain intact."""
    source = make_installation("source")
    upload = sheets.xlsx(tmp_path / "records.xlsx", [sheets.row() for _ in range(4)])
    _govtrust(source.env, "import", str(upload), "--unit", CLERK.unit, "--department", DEPARTMENT)
    before = source.python(IDENTIFIERS)
    assert "stopped:" in source.python(CRASH_AFTER_FIRST_BATCH)
    assert len(eval(source.python(KEY_IDS))) == 2  # noqa: S307 - our own printed list
    source_var = Path(source.env["GOVTRUST_VAR_DIR"])
    assert (source_var / "data-previous.key").exists()
    archive = tmp_path / "mid-rotation.tar"
    _govtrust(source.env, "backup", str(archive), stdin=PASSPHRASE + "\n")

    target = make_installation("target", setup=False)
    target.env["GOVTRUST_BACKUP_PASSPHRASE"] = PASSPHRASE
    _govtrust(target.env, "restore", str(archive))
    target_var = Path(target.env["GOVTRUST_VAR_DIR"])
    for name in ("data.key", "data-previous.key", "data-lookup.key"):
        assert (target_var / name).read_bytes() == (source_var / name).read_bytes()
    assert target.python(IDENTIFIERS) == before

    target.env["GOVTRUST_DATA_KEY_GRACE"] = "0"
    finished = _govtrust(target.env, "keys", "rotate", "data", "--batch", "2")
    assert "继续上次未完成的数据密钥轮换" in finished and "数据密钥已轮换" in finished
    assert len(eval(target.python(KEY_IDS))) == 1  # noqa: S307
    assert not (target_var / "data-previous.key").exists()
    assert target.python(IDENTIFIERS) == before
    assert "审计链完整" in _govtrust(target.env, "audit", "verify")
