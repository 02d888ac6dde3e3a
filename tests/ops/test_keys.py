"""`govtrust keys rotate exchange`: a new key signs from now on, the old one is kept and audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from govtrust.core import signing
from govtrust.core.errors import DomainError
from govtrust.core.key_rotation import signing_key_rotate
from govtrust.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_rotating_the_exchange_key_signs_with_a_new_key_and_keeps_the_old(tmp_path: Path) -> None:
    """Given an exchange key that signed a manifest, when it is rotated, then the printed public
    key is the new one and signs new manifests, the old manifest still verifies with the retired
    key kept beside it, and the rotation is an audit event with both key ids."""
    with override_settings(VAR_DIR=tmp_path):
        old_pem = signing.public_key_pem("exchange")
        old_manifest = signing.sign("exchange", {"batch": 1})
        new_pem = signing_key_rotate(name="exchange")
        new_manifest = signing.sign("exchange", {"batch": 2})
        retired = list(tmp_path.glob("exchange-retired-*-ed25519.pem"))
    assert new_pem != old_pem
    assert signing.verify(new_manifest, new_pem) and not signing.verify(new_manifest, old_pem)
    assert signing.verify(old_manifest, old_pem)
    assert len(retired) == 1 and retired[0].stat().st_mode & 0o777 == 0o600
    event = AuditEvent.objects.get(action="key.rotate")
    assert (event.before or {})["key_id"] == old_manifest["key_id"]
    assert (event.after or {})["key_id"] == new_manifest["key_id"]


@pytest.mark.parametrize("name", ["data", "log"])
def test_data_and_log_keys_are_not_rotated_yet(tmp_path: Path, name: str) -> None:
    """Given the data or log key, when a rotation is asked, then it is refused in Chinese and
    nothing changes."""
    with override_settings(VAR_DIR=tmp_path), pytest.raises(DomainError) as exc:
        signing_key_rotate(name=name)
    assert "暂不支持" in exc.value.detail
    assert list(tmp_path.iterdir()) == []


def test_a_rotation_whose_audit_fails_keeps_the_old_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given an exchange key, when the rotation's audit event cannot be written, then the error
    reaches the caller and the old key is still the one in use, with no retired copy left."""
    from govtrust.core import key_rotation

    def broken(**_: object) -> None:
        raise RuntimeError("audit store away")

    monkeypatch.setattr(key_rotation, "audit_append", broken)
    with override_settings(VAR_DIR=tmp_path):
        old_pem = signing.public_key_pem("exchange")
        with pytest.raises(RuntimeError):
            signing_key_rotate(name="exchange")
        assert signing.public_key_pem("exchange") == old_pem
        assert not list(tmp_path.glob("exchange-retired-*"))
