"""Glyph outlines, drawn once per process and reused by every PDF and SVG.

Shaped glyphs are drawn as their outlines (HarfBuzz draws them), not as text in an
embedded font: what HarfBuzz shaped is exactly what prints, in every script, with no font
subsetting per document. Each outline is kept ready in font units, as PDF path operators
and as SVG path data. Colour emoji have no outline: their PNG bitmap is used instead.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

from laurel.design.fonts import Face


@dataclass(frozen=True)
class Bitmap:
    """A colour glyph's image and where it sits, in font units from the pen position."""

    png: bytes
    x: float
    y: float  # bottom edge
    width: float
    height: float


class _Pen:
    """Collects a glyph outline as PDF operators and SVG path data (y up, font units)."""

    def __init__(self) -> None:
        self.pdf: list[str] = []
        self.svg: list[str] = []
        self.x = 0.0
        self.y = 0.0

    def moveTo(self, point: tuple[float, float]) -> None:  # noqa: N802 (pen protocol)
        x, y = point
        self.pdf.append(f"{_n(x)} {_n(y)} m")
        self.svg.append(f"M{_n(x)} {_n(-y)}")
        self.x, self.y = x, y

    def lineTo(self, point: tuple[float, float]) -> None:  # noqa: N802
        x, y = point
        self.pdf.append(f"{_n(x)} {_n(y)} l")
        self.svg.append(f"L{_n(x)} {_n(-y)}")
        self.x, self.y = x, y

    def curveTo(self, *points: tuple[float, float]) -> None:  # noqa: N802
        (x1, y1), (x2, y2), (x, y) = points[-3:]
        self.pdf.append(f"{_n(x1)} {_n(y1)} {_n(x2)} {_n(y2)} {_n(x)} {_n(y)} c")
        self.svg.append(f"C{_n(x1)} {_n(-y1)} {_n(x2)} {_n(-y2)} {_n(x)} {_n(-y)}")
        self.x, self.y = x, y

    def qCurveTo(self, *points: tuple[float, float]) -> None:  # noqa: N802
        # Several off-curve points imply on-curve points half-way between them.
        *controls, end = points
        for i, (cx, cy) in enumerate(controls):
            if i + 1 < len(controls):
                nx, ny = controls[i + 1]
                target = ((cx + nx) / 2, (cy + ny) / 2)
            else:
                target = end
            self._quadratic((cx, cy), target)

    def _quadratic(self, control: tuple[float, float], end: tuple[float, float]) -> None:
        (cx, cy), (x, y) = control, end
        c1 = (self.x + 2 / 3 * (cx - self.x), self.y + 2 / 3 * (cy - self.y))
        c2 = (x + 2 / 3 * (cx - x), y + 2 / 3 * (cy - y))
        self.curveTo(c1, c2, (x, y))

    def closePath(self) -> None:  # noqa: N802
        self.pdf.append("h")
        self.svg.append("Z")

    def endPath(self) -> None:  # noqa: N802
        pass


def _n(value: float) -> str:
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


@functools.lru_cache(maxsize=65536)
def pdf_outline(face: Face, gid: int) -> str:
    """The glyph's outline as PDF path operators in font units ('' for an empty glyph)."""
    pen = _draw(face, gid)
    return " ".join(pen.pdf)


@functools.lru_cache(maxsize=65536)
def svg_outline(face: Face, gid: int) -> str:
    """The glyph's outline as SVG path data in font units, y pointing down."""
    return "".join(_draw(face, gid).svg)


def _draw(face: Face, gid: int) -> _Pen:
    pen = _Pen()
    face.hb_font.draw_glyph_with_pen(gid, pen)
    return pen


@functools.lru_cache(maxsize=4096)
def color_bitmap(face: Face, gid: int) -> Bitmap | None:
    """The PNG of a colour (bitmap) glyph and its box in font units, or None."""
    if not face.color_bitmaps:
        return None
    png = face.hb_font.get_glyph_color_png(gid).data
    if not png:
        return None
    extents = face.hb_font.get_glyph_extents(gid)
    if extents is None or not extents.width:
        from PIL import Image

        width, height = Image.open(io.BytesIO(png)).size
        return Bitmap(png, 0, face.descender, width, height)
    return Bitmap(
        png,
        extents.x_bearing,
        extents.y_bearing + extents.height,
        extents.width,
        -extents.height,
    )
