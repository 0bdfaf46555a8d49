"""Certificates as PDF: a layout is prepared once, then each credential is a few
milliseconds of writing its own page onto the prepared template.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from PIL import Image as PILImage

from laurel.design.assets import AssetError, PreparedAsset, add_image, prepare_asset
from laurel.design.compose import MM, GlyphItem, ImageItem, Item, PathItem, RenderReport, compose
from laurel.design.fonts import Face
from laurel.design.layout import Layout
from laurel.design.metadata import add_output_intent, info_dictionary, pdf_date, xmp
from laurel.design.outlines import color_bitmap, pdf_outline
from laurel.design.pdfwriter import (
    Builder,
    Template,
    finish,
    number,
    stream,
    text_string,
)
from laurel.design.raster import Raster
from laurel.design.textlayer import CodeMap, add_descendant_font
from laurel.design.variables import Values, fill

ATTACHMENT_NAME = "credential.json"


@dataclass(frozen=True)
class PreparedLayout:
    """A layout with its files and fonts written once, ready for many renders."""

    layout: Layout
    template: Template
    assets: Mapping[str, PreparedAsset]
    asset_errors: Mapping[str, str]
    text_font: int
    output_intent: str
    pdfa: bool  # False when an uploaded PDF or SVG (which may break PDF/A) is drawn
    sizes: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    rasters: dict[float, Raster] = field(default_factory=dict, compare=False, repr=False)

    @property
    def has_background(self) -> bool:
        """False for a transparent design (a badge without a background)."""
        return bool(self.layout.background.colour or self.layout.background.asset)


def prepare(
    layout: Layout, assets: Mapping[str, bytes] | None = None, *, strict: bool = False
) -> PreparedLayout:
    """Write the layout's unchanging parts once. A file that is missing or unreadable is
    drawn as a visible placeholder (and listed in `asset_errors`), or with `strict` raises
    AssetError (what saving a design does)."""
    assets = assets or {}
    builder = Builder(1)
    text_font = add_descendant_font(builder)
    prepared: dict[str, PreparedAsset] = {}
    errors: dict[str, str] = {}
    for asset_name in sorted(layout.assets()):
        if asset_name not in assets:
            errors[asset_name] = "not uploaded"
            continue
        try:
            prepared[asset_name] = prepare_asset(builder, assets[asset_name])
        except AssetError as exc:
            errors[asset_name] = str(exc)
    if strict and errors:
        raise AssetError("; ".join(f"{k}: {v}" for k, v in sorted(errors.items())))
    output_intent = add_output_intent(builder)
    sizes = {k: (a.width, a.height) for k, a in prepared.items()}
    pdfa = all(a.kind == "image" for a in prepared.values())
    return PreparedLayout(
        layout, Template.build(builder), prepared, errors, text_font, output_intent, pdfa, sizes
    )


def render_pdf(
    prepared: PreparedLayout,
    values: Values,
    *,
    credential: Mapping[str, object] | bytes | None = None,
) -> bytes:
    """The certificate for `values` as PDF bytes, carrying `credential` (the signed
    credential) as the attached file credential.json when given."""
    return render_pdf_with_report(prepared, values, credential=credential)[0]


def render_pdf_with_report(
    prepared: PreparedLayout,
    values: Values,
    *,
    credential: Mapping[str, object] | bytes | None = None,
    layers: str = "all",
    text_layer: bool = True,
) -> tuple[bytes, RenderReport]:
    """The PDF and what it could not print as designed (missing glyphs, files, overflow).
    `layers` draws only the background or only the elements (see `compose`); without
    `text_layer` (a PDF only drawn to pixels) the invisible text is left out."""
    layout = prepared.layout
    items, report = compose(layout, values, prepared.sizes, layers=layers)
    report.missing_assets = sorted(set(report.missing_assets) | set(prepared.asset_errors))
    builder = Builder(prepared.template.next_number)
    page = _PageWriter(builder, prepared, text_layer)
    height = layout.height * MM
    page.ops.append(f"1 0 0 -1 0 {number(height)} cm")
    for item in items:
        page.draw(item)
    content = builder.add(stream("", "\n".join(page.ops).encode("ascii")))
    resources = page.resources()
    pages = builder.reserve()
    page_number = builder.add(
        f"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 {number(layout.width * MM)} "
        f"{number(height)}] /Resources {resources} /Contents {content} 0 R >>"
    )
    builder.put(pages, f"<< /Type /Pages /Kids [{page_number} 0 R] /Count 1 >>")
    title = fill(layout.title, values, layout.dates).strip() or layout.name or "Certificate"
    author, subject = values.issuer_name.strip(), values.group_title.strip()
    info = builder.add(info_dictionary(title, author, subject))
    packet = xmp(title, author, subject, pdfa=prepared.pdfa)
    metadata = builder.add(stream("/Type /Metadata /Subtype /XML", packet, compress=False))
    catalog = (
        f"<< /Type /Catalog /Pages {pages} 0 R /Metadata {metadata} 0 R "
        f"/OutputIntents {prepared.output_intent}"
    )
    if credential is not None:
        filespec = _attach(builder, credential, values.issued_on)
        catalog += (
            f" /Names << /EmbeddedFiles << /Names [{text_string(ATTACHMENT_NAME)} "
            f"{filespec} 0 R] >> >> /AF [{filespec} 0 R]"
        )
    root = builder.add(catalog + " >>")
    return finish(prepared.template, builder, root=root, info=info), report


def _attach(builder: Builder, credential: Mapping[str, object] | bytes, day: dt.date | None) -> int:
    if isinstance(credential, bytes):
        data = credential
    else:
        data = json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode()
    params = f"/Size {len(data)}" + (f" /ModDate {pdf_date(day)}" if day else "")
    embedded = builder.add(
        stream(f"/Type /EmbeddedFile /Subtype /application#2Fjson /Params << {params} >>", data)
    )
    return builder.add(
        f"<< /Type /Filespec /F {text_string(ATTACHMENT_NAME)} /UF {text_string(ATTACHMENT_NAME)} "
        f"/EF << /F {embedded} 0 R /UF {embedded} 0 R >> /AFRelationship /Data "
        f"/Desc {text_string('The signed Open Badges credential of this certificate')} >>"
    )


class _PageWriter:
    """Turns composed items into content-stream operators and the resources they use."""

    def __init__(self, builder: Builder, prepared: PreparedLayout, text_layer: bool) -> None:
        self.builder = builder
        self.prepared = prepared
        self.text_layer = text_layer
        self.ops: list[str] = []
        self.xobjects: dict[str, int] = {}
        self.glyphs: dict[tuple[Face, int], str] = {}
        self.states: dict[float, str] = {}
        self.codes = CodeMap()

    def resources(self) -> str:
        parts = []
        if self.xobjects:
            parts.append(
                "/XObject << " + " ".join(f"/{k} {v} 0 R" for k, v in self.xobjects.items()) + " >>"
            )
        if self.states:
            parts.append(
                "/ExtGState << "
                + " ".join(
                    f"/{k} << /ca {number(o)} /CA {number(o)} >>" for o, k in self.states.items()
                )
                + " >>"
            )
        if self.codes.codes:
            to_unicode = self.builder.add(self.codes.to_unicode())
            font = self.builder.add(
                f"<< /Type /Font /Subtype /Type0 /BaseFont /LaurelTextLayer /Encoding /Identity-H "
                f"/DescendantFonts [{self.prepared.text_font} 0 R] /ToUnicode {to_unicode} 0 R >>"
            )
            parts.append(f"/Font << /T {font} 0 R >>")
        return "<< " + " ".join(parts) + " >>"

    def draw(self, item: Item) -> None:
        self.ops.append("q")
        if item.transform is not None:
            self.ops.append(" ".join(number(v) for v in item.transform) + " cm")
        if item.opacity < 1:
            self.ops.append(f"/{self._state(item.opacity)} gs")
        if isinstance(item, GlyphItem):
            self._glyphs(item)
        elif isinstance(item, PathItem):
            self._path(item)
        else:
            self._image(item)
        self.ops.append("Q")

    def _state(self, opacity: float) -> str:
        opacity = round(opacity, 3)
        if opacity not in self.states:
            self.states[opacity] = f"GS{len(self.states)}"
        return self.states[opacity]

    def _path(self, item: PathItem) -> None:
        ops = self.ops
        if item.fill:
            ops.append(_colour(item.fill) + " rg")
        if item.stroke:
            ops.append(f"{_colour(item.stroke)} RG {number(item.width)} w {_CAPS[item.cap]} J")
            if item.dash:
                ops.append(f"[{number(item.dash[0])} {number(item.dash[1])}] 0 d")
        ops.extend(
            f"{number(x)} {number(y)} {number(w)} {number(h)} re" for x, y, w, h in item.rects
        )
        for command in item.commands:
            ops.append(_path_op(command))
        ops.append(
            "B" if item.fill and item.stroke else "f" if item.fill else "S" if item.stroke else "n"
        )

    def _glyphs(self, item: GlyphItem) -> None:
        ops = self.ops
        ops.append(_colour(item.colour) + " rg")
        glyph_ops, used = _glyph_ops(item)
        ops.append(glyph_ops)
        for face, gid in used:
            resource = f"G{face.serial}.{gid}"
            form = _glyph_form(face, gid)
            if resource not in self.xobjects and form is not None:
                self.xobjects[resource] = self.builder.add(form)
        for face, gid, x, y in item.glyphs:
            if face.color_bitmaps:
                self._emoji(face, gid, x, y, item.size / face.upem)
        for text, x, y, width in item.lines if self.text_layer else ():
            natural = len(text) * item.size * 0.5
            stretch = 100 * width / natural if natural else 100
            ops.append(
                f"BT 3 Tr /T {number(item.size)} Tf {number(stretch)} Tz "
                f"1 0 0 -1 {number(x)} {number(y)} Tm {self.codes.encode(text)} Tj ET"
            )

    def _emoji(self, face: Face, gid: int, x: float, y: float, scale: float) -> None:
        bitmap = color_bitmap(face, gid)
        if bitmap is None:
            return
        key = (face, gid)
        if key not in self.glyphs:
            resource = f"E{face.serial}.{gid}"
            image = PILImage.open(io.BytesIO(bitmap.png))
            self.xobjects[resource] = add_image(self.builder, image)
            self.glyphs[key] = resource
        w, h = bitmap.width * scale, bitmap.height * scale
        left, bottom = x + bitmap.x * scale, y - bitmap.y * scale
        self.ops.append(
            f"q {number(w)} 0 0 {number(-h)} {number(left)} {number(bottom)} cm /{self.glyphs[key]} Do Q"
        )

    def _image(self, item: ImageItem) -> None:
        asset = self.prepared.assets[item.asset]
        resource = f"A{asset.number}"
        self.xobjects[resource] = asset.number
        if item.clip is not None:
            x, y, w, h = item.clip
            self.ops.append(f"{number(x)} {number(y)} {number(w)} {number(h)} re W n")
        sx = item.width / (1 if asset.kind == "image" else asset.width)
        sy = item.height / (1 if asset.kind == "image" else asset.height)
        self.ops.append(
            f"{number(sx)} 0 0 {number(-sy)} {number(item.x)} {number(item.y + item.height)} cm /{resource} Do"
        )


_CAPS = {"butt": 0, "round": 1, "square": 2}


@functools.lru_cache(maxsize=4096)
def _glyph_ops(item: GlyphItem) -> tuple[str, tuple[tuple[Face, int], ...]]:
    """The operators drawing an item's outline glyphs, and the glyphs they use. Glyph forms
    are named by face and glyph id, so the operators of a static text are made once."""
    ops = []
    used: dict[tuple[Face, int], None] = {}
    for face, gid, x, y in item.glyphs:
        if face.color_bitmaps or _glyph_form(face, gid) is None:
            continue
        scale = item.size / face.upem
        ops.append(f"q {scale:.6f} 0 0 {-scale:.6f} {x:.2f} {y:.2f} cm /G{face.serial}.{gid} Do Q")
        used[(face, gid)] = None
    return "\n".join(ops), tuple(used)


@functools.lru_cache(maxsize=65536)
def _glyph_form(face: Face, gid: int) -> bytes | None:
    outline = pdf_outline(face, gid)
    if not outline:
        return None
    extents = face.hb_font.get_glyph_extents(gid)
    pad = face.upem // 20
    if extents is None:
        box = f"{-face.upem} {-face.upem} {2 * face.upem} {2 * face.upem}"
    else:
        left, top = extents.x_bearing, extents.y_bearing
        box = f"{left - pad} {top + extents.height - pad} {left + extents.width + pad} {top + pad}"
    return stream(f"/Type /XObject /Subtype /Form /BBox [{box}]", (outline + " f").encode())


@functools.lru_cache(maxsize=1024)
def _colour(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return f"{number(r)} {number(g)} {number(b)}"


def _path_op(command: tuple) -> str:
    op = command[0]
    if op == "Z":
        return "h"
    coordinates = " ".join(number(v) for v in command[1:])
    return f"{coordinates} {({'M': 'm', 'L': 'l', 'C': 'c'})[op]}"
