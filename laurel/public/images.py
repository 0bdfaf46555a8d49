"""The pictures of a credential: the badge (PNG and SVG, to bake) and the share preview.

Drawn here with Pillow (and as plain SVG text) from the group's title, the issuer's name
and the badge design's colour when it has one; the design studio replaces the drawing,
not the baking. Everything drawn is text we escape or measure, never markup we trust.
"""

from __future__ import annotations

import io
import re
import textwrap
from functools import lru_cache

from django.utils.html import escape
from PIL import Image, ImageDraw, ImageFont

from laurel.credentials.models import Credential

DEFAULT_COLOR = "#166534"  # the laurel green of the web app
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
BADGE_SIZE = 600
PREVIEW_SIZE = (1200, 630)


def badge_color(credential: Credential) -> str:
    """The badge design's colour ("#rrggbb"), else Laurel's green."""
    design = credential.group.badge_design or {}
    color = design.get("color") if isinstance(design, dict) else None
    return color if isinstance(color, str) and _HEX.match(color) else DEFAULT_COLOR


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _lighter(color: str, amount: float) -> tuple[int, int, int]:
    return tuple(int(c + (255 - c) * amount) for c in _rgb(color))  # type: ignore[return-value]


def _lines(text: str, width: int, most: int) -> list[str]:
    lines = textwrap.wrap(text, width=width) or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def _centered(draw: ImageDraw.ImageDraw, y: int, text: str, size: int, fill, width: int) -> int:
    font = _font(size)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text(((width - (right - left)) / 2, y), text, font=font, fill=fill)
    return y + (bottom - top) + size // 3


def badge_png(credential: Credential) -> bytes:
    """A 600×600 medallion: ring, laurel star, the group's title and the issuer's name."""
    color = badge_color(credential)
    size = BADGE_SIZE
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), fill=_rgb(color))
    draw.ellipse((34, 34, size - 34, size - 34), fill=_lighter(color, 0.92))
    draw.ellipse((48, 48, size - 48, size - 48), outline=_rgb(color), width=4)
    _star(draw, size / 2, 150, 54, _rgb(color))
    y = 230
    for line in _lines(credential.group.title, 18, 3):
        y = _centered(draw, y, line, 44, (31, 41, 51), size)
    y = max(y + 10, 420)
    for line in _lines(credential.organization.name, 28, 2):
        y = _centered(draw, y, line, 26, _rgb(color), size)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float, fill) -> None:
    import math

    points = []
    for n in range(10):
        r = radius if n % 2 == 0 else radius * 0.45
        angle = math.pi / 2 + n * math.pi / 5
        points.append((cx + r * math.cos(angle), cy - r * math.sin(angle)))
    draw.polygon(points, fill=fill)


def badge_svg(credential: Credential) -> str:
    """The same medallion as SVG text (every text node escaped)."""
    color = badge_color(credential)
    light = "#{:02x}{:02x}{:02x}".format(*_lighter(color, 0.92))
    title = _lines(credential.group.title, 18, 3)
    issuer = _lines(credential.organization.name, 28, 2)
    texts = [
        f'<text x="300" y="{270 + 52 * n}" font-size="44" font-weight="700" '
        f'text-anchor="middle" fill="#1f2933">{escape(line)}</text>'
        for n, line in enumerate(title)
    ]
    texts += [
        f'<text x="300" y="{450 + 34 * n}" font-size="26" text-anchor="middle" '
        f'fill="{color}">{escape(line)}</text>'
        for n, line in enumerate(issuer)
    ]
    label = escape(f"{credential.group.title} — {credential.organization.name}")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600" viewBox="0 0 600 600" '
        f'role="img" aria-label="{label}" font-family="system-ui, sans-serif">'
        f'<circle cx="300" cy="300" r="292" fill="{color}"/>'
        f'<circle cx="300" cy="300" r="266" fill="{light}"/>'
        f'<circle cx="300" cy="300" r="252" fill="none" stroke="{color}" stroke-width="4"/>'
        f'<polygon points="{_star_points(300, 150, 54)}" fill="{color}"/>'
        + "".join(texts)
        + "</svg>"
    )


def _star_points(cx: float, cy: float, radius: float) -> str:
    import math

    points = []
    for n in range(10):
        r = radius if n % 2 == 0 else radius * 0.45
        angle = math.pi / 2 + n * math.pi / 5
        points.append(f"{cx + r * math.cos(angle):.1f},{cy - r * math.sin(angle):.1f}")
    return " ".join(points)


def preview_png(
    credential: Credential, *, status_label: str, tone: str, badge: bytes | None = None
) -> bytes:
    """The 1200×630 card social networks show for a shared link (with `badge`, the
    credential's badge PNG, when given; else the built-in medallion)."""
    color = badge_color(credential)
    width, height = PREVIEW_SIZE
    image = Image.new("RGB", PREVIEW_SIZE, (247, 248, 246))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 18), fill=_rgb(color))
    draw.rounded_rectangle((60, 70, width - 60, height - 60), radius=28, fill=(255, 255, 255))
    badge = Image.open(io.BytesIO(badge or badge_png(credential))).convert("RGBA")
    badge = badge.resize((300, 300))
    image.paste(badge, (110, 165), badge)
    x = 460
    draw.text((x, 120), credential.organization.name[:48], font=_font(30), fill=_rgb(color))
    y = 180
    for line in _lines(credential.group.title, 26, 3):
        draw.text((x, y), line, font=_font(52), fill=(31, 41, 51))
        y += 64
    y += 16
    draw.text((x, y), credential.recipient_name[:40], font=_font(36), fill=(82, 96, 109))
    fills = {"success": (22, 101, 52), "warning": (146, 64, 14), "info": (30, 64, 175)}
    band = fills.get(tone, (153, 27, 27))
    draw.rounded_rectangle((x, height - 160, x + 380, height - 100), radius=30, fill=band)
    draw.text((x + 30, height - 148), status_label[:24], font=_font(30), fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def qr_svg(url: str) -> str:
    """A QR code of `url` as inline SVG (segno), dark on white, with a quiet zone."""
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=4, border=2, xmldecl=False, svgns=True, title="QR code"
    )
    return buffer.getvalue().decode()
