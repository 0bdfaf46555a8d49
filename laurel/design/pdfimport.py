"""Bringing a page of an uploaded PDF into a certificate as a Form XObject.

The page's resources are copied object by object (renumbered into the template), so the
background keeps its vector art and fonts, and is written once per layout, not per
certificate.
"""

from __future__ import annotations

import io
import logging

import pypdf
from pypdf import generic

from laurel.design.pdfwriter import Builder, number, stream


class PdfImportError(Exception):
    """The uploaded PDF cannot be used as a background or image."""


def import_page(builder: Builder, data: bytes) -> tuple[int, float, float]:
    """(Form XObject number, width, height in points) of the first page of `data`."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise PdfImportError("the PDF is encrypted; export it again without a password")
        page = reader.pages[0]
        box = page.mediabox
        left, bottom = float(box.left), float(box.bottom)
        width, height = float(box.width), float(box.height)
        contents = page.get_contents()
        content = contents.get_data() if contents is not None else b""
        resources = page.get("/Resources")
        copier = _Copier(builder)
        resources_text = copier.value(resources) if resources is not None else "<< >>"
    except PdfImportError:
        raise
    except Exception as exc:  # a third-party parser on an upload fails many ways
        raise PdfImportError(f"the PDF could not be read ({type(exc).__name__})") from exc
    bbox = " ".join(number(v) for v in (left, bottom, left + width, bottom + height))
    form = stream(
        f"/Type /XObject /Subtype /Form /BBox [{bbox}] "
        f"/Matrix [1 0 0 1 {number(-left)} {number(-bottom)}] /Resources {resources_text}",
        content,
    )
    return builder.add(form), width, height


class _Copier:
    def __init__(self, builder: Builder) -> None:
        self.builder = builder
        self.numbers: dict[tuple[int, int], int] = {}

    def value(self, obj: object) -> str:
        if isinstance(obj, generic.IndirectObject):
            key = (obj.idnum, obj.generation)
            if key not in self.numbers:
                self.numbers[key] = self.builder.reserve()
                self.builder.put(self.numbers[key], self.body(obj.get_object()))
            return f"{self.numbers[key]} 0 R"
        if isinstance(obj, generic.StreamObject):
            # A direct stream cannot be; make it an object of its own.
            return f"{self.builder.add(self.body(obj))} 0 R"
        if isinstance(obj, generic.DictionaryObject):
            items = " ".join(f"{self.value(k)} {self.value(v)}" for k, v in obj.items())
            return f"<< {items} >>"
        if isinstance(obj, generic.ArrayObject):
            return "[" + " ".join(self.value(v) for v in obj) + "]"
        if obj is None or isinstance(obj, generic.NullObject):
            return "null"
        out = io.BytesIO()
        obj.write_to_stream(out)  # type: ignore[attr-defined]
        return out.getvalue().decode("latin-1")

    def body(self, obj: object) -> bytes:
        if isinstance(obj, generic.StreamObject):
            items = " ".join(
                f"{self.value(k)} {self.value(v)}" for k, v in obj.items() if k != "/Length"
            )
            raw = obj._data if "/Filter" in obj else obj.get_data()  # noqa: SLF001
            return stream(items, raw, compress=False)
        return self.value(obj).encode("latin-1")
