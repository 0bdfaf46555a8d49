"""Badges composed from a shape, two colours, one or two lines of text and an optional icon,
or made of one uploaded picture: each is an ordinary badge layout (100 × 100 mm, no
background), so the studio previews, saves and renders it like any other design.
"""

from __future__ import annotations

import re
from typing import Any

BADGE_SHAPES = ("circle", "shield", "hexagon", "ribbon", "rosette")
BADGE_MM = 100.0
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
DARK_TEXT = "#1F2933"


def text_colour_on(fill: str) -> str:
    """White or near-black, whichever reads better on `fill` (WCAG relative luminance)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(fill[i : i + 2], 16)) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    # Contrast with white is 1.05 / (L + 0.05), with the dark text (L≈0.021) (L + 0.05) / 0.071.
    return "#FFFFFF" if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.071 else DARK_TEXT


def compose_badge(
    *,
    shape: str,
    fill: str,
    border: str,
    line1: str,
    line2: str = "",
    icon: str | None = None,
    name: str = "",
) -> dict[str, Any]:
    """The layout document of a composed badge. `line1` and `line2` are templates (they may
    hold variables such as {group_title}); both shrink to fit their boxes. `icon` is the
    name of an uploaded file drawn above the text. ValueError for an unknown shape or a
    colour that is not #RRGGBB (the layout check then names anything else)."""
    if shape not in BADGE_SHAPES:
        raise ValueError(f"unknown badge shape {shape!r}")
    for colour in (fill, border):
        if not _HEX.match(colour or ""):
            raise ValueError(f"{colour!r} is not a colour like #1A2B3C")
    ink = text_colour_on(fill)
    elements = _SHAPES[shape](fill, border)
    # Named, so that the studio can offer the same composition again (composition_of).
    next(e for e in elements if e.get("fill") == border)["id"] = "border"
    next(e for e in elements if e.get("fill") == fill and "id" not in e)["id"] = f"fill-{shape}"
    top, bottom = _TEXT_AREA[shape]
    if icon:
        elements.append(
            {
                "type": "image",
                "id": "icon",
                "x": 39,
                "y": top,
                "width": 22,
                "height": 18,
                "asset": icon,
                "fit": "contain",
            }  # fmt: skip
        )
        top += 20
    split = bottom - (12 if line2.strip() else 0)
    elements.append(
        {
            "type": "text",
            "id": "line1",
            "x": 20,
            "y": top,
            "width": 60,
            "height": split - top,
            "text": line1,
            "font": "sans-display",
            "weight": "bold",
            "size": 18,
            "min_size": 6,
            "line_height": 1.1,
            "colour": ink,
        }  # fmt: skip
    )
    if line2.strip():
        elements.append(
            {
                "type": "text",
                "id": "line2",
                "x": 24,
                "y": split + 1,
                "width": 52,
                "height": 10,
                "text": line2,
                "font": "sans",
                "size": 7.5,
                "min_size": 4.5,
                "tracking": 0.1,
                "uppercase": True,
                "colour": ink,
                "opacity": 0.85,
            }  # fmt: skip
        )
    return {
        "version": 1,
        "kind": "badge",
        "name": name or shape.title(),
        "page": {"size": "custom", "width": BADGE_MM, "height": BADGE_MM},
        "background": {"type": "none"},
        "dates": {"format": "long", "language": "en"},
        "elements": elements,
    }


def composition_of(document: dict[str, Any]) -> dict[str, str]:
    """The choices a layout made by `compose_badge` was composed from (shape, fill, border,
    line1, line2, icon), as far as the layout still shows them; {} for any other layout."""
    elements = document.get("elements") if isinstance(document, dict) else None
    by_id = {e.get("id"): e for e in elements or [] if isinstance(e, dict) and e.get("id")}
    shaped = next((i for i in by_id if isinstance(i, str) and i.startswith("fill-")), None)
    if shaped is None or shaped[5:] not in BADGE_SHAPES:
        return {}
    found = {"shape": shaped[5:], "fill": by_id[shaped].get("fill", "")}
    if "border" in by_id:
        found["border"] = by_id["border"].get("fill", "")
    for key, element_id, field in (("line1", "line1", "text"), ("line2", "line2", "text"),
                                   ("icon", "icon", "asset")):  # fmt: skip
        found[key] = str(by_id.get(element_id, {}).get(field, ""))
    return found


def picture_badge(asset: str, *, name: str = "") -> dict[str, Any]:
    """The layout of a badge that is one uploaded picture (PNG or SVG) filling the badge."""
    return {
        "version": 1,
        "kind": "badge",
        "name": name or "Picture",
        "page": {"size": "custom", "width": BADGE_MM, "height": BADGE_MM},
        "background": {"type": "none"},
        "dates": {"format": "long", "language": "en"},
        "elements": [
            {
                "type": "image",
                "id": "picture",
                "x": 0,
                "y": 0,
                "width": BADGE_MM,
                "height": BADGE_MM,
                "asset": asset,
                "fit": "contain",
            }  # fmt: skip
        ],
    }


def _circle(fill: str, border: str) -> list[dict]:
    return [
        {"type": "ellipse", "x": 3, "y": 3, "width": 94, "height": 94, "fill": border},
        {"type": "ellipse", "x": 8, "y": 8, "width": 84, "height": 84, "fill": fill},
        {
            "type": "ellipse",
            "x": 12,
            "y": 12,
            "width": 76,
            "height": 76,
            "stroke": border,
            "thickness": 0.6,
        },  # fmt: skip
    ]


def _shield(fill: str, border: str) -> list[dict]:
    return [
        {"type": "shield", "x": 11, "y": 3, "width": 78, "height": 94, "fill": border},
        {"type": "shield", "x": 15, "y": 7, "width": 70, "height": 85, "fill": fill},
        {
            "type": "shield",
            "x": 18.5,
            "y": 10.5,
            "width": 63,
            "height": 77,
            "stroke": border,
            "thickness": 0.5,
        },  # fmt: skip
    ]


def _hexagon(fill: str, border: str) -> list[dict]:
    return [
        {"type": "polygon", "cx": 50, "cy": 50, "radius": 49, "sides": 6, "fill": border},
        {"type": "polygon", "cx": 50, "cy": 50, "radius": 45, "sides": 6, "fill": fill},
        {
            "type": "polygon",
            "cx": 50,
            "cy": 50,
            "radius": 41,
            "sides": 6,
            "stroke": border,
            "thickness": 0.5,
        },  # fmt: skip
    ]


def _ribbon(fill: str, border: str) -> list[dict]:
    return [
        {
            "type": "box",
            "x": 29,
            "y": 58,
            "width": 15,
            "height": 38,
            "fill": border,
            "rotation": 22,
        },  # fmt: skip
        {
            "type": "box",
            "x": 56,
            "y": 58,
            "width": 15,
            "height": 38,
            "fill": border,
            "rotation": -22,
        },  # fmt: skip
        {"type": "ellipse", "x": 11, "y": 2, "width": 78, "height": 78, "fill": border},
        {"type": "ellipse", "x": 15, "y": 6, "width": 70, "height": 70, "fill": fill},
        {
            "type": "ellipse",
            "x": 19,
            "y": 10,
            "width": 62,
            "height": 62,
            "stroke": border,
            "thickness": 0.5,
            "dash": [1.4, 1.1],
        },  # fmt: skip
    ]


def _rosette(fill: str, border: str) -> list[dict]:
    return [
        {
            "type": "polygon",
            "cx": 50,
            "cy": 50,
            "radius": 49,
            "sides": 32,
            "inner": 0.9,
            "fill": border,
        },  # fmt: skip
        {"type": "ellipse", "x": 10, "y": 10, "width": 80, "height": 80, "fill": fill},
        {
            "type": "ellipse",
            "x": 14,
            "y": 14,
            "width": 72,
            "height": 72,
            "stroke": border,
            "thickness": 0.6,
        },  # fmt: skip
    ]


_SHAPES = {
    "circle": _circle,
    "shield": _shield,
    "hexagon": _hexagon,
    "ribbon": _ribbon,
    "rosette": _rosette,
}
# Where the text goes (top and bottom, mm), inside each shape's inner line.
_TEXT_AREA = {
    "circle": (24.0, 76.0),
    "shield": (20.0, 70.0),
    "hexagon": (24.0, 76.0),
    "ribbon": (16.0, 64.0),
    "rosette": (24.0, 76.0),
}
