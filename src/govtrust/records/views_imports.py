"""Back-office pages for bulk intake: the template, the upload, progress, and the error report."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from govtrust.core.errors import DomainError, Forbidden, NotFound
from govtrust.directory import policy
from govtrust.directory.access import capability_required, staff_user
from govtrust.directory.lists import list_export, list_page, wants_export
from govtrust.records import selectors
from govtrust.records.bulk import template
from govtrust.records.listing import IMPORTS_SHEET, ImportFilter
from govtrust.records.models import ImportBatch, ImportMode
from govtrust.records.services.bulk import import_batch_create, report_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _batch(request: HttpRequest, pk: str) -> ImportBatch:
    try:
        return selectors.import_batch_get(user=staff_user(request), pk=pk)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


@capability_required("business.read")
def import_list(request: HttpRequest) -> HttpResponseBase:
    user = staff_user(request)
    error = ""
    if request.method == "POST":
        # The court's list is the credit office's to import (it publishes and ends entries).
        court_list = request.POST.get("court_list") == "1"
        policy.require(user, "records.publish" if court_list else "records.file")
        upload = request.FILES.get("file")
        if upload is None:
            error = "请选择要上传的文件"
        else:
            try:
                batch = import_batch_create(
                    actor=user,
                    source=upload,
                    filename=upload.name or "upload",
                    mode=request.POST.get("mode", ImportMode.ALL_OR_NOTHING),
                    dry_run=request.POST.get("dry_run") == "1",
                    court_list=court_list,
                )
            except Forbidden as exc:
                raise PermissionDenied(exc.detail) from exc
            except DomainError as exc:
                error = exc.detail
            else:
                return redirect("records:import", pk=batch.pk)
    filters = ImportFilter(request.GET, user=user)
    rows = filters.apply(selectors.import_batches_visible(user))
    if wants_export(request) and request.method == "GET":
        return list_export(request, user, rows, IMPORTS_SHEET, filters)
    return render(
        request,
        "records/imports.html",
        {
            "page": list_page(request, rows),
            "filters": filters,
            "error": error,
            "modes": ImportMode.choices,
            "court": request.POST.get("court_list") == "1",
        },
        status=400 if error else 200,
    )


@capability_required("business.read")
def import_detail(request: HttpRequest, pk: str) -> HttpResponse:
    batch = _batch(request, pk)
    return render(
        request,
        "records/import.html",
        {"batch": batch, "progress_url": reverse("api:import_get", args=[batch.pk])},
    )


SHEET_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".ods", ".csv", ".txt")


def report_name(uploaded: str) -> str:
    """错误报告-<the uploaded name without its extensions>.xlsx: `import3.xlsx` and even
    `import3.xlsx.xlsx` give 错误报告-import3.xlsx."""
    stem = Path(uploaded).name
    while suffix := next((s for s in SHEET_SUFFIXES if stem.lower().endswith(s)), ""):
        stem = stem[: -len(suffix)]
    return f"错误报告-{stem or '导入'}.xlsx"


def report_response(batch: ImportBatch) -> FileResponse:
    """The batch's Excel error report as a download; NotFound when there is none."""
    path = report_file(batch)
    if not batch.has_report or not path.exists():
        raise NotFound("没有错误报告")
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=report_name(batch.filename),
        content_type=XLSX,
    )


@capability_required("business.read")
def import_report(request: HttpRequest, pk: str) -> FileResponse:
    return report_response(selectors.import_report_read(user=staff_user(request), pk=pk))


@capability_required("records.file")
def import_template(request: HttpRequest) -> FileResponse:
    content = template.build(staff_user(request).unit_label)
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename="失信记录报送模板.xlsx", content_type=XLSX
    )
