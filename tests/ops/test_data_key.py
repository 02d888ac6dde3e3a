"""`govtrust keys rotate data`: a new data key writes at once, the old one reads until every
ciphertext is re-encrypted (in batches, resumable, conditional updates), then is retired."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import override_settings

from govtrust.core import data_key_rotation as rotation
from govtrust.core import protect
from govtrust.core.errors import DomainError
from govtrust.core.models import AuditEvent
from govtrust.directory import totp
from govtrust.directory.models import CivilServant, User
from govtrust.directory.services import civil_servant_create
from govtrust.records.models import Record
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_create
from govtrust.records.services.privacy import record_reveal_identifier
from tests.conftest import new_ric, record_payload, totp_enrol

pytestmark = pytest.mark.django_db


class Crash(Exception):
    """Stands for the process dying after some batches have committed."""


@pytest.fixture
def var(tmp_path: Path) -> Iterator[Path]:
    with override_settings(VAR_DIR=tmp_path):
        yield tmp_path


def _records(clerk: User, count: int) -> dict[int, str]:
    made = {}
    for _ in range(count):
        ric = new_ric()
        data = RecordIn.model_validate(record_payload(subject_identifier=ric))
        made[record_create(data=data, actor=clerk).pk] = ric
    return made


def _kids(model: type[models.Model], field: str) -> list[bytes | None]:
    rows = model._base_manager.exclude(**{f"{field}__isnull": True}).values_list(field, flat=True)
    return [protect.key_id_of(bytes(v)) for v in rows]


def _all_kids() -> set[bytes | None]:
    found: set[bytes | None] = set()
    for label, field in rotation.ENCRYPTED_COLUMNS:
        found.update(_kids(apps.get_model(label), field))
    return found


def test_every_cipher_column_is_rotated() -> None:
    """Given the models, then every binary *_cipher column is in the rotation's list."""
    columns = {
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.BinaryField) and field.name.endswith("_cipher")
    }
    assert columns == set(rotation.ENCRYPTED_COLUMNS)


def test_rotation_reencrypts_every_column_and_retires_the_old_key(var: Path, clerk: User) -> None:
    """Given records, a civil servant and a TOTP secret under the current key, when the data key
    is rotated in batches of 2, then every ciphertext carries the new key id and decrypts to the
    same value, the look-up hashes still find the person and the TOTP code still verifies, the
    old key file is gone, and the start and the retirement are audit events naming both ids."""
    ids = _records(clerk, 5)
    assert clerk.department is not None
    person = civil_servant_create(department=clerk.department, name="李娜", ric=new_ric())
    person_ric = protect.decrypt(bytes(person.ric_cipher))
    secret = totp_enrol(clerk)
    old = protect.keyring().writing.kid
    messages: list[str] = []

    report = rotation.data_key_rotate(batch=2, grace=0, progress=messages.append)

    new = protect.keyring().writing.kid
    assert new != old and not report.resumed and report.reencrypted == 5 + 1 + 1
    assert _all_kids() == {new}
    for pk, ric in ids.items():
        assert record_reveal_identifier(record=Record.objects.get(pk=pk), actor=clerk) == ric
    assert CivilServant.objects.get(ric_digest=protect.lookup_digest(person_ric)) == person
    clerk.refresh_from_db()
    assert protect.decrypt(bytes(clerk.totp_cipher or b"")) == secret
    assert totp.code_at(secret, totp.step_at())  # the secret itself, not only its ciphertext
    assert not (var / protect.PREVIOUS_FILE).exists()
    assert (var / protect.LOOKUP_FILE).stat().st_mode & 0o777 == 0o600
    assert any("records.Record.subject_ric_cipher：已检查 2/5 行" in m for m in messages)
    start = AuditEvent.objects.get(action="key.rotate", object_id="data")
    retire = AuditEvent.objects.get(action="key.retire")
    assert (start.before or {})["key_id"] == old.hex() == (retire.before or {})["key_id"]
    assert (start.after or {})["key_id"] == new.hex() == (retire.after or {})["key_id"]


def test_a_crash_mid_way_reads_both_keys_and_is_resumed(var: Path, clerk: User) -> None:
    """Given a rotation that dies after its first batch of 2 committed, then records under the
    old key and under the new one both reveal their IDs, a record created meanwhile is written
    under the new key, and running the rotation again resumes it (no second new key) and leaves
    no ciphertext under the old key."""
    ids = _records(clerk, 5)
    old = protect.keyring().writing.kid

    def crash(message: str) -> None:
        raise Crash(message)

    with pytest.raises(Crash):
        rotation.data_key_rotate(batch=2, grace=0, progress=crash)

    ring = protect.keyring()
    new = ring.writing.kid
    assert ring.previous is not None and ring.previous.kid == old != new
    assert sorted(k or b"" for k in _kids(Record, "subject_ric_cipher")) == sorted(
        [old, old, old, new, new]
    )
    for pk, ric in ids.items():
        assert record_reveal_identifier(record=Record.objects.get(pk=pk), actor=clerk) == ric
    ids.update(_records(clerk, 1))
    assert _kids(Record, "subject_ric_cipher").count(new) == 3

    report = rotation.data_key_rotate(batch=2, grace=0)
    assert report.resumed and report.reencrypted == 3
    assert protect.keyring().writing.kid == new and protect.keyring().previous is None
    assert _all_kids() == {new}
    for pk, ric in ids.items():
        assert protect.decrypt(bytes(Record.objects.get(pk=pk).subject_ric_cipher or b"")) == ric
    assert AuditEvent.objects.filter(action="key.rotate", object_id="data").count() == 1


def test_a_value_written_during_the_batch_is_not_overwritten(
    var: Path, clerk: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a writer that replaces a record's ciphertext after the rotation read it, when the
    rotation writes its re-encryption, then the conditional update leaves the writer's value."""
    ids = _records(clerk, 1)
    pk = next(iter(ids))
    real_encrypt = protect.encrypt
    written: dict[str, Any] = {}

    def encrypt_then_race(plain: str, key: protect.DataKey | None = None) -> bytes:
        fresh = real_encrypt(plain, key)
        if not written:  # the concurrent writer commits its own value first
            written["blob"] = real_encrypt("62010219800101999X")
            Record.objects.filter(pk=pk).update(subject_ric_cipher=written["blob"])
        return fresh

    monkeypatch.setattr(protect, "encrypt", encrypt_then_race)
    rotation.data_key_rotate(grace=0)
    stored = bytes(Record.objects.get(pk=pk).subject_ric_cipher or b"")
    assert stored == written["blob"]
    assert protect.decrypt(stored) == "62010219800101999X"


def test_a_key_from_the_environment_is_not_rotated(
    var: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given GOVTRUST_DATA_KEY in the environment, when a rotation is asked, then it is refused
    in Chinese and no key file is written."""
    monkeypatch.setenv("GOVTRUST_DATA_KEY", "from-the-environment")
    with pytest.raises(DomainError) as exc:
        rotation.data_key_rotate(grace=0)
    assert "GOVTRUST_DATA_KEY" in exc.value.detail
    assert list(var.glob("*.key")) == []


def test_format_one_ciphertexts_still_decrypt(var: Path) -> None:
    """Given a ciphertext in the format written before key ids (0x01, no id), then it decrypts
    with the current key, and after a rotation started with the kept old key."""
    ring = protect.keyring()
    blob = bytearray(protect.encrypt("620102198001010011", ring.writing))
    legacy = b"\x01" + bytes(blob[5:])  # the same nonce, tag and body without the key id
    assert protect.decrypt(legacy) == "620102198001010011"
    rotation._start("test")
    assert protect.decrypt(legacy) == "620102198001010011"
