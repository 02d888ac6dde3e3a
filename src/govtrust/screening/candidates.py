"""Candidate lists as files: an Excel or CSV sheet in, an Excel result out.

The sheet is checked like an import (type by content, size and zip-bomb limits, CSV encodings);
its header row names the columns: 名称/姓名, 统一社会信用代码/身份证号码, 所在单位. A header need
not be on the first line (title rows above it are skipped)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from govtrust.core.errors import DomainError
from govtrust.core.sheets import workbook, write_cells
from govtrust.records.bulk import cells, readers, sniff
from govtrust.screening.engine import VERDICTS, Candidate

MAX_CANDIDATES = 20_000
HEADERS = {
    "name": ("名称", "姓名", "单位名称", "候选人", "name"),
    "identifier": ("统一社会信用代码", "身份证号码", "证件号码", "代码", "identifier"),
    "unit": ("所在单位", "工作单位", "单位", "unit"),
}


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    for index, title in enumerate(header):
        if title in names:
            return index
    return None


def candidates_read(source: IO[bytes], filename: str) -> list[Candidate]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "candidates"
        # One byte over the limit is enough for `detect` to refuse the file; never read more.
        path.write_bytes(source.read(int(settings.GOVTRUST_IMPORT_MAX_BYTES) + 1))
        kind = sniff.detect(path, filename)
        _total, rows = readers.open_rows(path, kind)
        header: list[str] | None = None
        positions: dict[str, int | None] = {}
        found: list[Candidate] = []
        for number, row in enumerate(rows, start=1):
            texts = [cells.text(value) for value in row]
            if header is None:
                if _column(texts, HEADERS["name"]) is not None:
                    header = texts
                    positions = {key: _column(texts, names) for key, names in HEADERS.items()}
                elif number > 20:
                    break
                continue
            name_at, id_at, unit_at = positions["name"], positions["identifier"], positions["unit"]
            name = texts[name_at] if name_at is not None and name_at < len(texts) else ""
            if not name:
                continue
            identifier = texts[id_at] if id_at is not None and id_at < len(texts) else ""
            unit = texts[unit_at] if unit_at is not None and unit_at < len(texts) else ""
            found.append(Candidate(number, name[:120], cells.compact(identifier)[:40], unit[:120]))
            if len(found) > MAX_CANDIDATES:
                raise DomainError(f"候选名单最多{MAX_CANDIDATES}人，请分批审查")
    if header is None:
        raise DomainError(
            "未找到表头：需要“名称”或“姓名”列（以及“统一社会信用代码”或“身份证号码”列）"
        )
    if not found:
        raise DomainError("名单中没有候选人")
    return found


def results_xlsx(results: list[dict[str, Any]], *, checkpoint: str) -> bytes:
    """One line per candidate and match (results as a screening stores them), with the verdict,
    reasons, measures and dates."""
    buffer = io.BytesIO()
    book = workbook(buffer, in_memory=True)
    sheet = book.add_worksheet("审查结果")
    bold = book.add_format({"bold": True})
    write_cells(
        sheet, 0, 0, ["评优评先信用审查结果", f"审查所依据的透明日志检查点：{checkpoint}"], bold
    )
    titles = ["行号", "名称", "所在单位", "证件号码", "结论", "限制截止"]
    write_cells(sheet, 2, 0, [*titles, "匹配记录", "匹配依据", "分数", "措施"], bold)
    line = 3
    for result in results:
        base = [
            result["row"],
            result["name"],
            result["unit"],
            result["identifier"],
            VERDICTS[result["verdict"]],
            str(result["until"] or ""),
        ]
        lines: list[list[object]] = [
            [
                match["record_number"],
                match["reason"] + ("（需复核）" if match["needs_review"] else ""),
                match["score"],
                "；".join(f"{m['kind']}至{m['until']}" for m in match["measures"]),
            ]
            for match in result["matches"]
        ] or [["", "", "", ""]]
        for extra in lines:
            write_cells(sheet, line, 0, base + extra)
            line += 1
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 3, 24)
    sheet.set_column(4, 9, 16)
    book.close()
    return buffer.getvalue()
