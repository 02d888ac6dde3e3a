"""Sign-in helpers: the password step, then the second factor, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from govtrust.directory.models import User
from tests.conftest import PASSWORD, totp_next_code


@pytest.fixture(autouse=True)
def fresh_counters() -> Iterator[None]:
    cache.clear()  # sign-in and code throttles are cache windows: none leaks between tests
    yield
    cache.clear()


def sign_in(
    client: Client,
    user: User,
    *,
    password: str = PASSWORD,
    secret: str | None = None,
    address: str = "127.0.0.1",
) -> int:
    """Post the password, then (when asked for it) the TOTP code; returns the last status."""
    response = client.post(
        "/accounts/login/",
        {"username": user.username, "password": password},
        REMOTE_ADDR=address,
    )
    if secret is not None and response.status_code == 302 and "/mfa/" in response["Location"]:
        response = client.post(
            "/accounts/mfa/", {"code": totp_next_code(user, secret)}, REMOTE_ADDR=address
        )
    return response.status_code


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session
