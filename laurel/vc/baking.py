"""Baked badges: a credential carried inside its own PNG or SVG image (OB 3.0 §5.3).

PNG: one uncompressed `iTXt` chunk, keyword `openbadgecredential`, holding the JSON, before
IEND. SVG: `xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"` on the root and one
`<openbadges:credential>` right after `<svg ...>`, the JSON inside CDATA.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from xml.parsers import expat

from laurel.vc.errors import VCError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


# ---- PNG ---------------------------------------------------------------------------


def bake_png(png: bytes, credential: dict) -> bytes:
    """Return `png` carrying `credential` in one iTXt chunk (replacing any credential it had)."""
    chunks = [c for c in _png_chunks(png) if not _is_credential_chunk(c)]
    text = json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # iTXt: keyword NUL, compression flag 0, method 0, empty language NUL, empty translated NUL.
    baked = _Chunk(b"iTXt", PNG_KEYWORD + b"\x00\x00\x00\x00\x00" + text)
    iend = len(chunks) - 1  # _png_chunks guarantees IEND is last
    chunks.insert(iend, baked)
    return PNG_SIGNATURE + b"".join(chunk.to_bytes() for chunk in chunks)


def unbake_png(png: bytes) -> dict:
    """The credential baked into `png`; VCError if there is none, two, or the PNG is damaged."""
    found = [c for c in _png_chunks(png) if _is_credential_chunk(c)]
    if not found:
        raise VCError("the PNG carries no baked credential (no 'openbadgecredential' chunk)")
    if len(found) > 1:
        raise VCError(f"the PNG carries {len(found)} credential chunks; exactly one is allowed")
    return _credential_from_text(_itxt_text(found[0]), "the PNG's credential chunk")


class _Chunk:
    __slots__ = ("kind", "data")

    def __init__(self, kind: bytes, data: bytes) -> None:
        self.kind = kind
        self.data = data

    def to_bytes(self) -> bytes:
        crc = zlib.crc32(self.kind + self.data) & 0xFFFFFFFF
        return struct.pack(">I", len(self.data)) + self.kind + self.data + struct.pack(">I", crc)


def _png_chunks(png: bytes) -> list[_Chunk]:
    """Every chunk of a PNG, checked: signature, lengths, CRCs, IEND last."""
    if not isinstance(png, bytes | bytearray) or not png.startswith(PNG_SIGNATURE):
        raise VCError("not a PNG image (bad signature)")
    chunks: list[_Chunk] = []
    pos = len(PNG_SIGNATURE)
    while pos < len(png):
        if pos + 12 > len(png):
            raise VCError("the PNG is truncated (incomplete chunk header)")
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = bytes(png[pos + 4 : pos + 8])
        end = pos + 12 + length
        if end > len(png):
            raise VCError(f"the PNG is truncated (chunk {kind!r} runs past the end)")
        data = bytes(png[pos + 8 : pos + 8 + length])
        (crc,) = struct.unpack(">I", png[end - 4 : end])
        if zlib.crc32(kind + data) & 0xFFFFFFFF != crc:
            raise VCError(f"the PNG is damaged: chunk {kind.decode('latin-1')!r} fails its CRC")
        chunks.append(_Chunk(kind, data))
        pos = end
        if kind == b"IEND":
            break
    if not chunks or chunks[0].kind != b"IHDR" or chunks[-1].kind != b"IEND":
        raise VCError("the PNG is damaged (it must start with IHDR and end with IEND)")
    return chunks


def _is_credential_chunk(chunk: _Chunk) -> bool:
    return (
        chunk.kind in (b"iTXt", b"tEXt", b"zTXt") and chunk.data.split(b"\x00", 1)[0] == PNG_KEYWORD
    )


def _itxt_text(chunk: _Chunk) -> str:
    if chunk.kind != b"iTXt":
        raise VCError("the PNG's credential must be in an iTXt chunk")
    try:
        _keyword, rest = chunk.data.split(b"\x00", 1)
        compressed, _method = rest[0], rest[1]
        _language, rest = rest[2:].split(b"\x00", 1)
        _translated, text = rest.split(b"\x00", 1)
    except (ValueError, IndexError) as exc:
        raise VCError("the PNG's credential chunk is malformed") from exc
    if compressed:
        # Readers must accept what the spec allows, even if we never write it.
        try:
            text = zlib.decompressobj().decompress(text, 16 * 1024 * 1024)
        except zlib.error as exc:
            raise VCError("the PNG's credential chunk has bad compressed data") from exc
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise VCError("the PNG's credential chunk is not UTF-8 text") from exc


# ---- SVG ---------------------------------------------------------------------------

# A start tag, quoting-aware (an attribute value may contain ">").
_START_TAG = re.compile(rb"""<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>""")
_END_TAG = re.compile(rb"</[^>]*>")


def bake_svg(svg: str, credential: dict) -> str:
    """Return `svg` with one `<openbadges:credential>` holding `credential` (JSON in CDATA)."""
    source = _svg_bytes(svg)
    layout = _read_svg(source)
    # Drop any credential already baked in, last first so earlier offsets stay right.
    for found in reversed(layout.credentials):
        source = source[: found.start] + source[found.end :]
    root = _START_TAG.match(source, layout.root_start)
    if root is None:  # expat accepted it, so this cannot happen; refuse rather than guess
        raise VCError("could not locate the <svg> start tag")
    opening = root.group(0)
    self_closing = opening.endswith(b"/>")
    opening = opening[: -2 if self_closing else -1].rstrip()
    if not re.search(rb"\sxmlns:openbadges\s*=", opening):
        opening += f' xmlns:openbadges="{OB_NAMESPACE}"'.encode()
    text = json.dumps(credential, ensure_ascii=False, separators=(",", ":"))
    # "]]>" would end the CDATA early: split it across two CDATA sections.
    cdata = "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    element = f"<openbadges:credential>{cdata}</openbadges:credential>".encode()
    closing = b"</svg>" if self_closing else b""
    baked = source[: root.start()] + opening + b">" + element + closing + source[root.end() :]
    return baked.decode("utf-8")


def unbake_svg(svg: str) -> dict:
    """The credential baked into `svg`; VCError if there is none, two, or only a JWS."""
    layout = _read_svg(_svg_bytes(svg))
    if not layout.credentials:
        raise VCError("the SVG carries no baked credential (no <openbadges:credential>)")
    if len(layout.credentials) > 1:
        count = len(layout.credentials)
        raise VCError(f"the SVG carries {count} credential elements; exactly one is allowed")
    found = layout.credentials[0]
    text = "".join(found.text).strip()
    if not text and found.verify:
        raise VCError(
            "the SVG carries its credential as a compact JWS (verify attribute): not supported, "
            "only Data Integrity credentials are"
        )
    return _credential_from_text(text, "the SVG's credential element")


class _BakedElement:
    __slots__ = ("start", "end", "text", "verify")

    def __init__(self, start: int, verify: str | None) -> None:
        self.start = start
        self.end = start
        self.text: list[str] = []
        self.verify = verify


class _SvgLayout:
    __slots__ = ("root_start", "credentials")

    def __init__(self) -> None:
        self.root_start = -1
        self.credentials: list[_BakedElement] = []


def _svg_bytes(svg: str) -> bytes:
    if not isinstance(svg, str):
        raise VCError("an SVG must be text")
    return svg.encode("utf-8")


def _read_svg(source: bytes) -> _SvgLayout:
    """Parse the SVG with expat, noting where the root and any baked credentials are."""
    parser = expat.ParserCreate(encoding="utf-8", namespace_separator=" ")
    layout = _SvgLayout()
    open_credential: list[_BakedElement] = []

    def refuse_dtd(*_args: object) -> None:
        # No DTDs at all: that rules out external entities and entity-expansion bombs
        # (defusedxml is not available, and nothing in a badge needs a DTD).
        raise VCError("the SVG declares a DOCTYPE or entities, which are refused for safety")

    def start(name: str, attributes: dict[str, str]) -> None:
        if layout.root_start < 0:
            if name not in (f"{SVG_NAMESPACE} svg", "svg"):
                raise VCError("not an SVG image (the root element is not <svg>)")
            layout.root_start = parser.CurrentByteIndex
        elif name == f"{OB_NAMESPACE} credential":
            found = _BakedElement(parser.CurrentByteIndex, attributes.get("verify"))
            layout.credentials.append(found)
            open_credential.append(found)

    def end(name: str) -> None:
        if name == f"{OB_NAMESPACE} credential":
            found = open_credential.pop()
            found.end = _element_end(source, found.start, parser.CurrentByteIndex)

    def characters(data: str) -> None:
        if open_credential:
            open_credential[-1].text.append(data)

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        parser.Parse(source, True)
    except expat.ExpatError as exc:
        raise VCError(
            f"the SVG is not well-formed XML ({expat.errors.messages[exc.code]})"
        ) from exc
    if layout.root_start < 0:
        raise VCError("not an SVG image (no <svg> element)")
    return layout


def _element_end(source: bytes, start: int, end_index: int) -> int:
    """Byte offset just past an element, from expat's positions of its start and end."""
    start_tag = _START_TAG.match(source, start)
    if start_tag is not None and start_tag.group(0).endswith(b"/>"):
        return start_tag.end()  # <x/>: expat reports the end after the tag
    end_tag = _END_TAG.match(source, end_index)
    return end_tag.end() if end_tag else end_index


# ---- shared ------------------------------------------------------------------------


def _credential_from_text(text: str, where: str) -> dict:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise VCError(f"{where} does not hold valid JSON") from exc
    if not isinstance(document, dict):
        raise VCError(f"{where} holds JSON that is not an object")
    return document
