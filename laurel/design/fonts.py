"""Finding the Noto fonts on disk and choosing one for every character.

Fonts are never shipped with Laurel: they come from the system (Debian's fonts-noto-core,
fonts-noto-cjk and fonts-noto-color-emoji) and are found through fontconfig. A family a
layout names ("serif", "sans", "serif-display", "sans-display") is a chain: its Latin face
first (Latin, Greek, Cyrillic, Vietnamese), then one face per script, then symbols and
emoji. `check_fonts()` says what is missing, so a server can say so when it starts instead
of printing boxes.
"""

from __future__ import annotations

import functools
import itertools
import os
import shutil
import subprocess
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import uharfbuzz as hb

FAMILIES = ("serif", "sans", "serif-display", "sans-display")
WEIGHTS = ("regular", "bold")

_LATIN = {
    "serif": "Noto Serif",
    "sans": "Noto Sans",
    "serif-display": "Noto Serif Display",
    "sans-display": "Noto Sans Display",
}
# The faces that follow the Latin one, per design (serif faces for the serif families).
_SCRIPTS = {
    "serif": (
        "Noto Naskh Arabic",
        "Noto Serif Hebrew",
        "Noto Serif Devanagari",
        "Noto Serif Thai",
        "Noto Serif CJK",
    ),
    "sans": (
        "Noto Sans Arabic",
        "Noto Sans Hebrew",
        "Noto Sans Devanagari",
        "Noto Sans Thai",
        "Noto Sans CJK",
    ),
}
_SYMBOLS = ("Noto Sans Symbols", "Noto Sans Symbols2", "Noto Sans Math")
EMOJI_FAMILY = "Noto Color Emoji"
_DEBIAN_PACKAGE = {
    "Noto Serif CJK": "fonts-noto-cjk",
    "Noto Sans CJK": "fonts-noto-cjk",
    EMOJI_FAMILY: "fonts-noto-color-emoji",
}
FONT_PACKAGES = ("fonts-noto-core", "fonts-noto-cjk", "fonts-noto-color-emoji")


class FontError(Exception):
    """A font a layout needs is not installed."""


@dataclass(frozen=True)
class MissingFont:
    """A face that is not installed, and the Debian package that brings it."""

    family: str
    style: str
    package: str

    def __str__(self) -> str:
        return f"{self.family} {self.style} (apt-get install {self.package})"


@dataclass(eq=False)
class Face:
    """One font face, loaded for shaping and drawing (sizes are in font units)."""

    name: str
    path: str
    index: int
    hb_font: hb.Font
    upem: int
    ascender: int
    descender: int
    coverage: frozenset[int] = field(repr=False)
    color_bitmaps: bool = False
    serial: int = 0  # small and stable within a process: names the face's glyphs in a PDF

    def covers(self, codepoint: int) -> bool:
        """True when the face has a glyph for `codepoint`."""
        return codepoint in self.coverage


@dataclass(frozen=True)
class FaceChain:
    """The faces tried in order for a family and weight: Latin, scripts, symbols, emoji."""

    latin: Face
    scripts: tuple[Face, ...]
    symbols: tuple[Face, ...]
    emoji: Face | None
    cjk: dict[str, Face]

    def face_for(self, codepoint: int, *, cjk_region: str, emoji: bool) -> Face | None:
        """The first face of the chain that covers `codepoint` (emoji faces first if asked)."""
        if emoji and self.emoji is not None and self.emoji.covers(codepoint):
            return self.emoji
        for face in (self.latin, *self.scripts):
            if face.covers(codepoint):
                return face
        cjk = self.cjk.get(cjk_region)
        if cjk is not None and cjk.covers(codepoint):
            return cjk
        for face in self.symbols:
            if face.covers(codepoint):
                return face
        if self.emoji is not None and self.emoji.covers(codepoint):
            return self.emoji
        return None


def check_fonts() -> list[MissingFont]:
    """Every face a layout may need that is not installed (empty when all are there), and
    FriBidi, without which right-to-left text cannot be ordered."""
    from laurel.design.bidi import bidi_available

    installed = _installed()
    missing = [] if bidi_available() else [MissingFont("GNU FriBidi", "library", "libfribidi0")]
    for family, style in _required():
        if _lookup(installed, family, style) is None:
            package = _DEBIAN_PACKAGE.get(family.removesuffix(" SC"), "fonts-noto-core")
            missing.append(MissingFont(family, style, package))
    return missing


def face_chain(family: str, weight: str = "regular", italic: bool = False) -> FaceChain:
    """The chain of faces for a layout's family and weight; FontError if one is missing."""
    return _chain(family, weight, italic)


@functools.cache
def _chain(family: str, weight: str, italic: bool) -> FaceChain:
    if family not in _LATIN:
        raise FontError(f"unknown font family {family!r}; use one of {', '.join(FAMILIES)}")
    if weight not in WEIGHTS:
        raise FontError(f"unknown weight {weight!r}; use one of {', '.join(WEIGHTS)}")
    bold = weight == "bold"
    style = {(False, False): "Regular", (True, False): "Bold"}.get((bold, italic))
    style = style or ("Bold Italic" if bold else "Italic")
    upright = "Bold" if bold else "Regular"
    design = "serif" if family.startswith("serif") else "sans"
    script_families = [f for f in _SCRIPTS[design] if not f.endswith("CJK")]
    cjk_family = _SCRIPTS[design][-1]
    return FaceChain(
        latin=load_face(_LATIN[family], style),
        scripts=tuple(load_face(f, upright) for f in script_families),
        symbols=tuple(load_face(f, _symbol_style(f, bold)) for f in _SYMBOLS),
        emoji=load_face(EMOJI_FAMILY, "Regular"),
        cjk={region: load_face(f"{cjk_family} {region}", upright) for region in ("SC", "JP", "KR")},
    )


def _symbol_style(family: str, bold: bool) -> str:
    return "Bold" if bold and family == "Noto Sans Symbols" else "Regular"


@functools.cache
def load_face(family: str, style: str) -> Face:
    """The installed face `family` `style`, loaded once per process; FontError if missing."""
    found = _lookup(_installed(), family, style)
    if found is None:
        package = _DEBIAN_PACKAGE.get(
            family[:-3] if family.endswith(("SC", "JP", "KR")) else family
        )
        raise FontError(
            f"the font {family} {style} is not installed "
            f"(apt-get install {package or 'fonts-noto-core'})"
        )
    path, index = found
    blob = hb.Blob.from_file_path(path)
    hb_face = hb.Face(blob, index)
    hb_font = hb.Font(hb_face)
    extents = hb_font.get_font_extents("ltr")
    return Face(
        name=f"{family} {style}",
        path=path,
        index=index,
        hb_font=hb_font,
        upem=hb_face.upem,
        ascender=extents.ascender,
        descender=extents.descender,
        coverage=frozenset(hb_face.unicodes),
        color_bitmaps=hb_face.has_color_png,
        serial=next(_SERIALS),
    )


_SERIALS = itertools.count(1)


def _required() -> list[tuple[str, str]]:
    needed = []
    for latin in _LATIN.values():
        needed += [(latin, s) for s in ("Regular", "Bold", "Italic", "Bold Italic")]
    for design in _SCRIPTS.values():
        for family in design:
            for style in ("Regular", "Bold"):
                if family.endswith("CJK"):
                    needed += [(f"{family} {r}", style) for r in ("SC", "JP", "KR")]
                else:
                    needed.append((family, style))
    needed += [(f, "Regular") for f in _SYMBOLS] + [("Noto Sans Symbols", "Bold")]
    needed.append((EMOJI_FAMILY, "Regular"))
    return needed


@functools.cache
def _installed() -> dict[tuple[str, str], tuple[str, int]]:
    """(family, style) -> (file, face index) of every font fontconfig knows."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return {}
    output = subprocess.run(
        [fc_list, "--format", "%{file}|%{family}|%{style}|%{index}\n"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LC_ALL": "C"},
    ).stdout
    fonts: dict[tuple[str, str], tuple[str, int]] = {}
    for line in sorted(output.splitlines()):
        parts = line.split("|")
        if len(parts) != 4 or not parts[3].isdigit():
            continue
        path, families, styles, index = parts
        for family in families.split(","):
            for style in styles.split(","):
                fonts.setdefault(
                    (family.strip().lower(), style.strip().lower()), (path, int(index))
                )
    return fonts


def _lookup(
    installed: dict[tuple[str, str], tuple[str, int]], family: str, style: str
) -> tuple[str, int] | None:
    return installed.get((family.lower(), style.lower()))


def cjk_region(text: str) -> str:
    """'JP' when the text has kana, 'KR' when it has hangul, else 'SC' (for Han glyph shapes)."""
    for char in text:
        code = ord(char)
        if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF:
            return "JP"
        if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            return "KR"
    return "SC"


def wants_emoji(text: Sequence[str], i: int) -> bool:
    """True when the character at `i` is meant as an emoji (emoji block, or followed by VS16)."""
    code = ord(text[i])
    if code >= 0x1F000 and code not in range(0x1F100, 0x1F1E6):
        return True
    return i + 1 < len(text) and text[i + 1] == "\ufe0f"


def is_common(char: str) -> bool:
    """True for characters of no script of their own: spaces, punctuation, marks, joiners."""
    category = unicodedata.category(char)
    return category[0] in "ZPMS" or category in ("Cf", "Nd")
