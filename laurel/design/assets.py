"""Uploaded files (backgrounds, logos, signatures) made ready once for every render.

PNG and JPG become PDF images (a JPG is copied as it is; a PNG's alpha becomes a soft
mask); a PDF's first page and an SVG (drawn by svglib) become Form XObjects, so vector
art stays vector. Each is written once into a layout's template.
"""

from __future__ import annotations

import base64
import io
import struct
from dataclasses import dataclass

from PIL import Image as PILImage

from laurel.design.pdfimport import PdfImportError, import_page
from laurel.design.pdfwriter import Builder, stream

MAX_ASSET_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 60_000_000


class AssetError(ValueError):
    """An uploaded file that cannot be drawn."""


@dataclass(frozen=True)
class PreparedAsset:
    """An asset written into a template: its object, kind and natural size in points."""

    number: int
    kind: str  # "image" (1x1 unit square) or "form" (its own box, in points)
    width: float
    height: float
    mime: str
    data: bytes


def detect_kind(data: bytes) -> str:
    """'png', 'jpeg', 'pdf' or 'svg' from the first bytes; AssetError otherwise."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"<") and b"<svg" in data[:4096]:
        return "svg"
    raise AssetError("the file is not a PNG, JPG, PDF or SVG")


def prepare_asset(builder: Builder, data: bytes) -> PreparedAsset:
    """Write `data` (PNG, JPG, PDF or SVG) into `builder`; AssetError if it cannot be used."""
    if len(data) > MAX_ASSET_BYTES:
        raise AssetError(f"the file is larger than {MAX_ASSET_BYTES // 1024 // 1024} MB")
    kind = detect_kind(data)
    if kind in ("png", "jpeg"):
        return _image(builder, data, kind)
    if kind == "svg":
        data = svg_to_pdf(data)
    try:
        number, width, height = import_page(builder, data)
    except PdfImportError as exc:
        raise AssetError(str(exc)) from exc
    mime = "image/svg+xml" if kind == "svg" else "application/pdf"
    return PreparedAsset(number, "form", width, height, mime, data)


def _image(builder: Builder, data: bytes, kind: str) -> PreparedAsset:
    try:
        image = PILImage.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise AssetError(f"the image has more than {MAX_PIXELS:,} pixels")
        image.load()
    except AssetError:
        raise
    except Exception as exc:  # Pillow on an upload fails many ways
        raise AssetError(f"the image could not be read ({type(exc).__name__})") from exc
    width, height = image.size
    dpi = image.info.get("dpi", (150, 150))[0] or 150
    natural = (width * 72 / dpi, height * 72 / dpi)
    mime = "image/jpeg" if kind == "jpeg" else "image/png"
    if kind == "jpeg" and image.mode in ("RGB", "L"):
        colour_space = "/DeviceRGB" if image.mode == "RGB" else "/DeviceGray"
        body = stream(
            f"/Type /XObject /Subtype /Image /Width {width} /Height {height} "
            f"/ColorSpace {colour_space} /BitsPerComponent 8 /Filter /DCTDecode",
            data,
            compress=False,
        )
        return PreparedAsset(builder.add(body), "image", *natural, mime, data)
    number = add_image(builder, image)
    return PreparedAsset(number, "image", *natural, mime, data)


def add_image(builder: Builder, image: PILImage.Image) -> int:
    """Write a Pillow image (with its alpha as a soft mask) into `builder`; its number."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    rgb = image.convert("RGBA" if has_alpha else "RGB")
    smask = ""
    if has_alpha:
        alpha = rgb.getchannel("A")
        rgb = rgb.convert("RGB")
        if alpha.getextrema() != (255, 255):
            smask_number = builder.add(_raw_image(alpha.tobytes(), *alpha.size, "/DeviceGray"))
            smask = f" /SMask {smask_number} 0 R"
    return builder.add(_raw_image(rgb.tobytes(), *rgb.size, "/DeviceRGB", smask))


def _raw_image(pixels: bytes, width: int, height: int, colour_space: str, extra: str = "") -> bytes:
    # PNG's row filters (PDF's predictor 15) compress images two to four times better than
    # plain Flate: the pixels go through Pillow's PNG encoder and its IDAT data is the stream.
    mode = "RGB" if colour_space == "/DeviceRGB" else "L"
    encoded = io.BytesIO()
    PILImage.frombytes(mode, (width, height), pixels).save(encoded, "PNG", compress_level=6)
    colours = 3 if mode == "RGB" else 1
    return stream(
        f"/Type /XObject /Subtype /Image /Width {width} /Height {height} "
        f"/ColorSpace {colour_space} /BitsPerComponent 8{extra} /Filter /FlateDecode "
        f"/DecodeParms << /Predictor 15 /Colors {colours} /BitsPerComponent 8 /Columns {width} >>",
        _idat(encoded.getvalue()),
        compress=False,
    )


def _idat(png: bytes) -> bytes:
    """The concatenated IDAT chunks of a PNG: its zlib stream of filtered rows."""
    chunks = []
    position = 8
    while position < len(png):
        length = struct.unpack(">I", png[position : position + 4])[0]
        kind = png[position + 4 : position + 8]
        if kind == b"IDAT":
            chunks.append(png[position + 8 : position + 8 + length])
        position += 12 + length
    return b"".join(chunks)


def svg_to_pdf(data: bytes) -> bytes:
    """An SVG drawn to a one-page PDF by svglib; AssetError if it cannot be read."""
    from reportlab.graphics import renderPDF
    from svglib.svglib import svg2rlg

    try:
        # From a stream, svglib refuses every external reference (it resolves only paths
        # next to an SVG file), and it never expands XML entities.
        drawing = svg2rlg(io.BytesIO(data))
    except Exception as exc:  # svglib on an upload fails many ways
        raise AssetError(f"the SVG could not be read ({type(exc).__name__})") from exc
    if drawing is None:
        raise AssetError("the SVG could not be read")
    return renderPDF.drawToString(drawing)


def data_uri(asset: PreparedAsset) -> str:
    """The asset as a data: URI for an SVG document (PDFs are first drawn as PNG)."""
    data, mime = asset.data, asset.mime
    if mime == "application/pdf":
        data, mime = pdf_to_png(data), "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def pdf_to_png(data: bytes, dpi: float = 150) -> bytes:
    """The first page of a PDF as PNG bytes."""
    from laurel.design.raster import pdf_to_png as draw

    return draw(data, dpi=dpi)
