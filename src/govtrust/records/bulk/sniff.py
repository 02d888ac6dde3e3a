"""What a file really is, judged by its bytes, and whether it is safe to open.

Uploads arrive with names and extensions chosen by whoever sent them. The kind is read from the
content (ZIP / OLE2 magic, the ODF mimetype member, absence of NUL bytes for text); a file whose
content and extension disagree is refused, and so is a ZIP that would expand beyond the limits
(a zip bomb) before any parser sees it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Literal

from django.conf import settings

from govtrust.core.errors import DomainError

Kind = Literal["xlsx", "xls", "ods", "csv"]
_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
_ZIP = b"PK\x03\x04"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
EXTENSIONS: dict[str, Kind] = {".xlsx": "xlsx", ".xls": "xls", ".ods": "ods", ".csv": "csv"}
KIND_LABELS = {"xlsx": "Excel（xlsx）", "xls": "Excel 97-2003（xls）", "ods": "ODS", "csv": "CSV"}


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _check_zip(path: Path) -> Kind:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise DomainError("文件已损坏，无法打开（不是有效的压缩格式）") from exc
    with archive:
        members = archive.infolist()
        if len(members) > _limit("GOVTRUST_IMPORT_MAX_ZIP_MEMBERS", 2000):
            raise DomainError("文件内部结构异常（成员过多），已拒绝")
        total = 0
        for member in members:
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > _limit("GOVTRUST_IMPORT_MAX_ZIP_RATIO", 200) and member.file_size > 1 << 20:
                raise DomainError("文件压缩比异常（疑似压缩炸弹），已拒绝")
        if total > _limit("GOVTRUST_IMPORT_MAX_UNPACKED_BYTES", 512 << 20):
            raise DomainError("文件解压后过大（疑似压缩炸弹），已拒绝")
        names = {m.filename for m in members}
        if "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIME:
            return "ods"
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return "xlsx"
    raise DomainError("文件是压缩包，但不是 Excel 或 ODS 表格")


def detect(path: Path, filename: str) -> Kind:
    """The file's kind; refuses oversized files and content that does not match the extension."""
    size = path.stat().st_size
    max_bytes = _limit("GOVTRUST_IMPORT_MAX_BYTES", 20 << 20)
    if size == 0:
        raise DomainError("文件为空")
    if size > max_bytes:
        raise DomainError(f"文件过大：{size / 1048576:.1f} MB，上限为 {max_bytes / 1048576:.0f} MB")
    extension = Path(filename).suffix.lower()
    claimed = EXTENSIONS.get(extension)
    if claimed is None:
        raise DomainError("只支持 xlsx、xls、ods 和 csv 文件")
    with path.open("rb") as handle:
        head = handle.read(8192)
    if head.startswith(_ZIP):
        actual: Kind = _check_zip(path)
    elif head.startswith(_OLE2):
        actual = "xls"
    elif b"\x00" in head:
        raise DomainError("文件内容不是表格或文本，已拒绝")
    else:
        actual = "csv"
    if actual != claimed:
        raise DomainError(f"文件内容与扩展名不符：扩展名为{extension}，内容是{KIND_LABELS[actual]}")
    return actual
