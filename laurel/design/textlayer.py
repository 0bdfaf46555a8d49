"""The invisible text of a certificate PDF, so its words can be searched, selected and
copied although the visible glyphs are drawn as outlines.

It is the technique OCR tools (Tesseract, OCRmyPDF) use: the text of each line, in
logical order, in a font with one empty glyph, in rendering mode 3 (invisible), stretched
over the line it reads. Each document maps the characters it uses to its own codes, so
any character (an emoji, a CJK ideograph) extracts as itself.
"""

from __future__ import annotations

import functools
import io

from laurel.design.pdfwriter import Builder, name, stream

FONT_NAME = "LaurelTextLayer"
ADVANCE = 500  # thousandths of an em, every character


@functools.cache
def glyphless_font() -> bytes:
    """A TrueType font whose one glyph (after .notdef) is empty and 500 units wide (built
    here, never shipped); every code of the text layer maps to that glyph, not to .notdef,
    which PDF/A forbids showing."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "blank"])
    builder.setupCharacterMap({})
    empty = TTGlyphPen(None).glyph()
    builder.setupGlyf({".notdef": empty, "blank": TTGlyphPen(None).glyph()})
    builder.setupHorizontalMetrics({".notdef": (ADVANCE, 0), "blank": (ADVANCE, 0)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": FONT_NAME, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()


def add_descendant_font(builder: Builder) -> int:
    """Write the CIDFont (and its embedded file) into a template; the CIDFont's number."""
    data = glyphless_font()
    file_number = builder.add(stream(f"/Length1 {len(data)}", data))
    descriptor = builder.add(
        f"<< /Type /FontDescriptor /FontName {name(FONT_NAME)} /Flags 4 "
        f"/FontBBox [0 -200 {ADVANCE} 800] /ItalicAngle 0 /Ascent 800 /Descent -200 "
        f"/CapHeight 700 /StemV 80 /FontFile2 {file_number} 0 R >>"
    )
    to_blank = builder.add(stream("", b"\x00\x01" * 65536, level=9))  # every CID -> glyph 1
    return builder.add(
        f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont {name(FONT_NAME)} "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        f"/FontDescriptor {descriptor} 0 R /DW {ADVANCE} /CIDToGIDMap {to_blank} 0 R >>"
    )


class CodeMap:
    """The codes of one document: each distinct character gets the next two-byte code."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def encode(self, text: str) -> str:
        """`text` as a hex string of codes for a Tj operator."""
        out = []
        for char in text:
            code = self.codes.get(char)
            if code is None:
                code = self.codes[char] = len(self.codes) + 1
            out.append(f"{code:04X}")
        return "<" + "".join(out) + ">"

    def to_unicode(self) -> bytes:
        """The ToUnicode CMap stream body mapping every code back to its character."""
        lines = [
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Laurel-UCS def /CMapType 2 def",
            "1 begincodespacerange <0000> <FFFF> endcodespacerange",
        ]
        items = list(self.codes.items())
        for start in range(0, len(items), 100):
            chunk = items[start : start + 100]
            lines.append(f"{len(chunk)} beginbfchar")
            lines += [f"<{code:04X}> <{char.encode('utf-16-be').hex()}>" for char, code in chunk]
            lines.append("endbfchar")
        lines.append("endcmap CMapName currentdict /CMap defineresource pop end end")
        return stream("", "\n".join(lines).encode())
