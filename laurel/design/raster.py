"""Certificates and badges as PNG: the PDF, drawn by PDFium (pypdfium2).

Drawing the PDF itself, not a second renderer, is what makes the preview, the PNG and the
PDF the same picture.
"""

from __future__ import annotations

import ctypes
import struct
import threading
import zlib
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Raster:
    """An image kept as its RGBX bytes (Pillow's own layout of RGB, and one of PDFium's),
    ready to be copied under each render."""

    width: int
    height: int
    pixels: bytes

    @classmethod
    def of(cls, image: Image.Image) -> Raster:
        """The raster of a Pillow image."""
        rgbx = image.convert("RGBX")
        return cls(rgbx.width, rgbx.height, rgbx.tobytes())


def pdf_over_raster(pdf: bytes, base: Raster) -> Image.Image:
    """The first page of `pdf` drawn by PDFium over a copy of `base` (the same page drawn
    at the same resolution): how a PNG reuses a background drawn once."""
    width, height = base.width, base.height
    pixels = bytearray(base.pixels)
    buffer = (ctypes.c_ubyte * len(pixels)).from_buffer(pixels)  # PDFium draws into `pixels`
    with _PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            page = document[0]
            bitmap = pdfium.PdfBitmap.new_native(
                width, height, pdfium_c.FPDFBitmap_BGRx, rev_byteorder=True, buffer=buffer
            )
            flags = pdfium_c.FPDF_REVERSE_BYTE_ORDER  # the buffer is RGBX, as Pillow keeps it
            # The page fills the bitmap, as when `base` was drawn (rounded up, like render()).
            pdfium_c.FPDF_RenderPageBitmap(bitmap, page, 0, 0, width, height, 0, flags)
            bitmap.close()
            page.close()
        finally:
            document.close()
    del buffer
    return Image.frombuffer("RGBX", (width, height), pixels, "raw", "RGBX", 0, 1)


def pdf_to_png(pdf: bytes, *, dpi: float = 150, transparent: bool = False) -> bytes:
    """The first page of `pdf` as PNG bytes at `dpi`."""
    return encode_png(pdf_to_image(pdf, dpi=dpi, transparent=transparent))


def encode_png(image: Image.Image) -> bytes:
    """An RGB(X) or RGBA image as PNG, fast: every row 'Up'-filtered (the difference with the
    row above, computed by Pillow in one pass) and deflated by zlib-ng (a few times faster
    than zlib at the same compression).

    Twice as fast as Pillow's encoder, which tries five filters on every row; the file is
    somewhat larger, and lossless all the same.
    """
    if image.mode not in ("RGB", "RGBX", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    width, height = image.size
    packing = "RGBA" if image.mode == "RGBA" else "RGB"
    stride = width * len(packing)
    # offset() moves every row down one (the last wraps to the top): the row above each row.
    residual = ImageChops.subtract_modulo(image, ImageChops.offset(image, 0, 1))
    residual.paste(image.crop((0, 0, width, 1)), (0, 0))  # above the first row: zeros
    rows = memoryview(residual.tobytes("raw", packing))
    deflate = zlib_ng.compressobj(2)
    parts = []
    for start in range(0, len(rows), stride):  # each row behind its filter byte, 2 ('Up')
        parts.append(deflate.compress(b"\x02"))
        parts.append(deflate.compress(rows[start : start + stride]))
    parts.append(deflate.flush())
    data = b"".join(parts)
    colour_type = 6 if packing == "RGBA" else 2
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
