"""Bulk intake over HTTP: upload a file, then follow it."""

from __future__ import annotations

import datetime
import uuid

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from govtrust.core.heartbeat import worker_silent
from govtrust.directory.auth import api_user
from govtrust.records import selectors
from govtrust.records.models import ImportBatch, ImportMode, ImportStatus
from govtrust.records.services.bulk import import_batch_create, progress
from govtrust.records.views_imports import report_response

router = Router(tags=["批量导入"])
WAITING = frozenset({ImportStatus.PENDING, ImportStatus.RUNNING})


class ImportErrorOut(Schema):
    row: int
    field: str
    label: str = ""
    message: str


class ImportOut(Schema):
    id: uuid.UUID
    filename: str
    status: str
    status_label: str
    mode: str
    dry_run: bool
    legacy: bool
    court_list: bool
    total_rows: int
    processed_rows: int
    created_count: int
    error_count: int
    message: str
    errors: list[ImportErrorOut]
    report_url: str | None
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    # Waiting on a worker that has not reported for a minute (core/heartbeat.py): the page says so.
    worker_silent: bool = False


def _out(batch: ImportBatch) -> ImportOut:
    live = progress(batch)
    return ImportOut(
        id=batch.pk,
        filename=batch.filename,
        status=batch.status,
        status_label=batch.get_status_display(),
        mode=batch.mode,
        dry_run=batch.dry_run,
        legacy=batch.legacy,
        court_list=batch.court_list,
        total_rows=live["total"],
        processed_rows=live["processed"],
        created_count=batch.created_count,
        error_count=batch.error_count,
        message=batch.message,
        errors=[ImportErrorOut(**e) for e in batch.errors],
        report_url=reverse("api:import_report", args=[batch.pk]) if batch.has_report else None,
        created_at=batch.created_at,
        finished_at=batch.finished_at,
        worker_silent=batch.status in WAITING and worker_silent(),
    )


@router.post(
    "/imports",
    response={202: ImportOut},
    summary="上传文件批量导入（异步处理）",
    description="court_list=true：信用主管部门导入人民法院失信被执行人名单（案号、执行法院、失信情形、"
    "发布日期、撤销/删除日期、统一社会信用代码），按统一社会信用代码匹配政府机关或部门；"
    "填有撤销/删除日期的条目立即结束公示（人民法院删除）。重复导入同一文件不改变任何记录。",
)
def import_create(
    request: HttpRequest,
    file: File[UploadedFile],
    mode: Form[ImportMode] = ImportMode.ALL_OR_NOTHING,
    dry_run: Form[bool] = False,
    court_list: Form[bool] = False,
) -> Status[ImportOut]:
    batch = import_batch_create(
        actor=api_user(request),
        source=file,
        filename=file.name or "upload",
        mode=mode,
        dry_run=dry_run,
        court_list=court_list,
    )
    batch.refresh_from_db()
    return Status(202, _out(batch))


@router.get(
    "/imports/{batch_id}", response=ImportOut, url_name="import_get", summary="导入进度与结果"
)
def import_get(request: HttpRequest, batch_id: uuid.UUID) -> ImportOut:
    return _out(selectors.import_batch_get(user=api_user(request), pk=batch_id))


@router.get("/imports/{batch_id}/report", url_name="import_report", summary="下载错误报告（Excel）")
def import_report(request: HttpRequest, batch_id: uuid.UUID) -> FileResponse:
    return report_response(selectors.import_report_read(user=api_user(request), pk=batch_id))
