"""Laying out a certificate: a layout and a credential's values become a list of things
to draw, in points from the page's top-left corner (y pointing down).

The PDF and the SVG writers both draw this same list, so a badge's SVG and its PNG, and
a certificate's preview and its PDF, show the same thing.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import segno

from laurel.design.fonts import Face
from laurel.design.layout import Image, Layout, Line, QRCode, Shape, Text
from laurel.design.text import fit_text, missing_characters, shape_paragraph
from laurel.design.variables import Values, fill, value_of

MM = 72 / 25.4
Matrix = tuple[float, float, float, float, float, float]
Command = (
    tuple[str, ...]
    | tuple[str, float, float]
    | tuple[str, float, float, float, float, float, float]
)


@dataclass(frozen=True)
class GlyphItem:
    """Shaped glyphs at their baseline positions, and the lines of text they show."""

    size: float
    colour: str
    opacity: float
    transform: Matrix | None
    glyphs: tuple[tuple[Face, int, float, float], ...]
    lines: tuple[tuple[str, float, float, float], ...]  # visual text, x, baseline y, width
    text: str = ""  # in logical (reading) order


@dataclass(frozen=True)
class PathItem:
    """A path (or a set of rectangles), filled and/or stroked."""

    commands: tuple[tuple, ...] = ()
    rects: tuple[tuple[float, float, float, float], ...] = ()
    fill: str | None = None
    stroke: str | None = None
    width: float = 1.0
    dash: tuple[float, float] | None = None
    cap: str = "butt"
    opacity: float = 1.0
    transform: Matrix | None = None


@dataclass(frozen=True)
class ImageItem:
    """An uploaded file drawn into a box (clipped to `clip` when it covers it)."""

    asset: str
    x: float
    y: float
    width: float
    height: float
    clip: tuple[float, float, float, float] | None = None
    opacity: float = 1.0
    transform: Matrix | None = None


Item = GlyphItem | PathItem | ImageItem


@dataclass
class RenderReport:
    """What a render could not do as designed: shown in the studio, checked at save."""

    missing_characters: dict[str, list[str]] = field(default_factory=dict)
    missing_assets: list[str] = field(default_factory=list)
    overflowing: list[str] = field(default_factory=list)
    faces: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        """True when everything printed as designed."""
        return not (self.missing_characters or self.missing_assets or self.overflowing)


def compose(
    layout: Layout,
    values: Values,
    sizes: Mapping[str, tuple[float, float]],
    *,
    layers: str = "all",
) -> tuple[list[Item], RenderReport]:
    """What to draw for `values`; `sizes` gives the intrinsic size of each usable asset.

    `layers` is 'all', 'background' (the page's background only) or 'elements' (all but
    it): a PNG draws the background once per layout and the elements over it each time.
    """
    items: list[Item] = []
    report = RenderReport()
    width, height = layout.width * MM, layout.height * MM
    background = layout.background
    if layers == "elements":
        pass
    elif background.asset:
        items += _image(
            background.asset,
            0,
            0,
            width,
            height,
            background.fit,
            1.0,
            0.0,
            sizes,
            report,
            "background",
        )
    elif background.colour:
        items.append(PathItem(rects=((0, 0, width, height),), fill=background.colour))
    if layers == "background":
        return items, report
    for index, element in enumerate(layout.elements):
        label = element.id or f"elements[{index}]"
        if isinstance(element, Text):
            items += _text(element, layout, values, report, label)
        elif isinstance(element, Image):
            x, y, w, h = (v * MM for v in (element.x, element.y, element.width, element.height))
            items += _image(
                element.asset,
                x,
                y,
                w,
                h,
                element.fit,
                element.opacity,
                element.rotation,
                sizes,
                report,
                label,
            )
        elif isinstance(element, QRCode):
            items += _qr(element, layout, values)
        elif isinstance(element, Line):
            items.append(_line(element))
        else:
            items.append(_shape(element))
    return items, report


def rotation_about(cx: float, cy: float, degrees: float) -> Matrix | None:
    """The matrix turning a drawing `degrees` clockwise about (cx, cy), or None for 0."""
    if not degrees:
        return None
    angle = math.radians(degrees)
    cos, sin = math.cos(angle), math.sin(angle)
    return (cos, sin, -sin, cos, cx - cos * cx + sin * cy, cy - sin * cx - cos * cy)


def _text(
    element: Text, layout: Layout, values: Values, report: RenderReport, label: str
) -> list[Item]:
    if element.only_if and not value_of(element.only_if, values, layout.dates):
        return []
    text = fill(element.text, values, layout.dates).strip()
    if element.uppercase:
        text = text.upper()
    if not text:
        return []
    item, missing, overflow, faces = set_text(element, text)
    if missing:
        report.missing_characters.setdefault(label, []).extend(missing)
    if overflow:
        report.overflowing.append(label)
    report.faces |= faces
    return [item]


@functools.lru_cache(maxsize=4096)
def set_text(element: Text, text: str) -> tuple[GlyphItem, list[str], bool, frozenset[str]]:
    """The element's `text` set in its box: the item to draw, the characters no font has,
    whether it overflows even at its smallest size, and the faces it uses. A static text (a
    heading, a label) is set once per process."""
    x, y, w, h = (v * MM for v in (element.x, element.y, element.width, element.height))
    style = element.style
    block = fit_text(text, style, w, h)
    missing: list[str] = []
    for paragraph_text in text.split("\n"):
        paragraph = shape_paragraph(
            paragraph_text,
            style.family,
            style.weight,
            style.italic,
            style.tracking,
            style.direction,
        )
        missing += missing_characters(paragraph)
    faces: set[str] = set()
    size = block.size
    leading = block.line_height * size
    total = (len(block.lines) - 1) * leading + (block.ascent + block.descent) * size
    top = {"top": 0.0, "bottom": h - total}.get(style.valign, (h - total) / 2)
    glyphs = []
    lines = []
    for i, line in enumerate(block.lines):
        baseline = y + top + block.ascent * size + i * leading
        line_width = line.width * size
        align = style.align
        if align in ("start", "end"):
            align = "right" if line.rtl == (align == "start") else "left"
        left = x + {"left": 0.0, "right": w - line_width}.get(align, (w - line_width) / 2)
        for glyph in line.glyphs:
            if glyph.gid == 0:
                continue  # never draw a box: the report says what is missing
            faces.add(glyph.face.name)
            glyphs.append((glyph.face, glyph.gid, left + glyph.x * size, baseline - glyph.y * size))
        lines.append((line.visual_text, left, baseline, line_width))
    transform = rotation_about(x + w / 2, y + h / 2, element.rotation)
    item = GlyphItem(
        size, element.colour, element.opacity, transform, tuple(glyphs), tuple(lines), text
    )
    return item, missing, block.overflow, frozenset(faces)


def _image(
    asset: str, x: float, y: float, w: float, h: float, fit: str, opacity: float,
    rotation: float, sizes: Mapping[str, tuple[float, float]], report: RenderReport, label: str,
) -> list[Item]:  # fmt: skip
    transform = rotation_about(x + w / 2, y + h / 2, rotation)
    if asset not in sizes:
        report.missing_assets.append(asset)
        return _placeholder(x, y, w, h, transform)
    natural_w, natural_h = sizes[asset]
    if fit == "stretch" or natural_w <= 0 or natural_h <= 0:
        return [ImageItem(asset, x, y, w, h, None, opacity, transform)]
    scale = (max if fit == "cover" else min)(w / natural_w, h / natural_h)
    dw, dh = natural_w * scale, natural_h * scale
    clip = (x, y, w, h) if fit == "cover" else None
    return [ImageItem(asset, x + (w - dw) / 2, y + (h - dh) / 2, dw, dh, clip, opacity, transform)]


def _placeholder(x: float, y: float, w: float, h: float, transform: Matrix | None) -> list[Item]:
    cross = (("M", x, y), ("L", x + w, y + h), ("M", x + w, y), ("L", x, y + h))
    return [
        PathItem(
            rects=((x, y, w, h),),
            fill="#F1F1F1",
            stroke="#9A9A9A",
            width=0.8,
            dash=(3, 2),
            transform=transform,
        ),
        PathItem(commands=cross, stroke="#9A9A9A", width=0.5, transform=transform),
    ]


def qr_matrix(content: str) -> tuple[bytearray, ...]:
    """The QR code modules (1 = dark) for `content`, error correction M.

    The mask is fixed: every mask is valid and readable, and choosing the best of the eight
    (segno's default) costs five times as much as the rest of the code.
    """
    return segno.make(content, error="m", micro=False, mask=0, boost_error=False).matrix


def _qr(element: QRCode, layout: Layout, values: Values) -> list[Item]:
    content = fill(element.content, values, layout.dates) or " "
    matrix = qr_matrix(content)
    border = 2
    count = len(matrix) + 2 * border
    x, y, size = element.x * MM, element.y * MM, element.size * MM
    module = size / count
    runs = []
    for row, modules in enumerate(matrix):
        column = 0
        length = len(modules)
        while column < length:
            if modules[column]:
                start = column
                while column < length and modules[column]:
                    column += 1
                runs.append((start + border, row + border, column - start, 1))
            else:
                column += 1
    items: list[Item] = []
    if element.background:
        items.append(PathItem(rects=((x, y, size, size),), fill=element.background))
    # Rectangles counted in modules (small integers); the transform scales them to the page.
    unit = (module, 0.0, 0.0, module, x, y)
    items.append(PathItem(rects=tuple(runs), fill=element.colour, transform=unit))
    return items


def _line(element: Line) -> PathItem:
    commands = (("M", element.x1 * MM, element.y1 * MM), ("L", element.x2 * MM, element.y2 * MM))
    return PathItem(
        commands=commands,
        stroke=element.colour,
        width=element.thickness * MM,
        dash=_dash(element.dash),
        cap=element.cap,
        opacity=element.opacity,
    )


def _dash(dash: tuple[float, float] | None) -> tuple[float, float] | None:
    return None if dash is None else (dash[0] * MM, dash[1] * MM)


def _shape(element: Shape) -> PathItem:
    x, y = element.x * MM, element.y * MM
    w, h = element.width * MM, element.height * MM
    if element.kind == "polygon":
        commands = _polygon(x, y, element.radius * MM, element.sides, element.inner)
        centre = (x, y)
    elif element.kind == "ellipse":
        commands = _ellipse(x, y, w, h)
        centre = (x + w / 2, y + h / 2)
    elif element.kind == "shield":
        commands = _shield(x, y, w, h)
        centre = (x + w / 2, y + h / 2)
    else:
        commands = _rounded_box(x, y, w, h, min(element.radius * MM, w / 2, h / 2))
        centre = (x + w / 2, y + h / 2)
    return PathItem(
        commands=commands,
        fill=element.fill,
        stroke=element.stroke,
        width=element.thickness * MM,
        dash=_dash(element.dash),
        opacity=element.opacity,
        transform=rotation_about(*centre, element.rotation),
    )


_KAPPA = 0.5522847498


def _ellipse(x: float, y: float, w: float, h: float) -> tuple[tuple, ...]:
    rx, ry = w / 2, h / 2
    cx, cy = x + rx, y + ry
    kx, ky = rx * _KAPPA, ry * _KAPPA
    return (
        ("M", cx + rx, cy),
        ("C", cx + rx, cy + ky, cx + kx, cy + ry, cx, cy + ry),
        ("C", cx - kx, cy + ry, cx - rx, cy + ky, cx - rx, cy),
        ("C", cx - rx, cy - ky, cx - kx, cy - ry, cx, cy - ry),
        ("C", cx + kx, cy - ry, cx + rx, cy - ky, cx + rx, cy),
        ("Z",),
    )


def _shield(x: float, y: float, w: float, h: float) -> tuple[tuple, ...]:
    """A heater shield: a flat top with rounded shoulders, sides curving to a point."""
    r = min(w, h) * 0.08
    k = r * (1 - _KAPPA)
    side = y + h * 0.42
    return (
        ("M", x + r, y),
        ("L", x + w - r, y),
        ("C", x + w - k, y, x + w, y + k, x + w, y + r),
        ("L", x + w, side),
        ("C", x + w, y + h * 0.72, x + w * 0.72, y + h * 0.9, x + w / 2, y + h),
        ("C", x + w * 0.28, y + h * 0.9, x, y + h * 0.72, x, side),
        ("L", x, y + r),
        ("C", x, y + k, x + k, y, x + r, y),
        ("Z",),
    )


def _rounded_box(x: float, y: float, w: float, h: float, r: float) -> tuple[tuple, ...]:
    if r <= 0:
        return (("M", x, y), ("L", x + w, y), ("L", x + w, y + h), ("L", x, y + h), ("Z",))
    k = r * (1 - _KAPPA)
    return (
        ("M", x + r, y),
        ("L", x + w - r, y),
        ("C", x + w - k, y, x + w, y + k, x + w, y + r),
        ("L", x + w, y + h - r),
        ("C", x + w, y + h - k, x + w - k, y + h, x + w - r, y + h),
        ("L", x + r, y + h),
        ("C", x + k, y + h, x, y + h - k, x, y + h - r),
        ("L", x, y + r),
        ("C", x, y + k, x + k, y, x + r, y),
        ("Z",),
    )


def _polygon(
    cx: float, cy: float, radius: float, sides: int, inner: float | None
) -> tuple[tuple, ...]:
    points = []
    count = sides * 2 if inner else sides
    for i in range(count):
        angle = -math.pi / 2 + 2 * math.pi * i / count
        r = radius * inner if inner and i % 2 else radius
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    commands: list[tuple] = [("M", *points[0])]
    commands += [("L", *p) for p in points[1:]]
    commands.append(("Z",))
    return tuple(commands)
