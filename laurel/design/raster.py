"""Certificates and badges as PNG: the PDF, drawn by PDFium (pypdfium2).

Drawing the PDF itself, not a second renderer, is what makes the preview, the PNG and the
PDF the same picture.
"""

from __future__ import annotations

import io
import threading

import pypdfium2 as pdfium

# PDFium is not thread-safe; renders in one process take turns.
_PDFIUM = threading.Lock()


def pdf_to_image(pdf: bytes, *, dpi: float = 150, transparent: bool = False):
    """The first page of `pdf` as a Pillow image at `dpi` (RGBA when `transparent`)."""
    with _PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            page = document[0]
            fill = (255, 255, 255, 0) if transparent else (255, 255, 255, 255)
            bitmap = page.render(scale=dpi / 72, fill_color=fill, may_draw_forms=False)
            image = bitmap.to_pil()
            page.close()
        finally:
            document.close()
    return image


def pdf_to_png(pdf: bytes, *, dpi: float = 150, transparent: bool = False) -> bytes:
    """The first page of `pdf` as PNG bytes at `dpi`."""
    image = pdf_to_image(pdf, dpi=dpi, transparent=transparent)
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()
