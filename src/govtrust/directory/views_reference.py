"""规则与参考数据导入 (system administrator): upload a holiday schedule or a division update,
read the preview, then apply. The previewed file travels back with the apply form (base64 in a
hidden field, a few KB to 2 MB), so the preview is of exactly the bytes applied; the service
checks it all again on apply."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from govtrust.core.errors import DomainError
from govtrust.directory import reference_imports as imports
from govtrust.directory.access import capability_required, refusal_lines, staff_user
from govtrust.directory.reference_files import MAX_BYTES

KINDS = ("holidays", "divisions")


def _upload(request: HttpRequest) -> tuple[bytes, str]:
    """The file of a preview (an upload) or of an apply (the previewed bytes sent back)."""
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size is not None and upload.size > MAX_BYTES:
            raise DomainError("文件过大：不能超过 2 MiB")
        return upload.read(), (upload.name or "upload")[-200:]
    try:
        data = base64.b64decode(request.POST.get("content", ""), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DomainError("请重新上传文件") from exc
    if not data:
        raise DomainError("请选择要上传的文件")
    return data, request.POST.get("filename", "upload")[-200:]


@capability_required("system.manage")
def reference_imports(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"errors": {}, "preview": None}
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        apply = request.POST.get("step") == "apply"
        user = staff_user(request)
        try:
            if kind not in KINDS:
                raise DomainError("请选择导入的内容")
            data, filename = _upload(request)
            if kind == "holidays" and apply:
                done = imports.holidays_apply(data=data, filename=filename, actor=user)
                years = "、".join(f"{y.year}年" for y in done.years)
                messages.success(
                    request, f"已导入{years}节假日安排，重算了{done.deadlines}个暂定期限。"
                )
                return redirect("reference-imports")
            if kind == "divisions" and apply:
                diff = imports.divisions_apply(data=data, filename=filename, actor=user)
                messages.success(
                    request,
                    f"已导入行政区划：新增{len(diff.created)}个，更名{len(diff.renamed)}个。",
                )
                return redirect("reference-imports")
            preview: Any = (
                imports.holidays_preview(data=data, filename=filename, actor=user)
                if kind == "holidays"
                else imports.divisions_preview(data=data, actor=user)
            )
            context["preview"] = {
                "kind": kind,
                "result": preview,
                "filename": filename,
                "content": base64.b64encode(data).decode("ascii"),
            }
        except DomainError as exc:
            context["errors"] = {kind: refusal_lines(exc)}
    return render(request, "directory/reference_imports.html", context)
