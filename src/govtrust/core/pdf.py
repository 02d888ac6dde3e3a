"""HTML templates rendered to PDF with WeasyPrint: the same Django templates as the pages, an
embedded (subset) CJK font from the system, and no network: only `data:` URLs are fetched, so a
template can never make the server fetch a file or an address."""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
from typing import Any

import segno
from django.template.loader import render_to_string

from govtrust.core.errors import DomainError

# The first installed family wins; Debian's fonts-noto-cjk provides the first two.
FONT_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", "SimSun")


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The CJK font family fontconfig offers, or None when the server has none installed."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    listed = subprocess.run(  # noqa: S603 (a fixed command, no user input)
        [fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False
    ).stdout
    families = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    return next((family for family in FONT_FAMILIES if family in families), None)


def qr_svg(text: str) -> str:
    """A QR code as an SVG data URI, for the verification address printed on a document."""
    return str(segno.make(text, error="m").svg_data_uri(scale=3, border=0))


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    font = cjk_font()
    if font is None:
        # Without a CJK font WeasyPrint would print boxes instead of Chinese: refuse instead.
        raise DomainError("服务器未安装中文字体（fonts-noto-cjk），无法生成 PDF，请联系系统管理员")
    # Imported here: loading Pango costs ~0.3 s, which every other command would pay.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template, {**context, "pdf_font": font})
    buffer = io.BytesIO()
    fetcher = URLFetcher(allowed_protocols={"data"})
    HTML(string=html, url_fetcher=fetcher).write_pdf(buffer)
    return buffer.getvalue()
