"""Certificates and badges as PNG: the PDF, drawn by PDFium (pypdfium2).

Drawing the PDF itself, not a second renderer, is what makes the preview, the PNG and the
PDF the same picture.
"""

from __future__ import annotations

import struct
import threading
import zlib

import pypdfium2 as pdfium
from PIL import Image, ImageChops

# PDFium is not thread-safe; renders in one process take turns.
_PDFIUM = threading.Lock()


def pdf_to_image(pdf: bytes, *, dpi: float = 150, transparent: bool = False) -> Image.Image:
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
    return encode_png(pdf_to_image(pdf, dpi=dpi, transparent=transparent))


def encode_png(image: Image.Image) -> bytes:
    """An RGB or RGBA image as PNG, fast: every row 'Up'-filtered (the difference with the
    row above, computed by Pillow in one pass) and deflated with run-length matching.

    Twice as fast as Pillow's encoder, which tries five filters on every row; the file is
    somewhat larger, and lossless all the same.
    """
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    width, height = image.size
    stride = width * len(image.mode)
    # offset() moves every row down one (the last wraps to the top): the row above each row.
    residual = ImageChops.subtract_modulo(image, ImageChops.offset(image, 0, 1)).tobytes()
    first = b"\x00" + image.crop((0, 0, width, 1)).tobytes()  # no row above: unfiltered
    rows = first + b"".join(
        b"\x02" + residual[i : i + stride] for i in range(stride, len(residual), stride)
    )
    deflate = zlib.compressobj(1, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
    data = deflate.compress(rows) + deflate.flush()
    colour_type = 6 if image.mode == "RGBA" else 2
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
