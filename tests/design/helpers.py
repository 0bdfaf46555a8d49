"""What the design tests share: reading a rendered PDF back the way a viewer would."""

from __future__ import annotations

import io

import pypdf
import pypdfium2 as pdfium

from laurel.design import Values, parse_layout, prepare, sample_values, starter


def prepared_starter(name: str = "certificate-classic"):
    return prepare(parse_layout(starter(name)))


def values(**changes) -> Values:
    base = sample_values()
    return Values(**{**base.__dict__, **changes})


def pdfium_lines(pdf: bytes) -> list[str]:
    """The text PDFium extracts (what a viewer's search and copy see), line by line."""
    document = pdfium.PdfDocument(pdf)
    try:
        text_page = document[0].get_textpage()
        text = text_page.get_text_range()
        text_page.close()
    finally:
        document.close()
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n")]


def pypdf_text(pdf: bytes) -> str:
    return pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def pdf_fonts(pdf: bytes) -> set[str]:
    """BaseFont names of every font resource of the first page."""
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = page["/Resources"].get("/Font", {})
    return {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
