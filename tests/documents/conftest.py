"""PDF checks, and the records and offices of the measures tests."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from tests.measures.conftest import accept, fresh_counters, objection, office, published

__all__ = ["accept", "fresh_counters", "objection", "office", "published"]


@dataclass
class FirstPage:
    text: str
    inked: float  # share of pixels that are not white, rendered at 1x as a reader sees it
    fonts: set[tuple[str, bool]]  # (base font name, embedded) of the text on the page


def first_page(data: bytes, png_path: str | None = None) -> FirstPage:
    assert data.startswith(b"%PDF-")
    page = pdfium.PdfDocument(data)[0]
    image = page.render(scale=1).to_pil().convert("L")
    if png_path:
        image.save(png_path)
    fonts = set()
    for item in page.get_objects():
        if item.type == pdfium_raw.FPDF_PAGEOBJ_TEXT:
            font = pdfium_raw.FPDFTextObj_GetFont(item.raw)
            name = ctypes.create_string_buffer(256)
            pdfium_raw.FPDFFont_GetBaseFontName(font, name, 256)
            embedded = bool(pdfium_raw.FPDFFont_GetIsEmbedded(font))
            fonts.add((name.value.decode(errors="replace"), embedded))
    inked = sum(image.histogram()[:200]) / (image.width * image.height)
    return FirstPage(page.get_textpage().get_text_range(), inked, fonts)


def pages_text(data: bytes) -> list[str]:
    """The text of each page, line breaks taken out (a cell's text wraps anywhere)."""
    assert data.startswith(b"%PDF-")
    document = pdfium.PdfDocument(data)
    return [
        page.get_textpage().get_text_range().replace("\r", "").replace("\n", "")
        for page in document
    ]
