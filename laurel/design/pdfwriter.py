"""A small PDF writer: just the objects a certificate needs, written straight to bytes.

A layout's unchanging parts (background, images, the text-layer font) are written once
into a `Template` whose objects keep their numbers and offsets; each certificate then
only appends its own objects (page, content, glyphs, attachment) and the cross-reference
table. That is what makes rendering a certificate a matter of milliseconds.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


def name(value: str) -> str:
    """A PDF name object: /value, with delimiters and non-ASCII bytes escaped."""
    out = []
    for byte in value.encode("utf-8"):
        char = chr(byte)
        if 0x21 <= byte <= 0x7E and char not in "#()<>[]{}/%":
            out.append(char)
        else:
            out.append(f"#{byte:02X}")
    return "/" + "".join(out)


def text_string(value: str) -> str:
    """A PDF text string: UTF-16BE with a byte order mark, hex-encoded (always safe)."""
    return "<FEFF" + value.encode("utf-16-be").hex().upper() + ">"


def literal(value: bytes) -> str:
    """A PDF byte string in hex."""
    return "<" + value.hex().upper() + ">"


def number(value: float) -> str:
    """A PDF number with at most three decimals."""
    if value.__class__ is int:
        return str(value)
    text = f"{value:.3f}".rstrip("0")
    return text[:-1] if text.endswith(".") else text


def stream(dictionary: str, data: bytes, *, compress: bool = True, level: int = 6) -> bytes:
    """The body of a stream object; `dictionary` is the inside of << >> without /Length."""
    if compress:
        data = zlib.compress(data, level)
        dictionary += " /Filter /FlateDecode"
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (dictionary.encode(), len(data), data)


class Builder:
    """Numbered objects in writing order; `reserve` gives a number to fill in later."""

    def __init__(self, first: int = 1) -> None:
        self.first = first
        self.bodies: list[bytes | None] = []

    def reserve(self) -> int:
        """A new object number whose body `put` gives later."""
        self.bodies.append(None)
        return self.first + len(self.bodies) - 1

    def add(self, body: bytes | str) -> int:
        """A new object with this body; its number."""
        number_ = self.reserve()
        self.put(number_, body)
        return number_

    def put(self, number_: int, body: bytes | str) -> None:
        """Give reserved object `number_` its body."""
        self.bodies[number_ - self.first] = body.encode() if isinstance(body, str) else body

    @property
    def next_number(self) -> int:
        """The number the next object will get."""
        return self.first + len(self.bodies)

    def serialize(self, start_offset: int) -> tuple[bytes, list[int]]:
        """The objects as bytes and the offset of each, counted from `start_offset`."""
        chunks = []
        offsets = []
        position = start_offset
        for i, body in enumerate(self.bodies):
            if body is None:
                raise ValueError(f"object {self.first + i} was reserved but never written")
            chunk = b"%d 0 obj\n%s\nendobj\n" % (self.first + i, body)
            offsets.append(position)
            position += len(chunk)
            chunks.append(chunk)
        return b"".join(chunks), offsets


@dataclass(frozen=True)
class Template:
    """Objects written once (numbered 1..n): their bytes after the header and their offsets."""

    data: bytes
    offsets: tuple[int, ...]

    @classmethod
    def build(cls, builder: Builder) -> Template:
        """Freeze a builder that started at object 1."""
        data, offsets = builder.serialize(len(HEADER))
        return cls(HEADER + data, tuple(offsets))

    @property
    def next_number(self) -> int:
        """The first object number a document may use after the template's."""
        return len(self.offsets) + 1


def finish(template: Template, builder: Builder, *, root: int, info: int | None) -> bytes:
    """The whole file: template, the document's objects, cross-reference table, trailer."""
    data, offsets = builder.serialize(len(template.data))
    all_offsets: Iterable[int] = (*template.offsets, *offsets)
    count = template.next_number + len(offsets)
    xref = [b"xref\n0 %d\n0000000000 65535 f \n" % count]
    xref.extend(b"%010d 00000 n \n" % offset for offset in all_offsets)
    identifier = hashlib.md5(data, usedforsecurity=False).hexdigest().upper()
    trailer = f"trailer\n<< /Size {count} /Root {root} 0 R"
    if info is not None:
        trailer += f" /Info {info} 0 R"
    trailer += f" /ID [<{identifier}> <{identifier}>] >>\n"
    start = len(template.data) + len(data)
    tail = trailer.encode() + b"startxref\n%d\n%%%%EOF\n" % start
    return b"".join((template.data, data, *xref, tail))
