import io
import json
import struct
import zlib

import pytest
from PIL import Image

from laurel.vc.baking import bake_png, bake_svg, unbake_png, unbake_svg
from laurel.vc.errors import VCError

CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "name": 'Ünïcødé ]]> badge <b>&amp; "quoted" 🎓',
    "issuer": {"id": "did:web:laurel.example:issuers:demo"},
}
SVG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" data-note="a>b">'
    '<circle r="4"/></svg>'
)


@pytest.fixture
def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    found, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        found.append((data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return found


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return struct.pack(">I", len(body)) + kind + body + crc


def test_a_baked_png_gives_back_the_same_credential(png):
    assert unbake_png(bake_png(png, CREDENTIAL)) == CREDENTIAL


def test_a_baked_png_has_one_uncompressed_itxt_chunk_before_iend(png):
    baked = bake_png(png, CREDENTIAL)
    kinds = [kind for kind, _ in _chunks(baked)]
    assert kinds[-2:] == [b"iTXt", b"IEND"]
    body = _chunks(baked)[-2][1]
    assert body.startswith(b"openbadgecredential\x00\x00\x00\x00\x00")
    assert json.loads(body[len(b"openbadgecredential") + 5 :]) == CREDENTIAL


def test_a_baked_png_is_still_an_image_pillow_can_open(png):
    image = Image.open(io.BytesIO(bake_png(png, CREDENTIAL)))
    image.load()
    assert image.size == (4, 4)


def test_baking_a_png_twice_replaces_the_first_credential(png):
    second = {**CREDENTIAL, "name": "second"}
    baked = bake_png(bake_png(png, CREDENTIAL), second)
    assert [kind for kind, _ in _chunks(baked)].count(b"iTXt") == 1
    assert unbake_png(baked)["name"] == "second"


def test_a_png_with_two_credential_chunks_is_refused(png):
    baked = bake_png(png, CREDENTIAL)
    chunk = _chunk(b"iTXt", b"openbadgecredential\x00\x00\x00\x00\x00{}")
    doubled = baked[:-12] + chunk + baked[-12:]
    with pytest.raises(VCError, match="2 credential chunks"):
        unbake_png(doubled)


def test_a_png_with_a_corrupt_chunk_crc_is_refused(png):
    baked = bytearray(bake_png(png, CREDENTIAL))
    baked[-40] ^= 0xFF  # inside the credential chunk's text
    with pytest.raises(VCError, match="fails its CRC"):
        unbake_png(bytes(baked))


def test_a_truncated_png_is_refused(png):
    with pytest.raises(VCError, match="truncated"):
        unbake_png(bake_png(png, CREDENTIAL)[:-30])


def test_bytes_that_are_not_a_png_are_refused():
    with pytest.raises(VCError, match="not a PNG"):
        unbake_png(b"GIF89a....")


def test_a_png_without_a_credential_says_so(png):
    with pytest.raises(VCError, match="no baked credential"):
        unbake_png(png)


def test_a_compressed_itxt_credential_is_read_too(png):
    text = zlib.compress(json.dumps(CREDENTIAL).encode())
    chunk = _chunk(b"iTXt", b"openbadgecredential\x00\x01\x00\x00\x00" + text)
    assert unbake_png(png[:-12] + chunk + png[-12:]) == CREDENTIAL


def test_a_png_credential_chunk_with_invalid_json_is_refused(png):
    chunk = _chunk(b"iTXt", b"openbadgecredential\x00\x00\x00\x00\x00{not json")
    with pytest.raises(VCError, match="does not hold valid JSON"):
        unbake_png(png[:-12] + chunk + png[-12:])


def test_a_baked_svg_gives_back_the_same_credential():
    assert unbake_svg(bake_svg(SVG, CREDENTIAL)) == CREDENTIAL


def test_a_baked_svg_declares_the_namespace_and_puts_the_credential_first():
    baked = bake_svg(SVG, CREDENTIAL)
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in baked
    opening = 'data-note="a>b" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
    assert opening + "<openbadges:credential><![CDATA[" in baked
    assert baked.endswith('<circle r="4"/></svg>')


def test_cdata_end_markers_in_the_credential_are_escaped():
    baked = bake_svg(SVG, CREDENTIAL)
    assert "]]]]><![CDATA[>" in baked
    assert unbake_svg(baked)["name"] == CREDENTIAL["name"]


def test_baking_an_svg_twice_keeps_one_credential():
    second = {**CREDENTIAL, "name": "second"}
    baked = bake_svg(bake_svg(SVG, CREDENTIAL), second)
    assert baked.count("<openbadges:credential>") == 1
    assert baked.count("xmlns:openbadges") == 1
    assert unbake_svg(baked)["name"] == "second"


def test_an_empty_self_closing_svg_can_be_baked():
    baked = bake_svg('<svg xmlns="http://www.w3.org/2000/svg"/>', CREDENTIAL)
    assert unbake_svg(baked) == CREDENTIAL


def test_an_svg_with_two_credentials_is_refused():
    baked = bake_svg(SVG, CREDENTIAL)
    doubled = baked.replace("</svg>", "<openbadges:credential>{}</openbadges:credential></svg>")
    with pytest.raises(VCError, match="2 credential elements"):
        unbake_svg(doubled)


def test_an_svg_with_only_a_jws_in_the_verify_attribute_is_not_supported():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        '<openbadges:credential verify="eyJhbGciOiJSUzI1NiJ9.e30.c2ln"/></svg>'
    )
    with pytest.raises(VCError, match="compact JWS.*not supported"):
        unbake_svg(svg)


def test_an_svg_with_a_doctype_is_refused_before_any_entity_is_expanded():
    svg = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>'
    )
    with pytest.raises(VCError, match="DOCTYPE"):
        unbake_svg(svg)
    with pytest.raises(VCError, match="DOCTYPE"):
        bake_svg(svg, CREDENTIAL)


def test_an_svg_with_an_external_entity_is_refused():
    svg = (
        '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
    )
    with pytest.raises(VCError, match="DOCTYPE"):
        unbake_svg(svg)


def test_the_word_doctype_inside_the_credential_is_just_text():
    credential = {**CREDENTIAL, "name": "<!DOCTYPE html> <!ENTITY x>"}
    assert unbake_svg(bake_svg(SVG, credential)) == credential


def test_xml_that_is_not_an_svg_is_refused():
    with pytest.raises(VCError, match="not an SVG"):
        bake_svg("<html><body/></html>", CREDENTIAL)


def test_malformed_xml_is_refused():
    with pytest.raises(VCError, match="not well-formed"):
        unbake_svg('<svg xmlns="http://www.w3.org/2000/svg"><g></svg>')


def test_an_svg_without_a_credential_says_so():
    with pytest.raises(VCError, match="no baked credential"):
        unbake_svg(SVG)
