"""Certificates and badges as PNG: the PDF, drawn by PDFium (pypdfium2).

Drawing the PDF itself, not a second renderer, is what makes the preview, the PNG and the
PDF the same picture.
"""

from __future__ import annotations

import ctypes
import struct
import threading
import zlib

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageChops
from zlib_ng import zlib_ng

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


def pdf_over_image(pdf: bytes, base: Image.Image) -> Image.Image:
    """The first page of `pdf` drawn by PDFium over a copy of `base` (an RGB image of the
    same page, from `pdf_to_image`): how a PNG reuses a background drawn once."""
    width, height = base.size
    pixels = bytearray(base.tobytes())
    buffer = (ctypes.c_ubyte * len(pixels)).from_buffer(pixels)  # PDFium draws into `pixels`
    with _PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            page = document[0]
            bitmap = pdfium.PdfBitmap.new_native(
                width, height, pdfium_c.FPDFBitmap_BGR, rev_byteorder=True, buffer=buffer
            )
            flags = pdfium_c.FPDF_REVERSE_BYTE_ORDER  # the buffer is RGB, as Pillow keeps it
            # The page fills the bitmap, as when `base` was drawn (rounded up, like render()).
            pdfium_c.FPDF_RenderPageBitmap(bitmap, page, 0, 0, width, height, 0, flags)
            bitmap.close()
            page.close()
        finally:
            document.close()
    del buffer
    return Image.frombytes("RGB", (width, height), bytes(pixels))


def pdf_to_png(pdf: bytes, *, dpi: float = 150, transparent: bool = False) -> bytes:
    """The first page of `pdf` as PNG bytes at `dpi`."""
    return encode_png(pdf_to_image(pdf, dpi=dpi, transparent=transparent))


def encode_png(image: Image.Image) -> bytes:
    """An RGB or RGBA image as PNG, fast: every row 'Up'-filtered (the difference with the
    row above, computed by Pillow in one pass) and deflated by zlib-ng (a few times faster
    than zlib at the same compression).

    Twice as fast as Pillow's encoder, which tries five filters on every row; the file is
    somewhat larger, and lossless all the same.
    """
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    width, height = image.size
    stride = width * len(image.mode)
    # offset() moves every row down one (the last wraps to the top): the row above each row.
    residual = ImageChops.subtract_modulo(image, ImageChops.offset(image, 0, 1))
    residual.paste(image.crop((0, 0, width, 1)), (0, 0))  # above the first row: zeros
    data = residual.tobytes()
    rows = b"".join(b"\x02" + data[i : i + stride] for i in range(0, len(data), stride))
    deflate = zlib_ng.compressobj(2)
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
