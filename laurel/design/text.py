"""Text set the way a typesetter would: fonts chosen per character, shaped by HarfBuzz,
bidirectional lines in visual order, wrapped and shrunk to fit a box.

Lengths here are in ems (a fraction of the font size) until `fit_text` scales them to
points, so one shaping serves every size the auto-shrink tries.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import uharfbuzz as hb

from laurel.design.bidi import embedding_levels, visual_order
from laurel.design.fonts import Face, FaceChain, cjk_region, face_chain, is_common, wants_emoji

_NO_TRACKING = ("Arabic", "Devanagari")  # joined or stacked scripts must not be spaced out


@dataclass(frozen=True)
class TextStyle:
    """How a text element is set: family, weight, size in points, spacing."""

    family: str = "serif"
    weight: str = "regular"
    italic: bool = False
    size: float = 12.0
    min_size: float = 6.0
    line_height: float = 1.2
    tracking: float = 0.0  # extra space after each letter, in ems
    wrap: bool = True
    shrink: bool = True
    align: str = "center"  # left, center, right, start, end
    valign: str = "middle"  # top, middle, bottom
    direction: str | None = None  # 'ltr' / 'rtl' forces the paragraph direction


@dataclass(frozen=True)
class Glyph:
    """A shaped glyph: its face, glyph id, and pen position in ems from the line's origin."""

    face: Face
    gid: int
    x: float
    y: float
    advance: float
    char: str  # first character of its cluster (what a missing glyph would have shown)


@dataclass(frozen=True)
class Run:
    """Characters start..end of one font and one bidi level, shaped (glyphs in visual order)."""

    start: int
    end: int
    face: Face
    level: int
    glyphs: tuple[tuple[int, int, float, float, float], ...]  # gid, cluster, adv, dx, dy


@dataclass(frozen=True)
class Paragraph:
    """One paragraph shaped once; lines are cut from it without shaping again."""

    text: str
    base_level: int
    runs: tuple[Run, ...]
    advances: tuple[float, ...]  # per character, ems (0 for the rest of a cluster)
    tracking: float = 0.0


@dataclass(frozen=True)
class Line:
    """One line, in visual order, with the logical text it shows."""

    text: str
    width: float
    glyphs: tuple[Glyph, ...]
    rtl: bool
    visual_text: str  # the characters of each cluster, clusters in visual order


@dataclass(frozen=True)
class TextBlock:
    """Lines set at `size` points, ready to place in a box."""

    size: float
    lines: tuple[Line, ...]
    ascent: float  # ems
    descent: float  # ems
    line_height: float  # ems
    overflow: bool  # True when even min_size does not fit the box


def shape_paragraph(
    text: str,
    family: str,
    weight: str,
    italic: bool,
    tracking: float = 0.0,
    base: str | None = None,
) -> Paragraph:
    """Shape one paragraph (no line breaks in `text`) in the family's chain of fonts."""
    return _shape_paragraph(text, family, weight, italic, tracking, base)


@functools.lru_cache(maxsize=4096)
def _shape_paragraph(
    text: str, family: str, weight: str, italic: bool, tracking: float, base: str | None
) -> Paragraph:
    chain = face_chain(family, weight, italic)
    base_level, levels = embedding_levels(text, base)
    faces = _faces_for(text, chain)
    codepoints = [ord(c) for c in text]
    advances = [0.0] * len(text)
    runs = []
    start = 0
    for i in range(1, len(text) + 1):
        if i < len(text) and faces[i] is faces[start] and levels[i] == levels[start]:
            continue
        run = _shape_run(codepoints, start, i, faces[start], levels[start], tracking, text)
        for _gid, cluster, advance, _dx, _dy in run.glyphs:
            advances[cluster] += advance
        runs.append(run)
        start = i
    return Paragraph(text, base_level, tuple(runs), tuple(advances), tracking)


def _faces_for(text: str, chain: FaceChain) -> list[Face]:
    region = cjk_region(text)
    faces: list[Face | None] = []
    previous: Face | None = None
    for i, char in enumerate(text):
        code = ord(char)
        face = None
        emoji = wants_emoji(text, i)
        if previous is not None and is_common(char) and not emoji:
            if previous.covers(code) or _ignorable(char):
                face = previous
        if face is None:
            face = chain.face_for(code, cjk_region=region, emoji=emoji)
        faces.append(face)
        previous = face or previous
    # Characters before the first letter (a quote, a bracket) take that letter's face.
    first = next((i for i, char in enumerate(text) if not is_common(char)), None)
    if first is not None and (target := faces[first]) is not None:
        for i in range(first):
            if target.covers(ord(text[i])) or _ignorable(text[i]):
                faces[i] = target
    return [face or chain.latin for face in faces]  # nothing covers it: reported as missing


def _ignorable(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.category(char) == "Cf"
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
        or 0xE0020 <= code <= 0xE007F
    )


def _shape_run(
    codepoints: list[int], start: int, end: int, face: Face, level: int, tracking: float, text: str
) -> Run:
    buffer = hb.Buffer()
    buffer.add_codepoints(codepoints, start, end - start)
    buffer.guess_segment_properties()
    buffer.direction = "rtl" if level % 2 else "ltr"
    hb.shape(face.hb_font, buffer, {"kern": True, "liga": True})
    scale = 1.0 / face.upem
    glyphs = []
    for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
        advance = position.x_advance * scale
        if tracking and _tracked(face, text[info.cluster]):
            advance += tracking
        glyphs.append(
            (
                info.codepoint,
                info.cluster,
                advance,
                position.x_offset * scale,
                position.y_offset * scale,
            )
        )
    return Run(start, end, face, level, tuple(glyphs))


def missing_characters(paragraph: Paragraph) -> list[str]:
    """Characters no installed font could draw (they would have been boxes)."""
    missing = []
    for run in paragraph.runs:
        for gid, cluster, *_ in run.glyphs:
            if gid == 0 and not _ignorable(paragraph.text[cluster]):
                missing.append(paragraph.text[cluster])
    return missing


def break_lines(paragraph: Paragraph, max_width: float | None) -> list[tuple[int, int]]:
    """Character ranges of the lines of `paragraph` in `max_width` ems (None: one line)."""
    text = paragraph.text
    if max_width is None or not text:
        return [(0, len(text))]
    lines = []
    start = 0
    width = 0.0
    last_break = -1
    for i, char in enumerate(text):
        width += paragraph.advances[i]
        if char == " ":
            last_break = i
        elif i > start and _breakable_between(text[i - 1], char):
            last_break = i - 1 if text[i - 1] == " " else i
        if width > max_width and last_break > start:
            cut = last_break
            end = cut if text[cut] == " " else cut
            lines.append((start, end))
            start = cut + 1 if text[cut] == " " else cut
            width = sum(paragraph.advances[start : i + 1])
            last_break = -1
    lines.append((start, len(text)))
    return [(a, _rstrip(text, a, b)) for a, b in lines]


def balanced_lines(paragraph: Paragraph, max_width: float) -> list[tuple[int, int]]:
    """Like `break_lines`, but lines of even length: the narrowest width that still needs
    no more lines (so a paragraph never ends on a lonely word)."""
    lines = break_lines(paragraph, max_width)
    if len(lines) < 2:
        return lines
    low, high = max_width / 2, max_width
    for _ in range(12):
        middle = (low + high) / 2
        if len(break_lines(paragraph, middle)) > len(lines):
            low = middle
        else:
            high = middle
    return break_lines(paragraph, high)


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] == " ":
        end -= 1
    return end


def _breakable_between(before: str, after: str) -> bool:
    return _ideographic(before) or _ideographic(after)


def _ideographic(char: str) -> bool:
    code = ord(char)
    return 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF


def build_line(paragraph: Paragraph, start: int, end: int) -> Line:
    """The glyphs of characters start..end of `paragraph`, in visual order from x = 0."""
    pieces = []
    for run in paragraph.runs:
        if run.end <= start or run.start >= end:
            continue
        glyphs = [g for g in run.glyphs if start <= g[1] < end]
        pieces.append((run, glyphs))
    order = visual_order([run.level for run, _ in pieces])
    placed = []
    visual = []
    x = 0.0
    text = paragraph.text
    for index in order:
        run, glyphs = pieces[index]
        bounds = sorted({g[1] for g in glyphs} | {min(run.end, end)})
        following = dict(zip(bounds, bounds[1:], strict=False))
        previous = -1
        for gid, cluster, advance, dx, dy in glyphs:
            placed.append(Glyph(run.face, gid, x + dx, dy, advance, text[cluster]))
            x += advance
            if cluster != previous:
                visual.append(text[cluster : following[cluster]])
                previous = cluster
    if paragraph.tracking and placed and _tracked(placed[-1].face, placed[-1].char):
        x -= paragraph.tracking  # letter spacing goes between letters, not after the last
    return Line(text[start:end], x, tuple(placed), paragraph.base_level % 2 == 1, "".join(visual))


def _tracked(face: Face, char: str) -> bool:
    return not char.isspace() and not any(s in face.name for s in _NO_TRACKING)


def _wrap(paragraph: Paragraph, width: float, style: TextStyle) -> list[tuple[int, int]]:
    # Centred text reads best in even lines; left or right aligned text fills its measure.
    if style.align == "center":
        return balanced_lines(paragraph, width)
    return break_lines(paragraph, width)


def fit_text(text: str, style: TextStyle, width: float, height: float) -> TextBlock:
    """Set `text` in a box of width x height points: wrapped, and shrunk if it must."""
    return _fit_text(text, style, round(width, 3), round(height, 3))


@functools.lru_cache(maxsize=2048)
def _fit_text(text: str, style: TextStyle, width: float, height: float) -> TextBlock:
    paragraphs = [
        shape_paragraph(
            p, style.family, style.weight, style.italic, style.tracking, style.direction
        )
        for p in text.split("\n")
    ]
    latin = face_chain(style.family, style.weight, style.italic).latin
    ascent, descent = latin.ascender / latin.upem, -latin.descender / latin.upem
    size = style.size
    while True:
        ranges = [
            (p, _wrap(p, width / size, style) if style.wrap else break_lines(p, None))
            for p in paragraphs
        ]
        count = sum(len(r) for _p, r in ranges)
        widest = max((sum(p.advances[a:b]) for p, r in ranges for a, b in r), default=0.0)
        tall = ((count - 1) * style.line_height + ascent + descent) * size
        fits = widest * size <= width + 0.01 and tall <= height + 0.01
        if fits or not style.shrink or size <= style.min_size:
            break
        smaller = size * 0.96
        if not style.wrap and widest * size > width:
            smaller = min(smaller, width / widest)  # one line: its width says the size
        size = max(style.min_size, smaller)
    lines = tuple(build_line(p, a, b) for p, r in ranges for a, b in r)
    return TextBlock(size, lines, ascent, descent, style.line_height, not fits)
