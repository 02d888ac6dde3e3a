"""Bulk intake through the API, the command line and the back office."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from govtrust.cli import main
from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.directory.services import token_create
from govtrust.records.models import ImportBatch, Record
from tests.records import sheets

pytestmark = pytest.mark.django_db


def _post(client: Client, user: User, path: Path, **form: str) -> Any:
    token = token_create(user=user)
    with path.open("rb") as handle:
        return client.post(
            "/api/v1/imports",
            {"file": handle, **form},
            headers={"Authorization": f"Bearer {token}"},
        )


def test_api_upload_then_follow(
    tmp_path: Path,
    client: Client,
    clerk: User,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
) -> None:
    path = sheets.xlsx(tmp_path / "api.xlsx", [sheets.row(), sheets.row(领域="太空")])
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, clerk, path, mode="valid_rows")
    assert response.status_code == 202
    batch_id = response.json()["id"]
    token = token_create(user=clerk)
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get(f"/api/v1/imports/{batch_id}", headers=headers).json()
    assert body["status"] == "partial" and body["created_count"] == 1
    assert body["processed_rows"] == body["total_rows"] == 2
    assert body["errors"] == [
        {"row": 5, "field": "domain", "label": "领域", "message": body["errors"][0]["message"]}
    ]
    # An import's messages name the choices as people read them, without internal codes
    # (issue 14: "取值应为：轻微（minor）…" was a finding).
    message = body["errors"][0]["message"]
    assert "政府采购" in message and "procurement" not in message
    report = client.get(body["report_url"], headers=headers)
    assert report.status_code == 200 and report["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert "api.xlsx.xlsx" not in report["Content-Disposition"]
    assert AuditEvent.objects.filter(action="import.report_download", actor=clerk.username)
    # The report repeats the uploaded rows, full ID numbers included: the government above
    # may follow the upload but not download its rows (red-team finding).
    above = token_create(user=make_user("reviewer_above", "reviewer", "6201"))
    followed = client.get(
        f"/api/v1/imports/{batch_id}", headers={"Authorization": f"Bearer {above}"}
    )
    assert followed.status_code == 200
    refused = client.get(body["report_url"], headers={"Authorization": f"Bearer {above}"})
    assert refused.status_code == 403


def test_api_refuses_a_fake_spreadsheet_with_400(
    tmp_path: Path, client: Client, clerk: User
) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("not a spreadsheet")
    response = _post(client, clerk, path)
    assert response.status_code == 400
    assert "扩展名不符" in response.json()["detail"]
    assert not ImportBatch.objects.exists()


def test_batches_of_other_departments_are_404(
    tmp_path: Path,
    client: Client,
    clerk: User,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        batch_id = _post(client, clerk, sheets.xlsx(tmp_path / "x.xlsx", [sheets.row()])).json()[
            "id"
        ]
    other = make_user("clerk_edu", "clerk", "620102", "城关区教育局")
    token = token_create(user=other)
    response = client.get(
        f"/api/v1/imports/{batch_id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 404


def test_cli_import_and_dry_run(
    tmp_path: Path, directory: None, capsys: pytest.CaptureFixture[str]
) -> None:
    path = sheets.xlsx(tmp_path / "cli.xlsx", [sheets.row(), sheets.row()])
    assert main(["import", str(path), "--unit", "620102", "--dry-run"]) == 0
    assert "仅校验" in capsys.readouterr().out and not Record.objects.exists()
    assert main(["import", str(path), "--unit", "620102"]) == 0
    assert "导入2条" in capsys.readouterr().out
    assert Record.objects.filter(created_by__username="import-620102").count() == 2
    bad = sheets.xlsx(tmp_path / "bad.xlsx", [sheets.row(决定日期="someday")])
    assert main(["import", str(bad), "--unit", "620102"]) == 1
    out = capsys.readouterr().out
    assert "未导入" in out and "错误报告" in out
    assert main(["import", str(path), "--unit", "999"]) == 2


def test_back_office_upload_page(
    tmp_path: Path,
    client: Client,
    clerk: User,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
) -> None:
    client.force_login(clerk)
    page = client.get("/records/imports/").content.decode()
    assert "下载本单位的 Excel 模板" in page
    template = client.get("/records/imports/template.xlsx")
    assert template.status_code == 200
    assert b"".join(template.streaming_content)[:2] == b"PK"  # type: ignore[attr-defined]
    path = sheets.xlsx(tmp_path / "page.xlsx", [sheets.row()])
    with django_capture_on_commit_callbacks(execute=True), path.open("rb") as handle:
        response = client.post("/records/imports/", {"file": handle, "mode": "all_or_nothing"})
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "已导入" in detail and "导入1条" in detail and 'id="import-progress"' in detail
    with (tmp_path / "x.pdf").open("wb") as handle:
        handle.write(b"%PDF-1.4")
    with (tmp_path / "x.pdf").open("rb") as handle:
        refused = client.post("/records/imports/", {"file": handle})
    assert refused.status_code == 400 and "只支持" in refused.content.decode()
