"""PNG and SVG of a design: the PNG is the PDF drawn by PDFium; the SVG is written from the
same composed items (glyph outlines as paths), for badges that must stay vector.
"""

from __future__ import annotations

import base64
from xml.sax.saxutils import escape, quoteattr

from laurel.design.assets import data_uri
from laurel.design.compose import MM, GlyphItem, ImageItem, Item, PathItem, compose
from laurel.design.fonts import Face
from laurel.design.metadata import xml_text
from laurel.design.outlines import color_bitmap, svg_outline
from laurel.design.pdfwriter import number
from laurel.design.raster import Raster, encode_png, pdf_over_raster, pdf_to_image
from laurel.design.render import PreparedLayout, render_pdf_with_report
from laurel.design.variables import Values


def render_png(prepared: PreparedLayout, values: Values, *, dpi: float = 150) -> bytes:
    """The design for `values` as PNG bytes at `dpi` (transparent where it has no background).

    The background is drawn once per layout and resolution; each render draws only the
    elements, over a copy of it."""
    if not prepared.has_background:
        pdf = render_pdf_with_report(prepared, values, text_layer=False)[0]
        return encode_png(pdf_to_image(pdf, dpi=dpi, transparent=True))
    background = prepared.rasters.get(dpi)
    if background is None:
        pdf = render_pdf_with_report(prepared, values, layers="background", text_layer=False)[0]
        background = prepared.rasters[dpi] = Raster.of(pdf_to_image(pdf, dpi=dpi))
    pdf = render_pdf_with_report(prepared, values, layers="elements", text_layer=False)[0]
    return encode_png(pdf_over_raster(pdf, background))


def render_svg(prepared: PreparedLayout, values: Values) -> str:
    """The design for `values` as an SVG document (text as outlines, images inlined)."""
    layout = prepared.layout
    items, _report = compose(layout, values, prepared.sizes)
    writer = _SvgWriter(prepared)
    body = [writer.item(item) for item in items]
    width, height = layout.width * MM, layout.height * MM
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{number(layout.width)}mm" height="{number(layout.height)}mm" '
        f'viewBox="0 0 {number(width)} {number(height)}">'
        f"<defs>{''.join(writer.defs)}</defs>{''.join(body)}</svg>"
    )


class _SvgWriter:
    def __init__(self, prepared: PreparedLayout) -> None:
        self.prepared = prepared
        self.defs: list[str] = []
        self.glyphs: dict[tuple[Face, int], str] = {}

    def item(self, item: Item) -> str:
        attributes = ""
        if item.transform is not None:
            attributes += f' transform="matrix({" ".join(number(v) for v in item.transform)})"'
        if item.opacity < 1:
            attributes += f' opacity="{number(item.opacity)}"'
        if isinstance(item, GlyphItem):
            return self._glyphs(item, attributes)
        if isinstance(item, PathItem):
            return self._path(item, attributes)
        return self._image(item, attributes)

    def _glyphs(self, item: GlyphItem, attributes: str) -> str:
        label = xml_text(item.text)
        parts = [f'<g fill="{item.colour}" aria-label={quoteattr(label)}{attributes}>']
        for face, gid, x, y in item.glyphs:
            scale = item.size / face.upem
            if face.color_bitmaps:
                parts.append(self._emoji(face, gid, x, y, scale))
                continue
            reference = self._glyph(face, gid)
            if reference:
                parts.append(
                    f'<use xlink:href="#{reference}" '
                    f'transform="matrix({number(scale)} 0 0 {number(scale)} {number(x)} {number(y)})"/>'
                )
        parts.append(f"<title>{escape(label)}</title></g>")
        return "".join(parts)

    def _glyph(self, face: Face, gid: int) -> str | None:
        key = (face, gid)
        if key not in self.glyphs:
            outline = svg_outline(face, gid)
            reference = f"g{len(self.glyphs)}" if outline else ""
            if outline:
                self.defs.append(f'<path id="{reference}" d="{outline}"/>')
            self.glyphs[key] = reference
        return self.glyphs[key] or None

    def _emoji(self, face: Face, gid: int, x: float, y: float, scale: float) -> str:
        bitmap = color_bitmap(face, gid)
        if bitmap is None:
            return ""
        href = "data:image/png;base64," + base64.b64encode(bitmap.png).decode()
        top = y - (bitmap.y + bitmap.height) * scale
        return (
            f'<image x="{number(x + bitmap.x * scale)}" y="{number(top)}" '
            f'width="{number(bitmap.width * scale)}" height="{number(bitmap.height * scale)}" '
            f'preserveAspectRatio="none" xlink:href="{href}"/>'
        )

    def _path(self, item: PathItem, attributes: str) -> str:
        data = [
            f"M{number(x)} {number(y)}h{number(w)}v{number(h)}h{number(-w)}Z"
            for x, y, w, h in item.rects
        ]
        for command in item.commands:
            data.append(command[0] + " ".join(number(v) for v in command[1:]))
        paint = f' fill="{item.fill or "none"}"'
        if item.stroke:
            paint += f' stroke="{item.stroke}" stroke-width="{number(item.width)}" stroke-linecap="{item.cap}"'
            if item.dash:
                paint += f' stroke-dasharray="{number(item.dash[0])} {number(item.dash[1])}"'
        return f'<path d="{"".join(data)}"{paint}{attributes}/>'

    def _image(self, item: ImageItem, attributes: str) -> str:
        asset = self.prepared.assets[item.asset]
        clip = ""
        if item.clip is not None:
            clip_id = f"c{len(self.defs)}"
            x, y, w, h = item.clip
            self.defs.append(
                f'<clipPath id="{clip_id}"><rect x="{number(x)}" y="{number(y)}" '
                f'width="{number(w)}" height="{number(h)}"/></clipPath>'
            )
            clip = f' clip-path="url(#{clip_id})"'
        return (
            f'<g{attributes}{clip}><image x="{number(item.x)}" y="{number(item.y)}" '
            f'width="{number(item.width)}" height="{number(item.height)}" '
            f'preserveAspectRatio="none" xlink:href="{data_uri(asset)}"/></g>'
        )
