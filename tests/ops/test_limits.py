"""Request size limits: refused with 413 before the body is read, JSON for the API."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client, override_settings

from govtrust.directory.models import User
from govtrust.directory.services import token_create

pytestmark = pytest.mark.django_db

HUGE = 300 << 20  # the 300 MB upload of the issue
BOUNDARY = "govtrustboundary"


class Body:
    """A request body produced as it is read, counting what was read: 300 MB never in memory."""

    def __init__(self, size: int) -> None:
        self.size, self.read_bytes = size, 0
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            'filename="big.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()

    def read(self, size: int = -1) -> bytes:
        left = self.size - self.read_bytes
        n = left if size is None or size < 0 else min(size, left)
        start = self.read_bytes
        self.read_bytes += n
        data = bytes(n)
        if start < len(self.head):
            data = (self.head[start:] + data)[:n]
        return data

    def readline(self, size: int = -1) -> bytes:
        return self.read(size if size and size > 0 else 1 << 16)


def _upload(
    client: Client,
    body: Body,
    *,
    chunked: bool,
    path: str,
    encoding: str = "chunked",
    **headers: str,
) -> object:
    extra: dict[str, object] = {
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "wsgi.input": body,
        **headers,
    }
    if chunked:
        extra.update({"wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": encoding})
    else:
        extra["CONTENT_LENGTH"] = str(body.size)
    return client.generic("POST", path, **extra)  # type: ignore[arg-type]


def _temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_a_300_mb_api_upload_is_refused_with_json_before_anything_is_read(
    client: Client, clerk: User, tmp_path: Path
) -> None:
    """Given a clerk's API upload declaring 300 MB,
    when it reaches the platform, then it gets 413 with a Chinese JSON error, not one byte of
    the body was read, and nothing was written to the temporary folder."""
    body = Body(HUGE)
    auth = f"Bearer {token_create(user=clerk)}"
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path)):
        response = _upload(
            client, body, chunked=False, path="/api/v1/imports", HTTP_AUTHORIZATION=auth
        )
    assert response.status_code == 413  # type: ignore[attr-defined]
    assert response.json() == {"detail": "请求内容过大，上限为 21 MB", "errors": []}  # type: ignore[attr-defined]
    assert body.read_bytes == 0
    assert _temp_files(tmp_path) == []
    assert response["X-Content-Type-Options"] == "nosniff"  # type: ignore[index]


def test_a_chunked_300_mb_page_upload_stops_at_the_limit_with_a_chinese_page(
    client: Client, clerk: User, tmp_path: Path
) -> None:
    """Given a page upload sent chunked (no Content-Length) that would run to 300 MB,
    when it is read, then reading stops at the limit (plus one read), the answer is a 413
    Chinese page, and no temporary file was written."""
    client.force_login(clerk)
    body = Body(HUGE)
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path)):
        response = _upload(client, body, chunked=True, path="/records/imports/")
    assert response.status_code == 413  # type: ignore[attr-defined]
    assert "请求内容过大" in response.content.decode()  # type: ignore[attr-defined]
    assert body.read_bytes <= (21 << 20) + (1 << 16)
    assert _temp_files(tmp_path) == []


def test_an_oversized_json_body_gets_a_json_413(client: Client, clerk: User) -> None:
    """Given a JSON body over the 5 MB limit for non-upload requests,
    when it is posted to the API, then the answer is 413 JSON in Chinese (was an HTML 400)."""
    auth = f"Bearer {token_create(user=clerk)}"
    response = client.post(
        "/api/v1/records",
        data=b"{" + b" " * (5 << 20) + b"}",
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "请求内容过大，上限为 5 MB"


def test_a_body_within_the_limit_is_served_as_before(client: Client, clerk: User) -> None:
    """Given a small bad JSON body, when it is posted, then the API answers as it always did
    (the limit does not touch ordinary requests)."""
    auth = f"Bearer {token_create(user=clerk)}"
    response = client.post(
        "/api/v1/records", data=b"{}", content_type="application/json", HTTP_AUTHORIZATION=auth
    )
    assert response.status_code == 422


class Payload(Body):
    """A body given in full, read as a chunked stream."""

    def __init__(self, data: bytes) -> None:
        super().__init__(len(data))
        self.data = data

    def read(self, size: int = -1) -> bytes:
        start = self.read_bytes
        end = len(self.data) if size is None or size < 0 else min(len(self.data), start + size)
        self.read_bytes = end
        return self.data[start:end]


def test_a_chunked_upload_within_the_limit_reaches_the_api(client: Client, clerk: User) -> None:
    """Given a small upload sent chunked, when it is posted to the import API, then it is read
    and parsed like any other: here its zeros are refused as not a spreadsheet (400 JSON),
    where before the body was dropped and the file reported missing."""
    auth = f"Bearer {token_create(user=clerk)}"
    data = Body(0).head + bytes(1000) + f"\r\n--{BOUNDARY}--\r\n".encode()
    response = _upload(
        client, Payload(data), chunked=True, path="/api/v1/imports", HTTP_AUTHORIZATION=auth
    )
    assert response.status_code == 400, response.content  # type: ignore[attr-defined]
    assert response.json()["detail"] == "文件内容不是表格或文本，已拒绝"  # type: ignore[attr-defined]


@pytest.mark.parametrize("encoding", ["Chunked", "CHUNKED", "gzip, Chunked"])
def test_a_chunked_body_is_capped_however_the_header_is_spelt(
    client: Client, clerk: User, tmp_path: Path, encoding: str
) -> None:
    """Transfer-Encoding is case-insensitive (RFC 9112): given a 300 MB chunked upload whose header
    says "Chunked", when it is posted, then reading still stops at the limit with a 413 and
    nothing is spooled to disk, as for "chunked"."""
    client.force_login(clerk)
    body = Body(HUGE)
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path)):
        response = _upload(client, body, chunked=True, path="/records/imports/", encoding=encoding)
    assert response.status_code == 413  # type: ignore[attr-defined]
    assert body.read_bytes <= (21 << 20) + (1 << 16)
    assert _temp_files(tmp_path) == []


def test_a_chunked_json_body_over_the_limit_gets_a_json_413(client: Client, clerk: User) -> None:
    """A chunked JSON body ("Chunked") over the 5 MB limit for non-uploads is refused too."""
    auth = f"Bearer {token_create(user=clerk)}"
    data = b"{" + b" " * (5 << 20) + b"}"
    response = client.generic(
        "POST",
        "/api/v1/records",
        CONTENT_TYPE="application/json",
        HTTP_AUTHORIZATION=auth,
        **{  # type: ignore[arg-type]
            "wsgi.input": Payload(data),
            "wsgi.input_terminated": True,
            "HTTP_TRANSFER_ENCODING": "Chunked",
        },
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "请求内容过大，上限为 5 MB"
