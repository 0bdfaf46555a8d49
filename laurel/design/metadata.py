"""A certificate's metadata: the document information dictionary, its XMP twin, and the
sRGB output intent that, with them, makes the PDF a PDF/A-3b document (ISO 19005-3): an
archival PDF that may carry files, here the signed credential.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from xml.sax.saxutils import escape

from laurel.design.pdfwriter import Builder, stream, text_string

CREATOR = "Laurel"
# Characters XML 1.0 cannot hold (XMP is XML): controls, surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@functools.cache
def srgb_profile() -> bytes:
    """The ICC profile of sRGB (made by littleCMS through Pillow, not shipped)."""
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def add_output_intent(builder: Builder) -> str:
    """Write the sRGB profile into a template; the OutputIntents array that refers to it."""
    icc = builder.add(stream("/N 3", srgb_profile()))
    return (
        "[<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) "
        f"/Info (sRGB IEC61966-2.1) /DestOutputProfile {icc} 0 R >>]"
    )


def info_dictionary(title: str, author: str, subject: str) -> str:
    """The document information dictionary (empty fields left out)."""
    fields = [("Title", title), ("Author", author), ("Subject", subject)]
    entries = [f"/{key} {text_string(value)}" for key, value in fields if value]
    return f"<< {' '.join(entries)} /Creator ({CREATOR}) /Producer ({CREATOR}) >>"


def xmp(title: str, author: str, subject: str, *, pdfa: bool) -> bytes:
    """The XMP metadata packet saying the same as `info_dictionary`, and PDF/A-3b if `pdfa`."""
    parts = ['<rdf:Description rdf:about=""']
    parts.append(
        ' xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">'
    )
    if pdfa:
        parts.append("<pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>")
    parts.append("<dc:format>application/pdf</dc:format>")
    if title:
        parts.append(
            f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{_xml(title)}</rdf:li></rdf:Alt></dc:title>'
        )
    if author:
        parts.append(f"<dc:creator><rdf:Seq><rdf:li>{_xml(author)}</rdf:li></rdf:Seq></dc:creator>")
    if subject:
        parts.append(
            f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{_xml(subject)}</rdf:li></rdf:Alt></dc:description>'
        )
    parts.append(
        f"<xmp:CreatorTool>{CREATOR}</xmp:CreatorTool><pdf:Producer>{CREATOR}</pdf:Producer>"
    )
    parts.append("</rdf:Description>")
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        + "".join(parts)
        + '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )
    return packet.encode("utf-8")


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold (not escaped)."""
    return _NOT_XML.sub("", text)


def _xml(text: str) -> str:
    return escape(xml_text(text))


def pdf_date(day: dt.date) -> str:
    """A date as a PDF date string, midnight UTC."""
    return f"(D:{day:%Y%m%d}000000Z)"
