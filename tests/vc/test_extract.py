import io
import json

import pypdf
import pytest
from PIL import Image

from laurel.vc.baking import bake_png, bake_svg
from laurel.vc.errors import VCError
from laurel.vc.extract import MAX_DOCUMENT_BYTES, extract_credential

CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "id": "urn:uuid:2f1c",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:web:laurel.example:issuers:demo"},
}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2, 2)).save(out, format="PNG")
    return out.getvalue()


def _pdf(attachments: dict[str, bytes]) -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    for name, content in attachments.items():
        writer.add_attachment(name, content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_json_credential_is_read():
    assert extract_credential(json.dumps(CREDENTIAL).encode()) == CREDENTIAL


def test_a_json_credential_with_a_byte_order_mark_is_read():
    assert extract_credential(b"\xef\xbb\xbf  " + json.dumps(CREDENTIAL).encode()) == CREDENTIAL


def test_a_baked_png_is_read():
    assert extract_credential(bake_png(_png(), CREDENTIAL)) == CREDENTIAL


def test_a_baked_svg_is_read():
    svg = bake_svg('<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>', CREDENTIAL)
    assert extract_credential(svg.encode()) == CREDENTIAL


def test_a_pdf_with_the_credential_attached_is_read():
    pdf = _pdf({"readme.txt": b"hello", "credential.json": json.dumps(CREDENTIAL).encode()})
    assert extract_credential(pdf) == CREDENTIAL


def test_a_pdf_attachment_with_any_name_is_read_when_it_holds_a_credential():
    assert extract_credential(_pdf({"badge": json.dumps(CREDENTIAL).encode()})) == CREDENTIAL


def test_a_pdf_with_no_credential_is_refused():
    with pytest.raises(VCError, match="PDF carries no credential"):
        extract_credential(_pdf({"notes.json": b'{"hello": "world"}'}))


def test_a_pdf_with_two_different_credentials_is_refused():
    other = {**CREDENTIAL, "id": "urn:uuid:other"}
    pdf = _pdf({"a.json": json.dumps(CREDENTIAL).encode(), "b.json": json.dumps(other).encode()})
    with pytest.raises(VCError, match="2 different credentials"):
        extract_credential(pdf)


def test_a_damaged_pdf_is_refused_in_one_line():
    with pytest.raises(VCError, match="PDF could not be read") as caught:
        extract_credential(b"%PDF-1.7\n garbage without structure")
    assert "\n" not in str(caught.value)


def test_malformed_json_names_the_line_and_column():
    with pytest.raises(VCError, match=r"malformed JSON: .* line 2, column \d+"):
        extract_credential(b'{"type":\n ["VerifiableCredential",,]}')


@pytest.mark.parametrize(
    "text, reason",
    [
        (b"[1, 2]", "the JSON is a list, not a credential object"),
        (b'{"@context": [], "issuer": "did:x:y"}', "'type' is missing"),
        (b'{"@context": [], "type": 5, "issuer": "did:x:y"}', "'type' must be a string"),
        (
            b'{"@context": [], "type": ["Thing"], "issuer": "did:x:y"}',
            "does not include VerifiableCredential",
        ),
        (b'{"type": ["VerifiableCredential"], "issuer": "did:x:y"}', "'@context' is missing"),
        (b'{"@context": [], "type": "VerifiableCredential"}', "'issuer'"),
        (b'{"@context": [], "type": "VerifiableCredential", "issuer": {"name": "x"}}', "'issuer'"),
    ],
)
def test_json_that_is_not_a_credential_is_refused_with_the_reason(text, reason):
    with pytest.raises(VCError, match=reason.replace("(", r"\(").replace("'", "'")):
        extract_credential(text)


def test_deeply_nested_json_is_refused():
    with pytest.raises(VCError, match="nested"):
        extract_credential(b'{"a":' * 100_000 + b"1" + b"}" * 100_000)


def test_a_document_over_the_size_limit_is_refused_before_parsing():
    huge = b'{"x": "' + b"a" * MAX_DOCUMENT_BYTES + b'"}'
    with pytest.raises(VCError, match="too large .* the limit is 10 MB"):
        extract_credential(huge)


def test_bytes_of_no_known_format_are_refused_naming_the_file():
    with pytest.raises(VCError, match="photo.jpg is not a credential file"):
        extract_credential(b"\xff\xd8\xff\xe0 jpeg", filename="photo.jpg")


def test_text_that_is_not_utf8_is_refused():
    with pytest.raises(VCError, match="not UTF-8"):
        extract_credential(b'{"name": "\xff"}')


@pytest.mark.parametrize(
    "value, reason",
    [
        (b"9" * 5000, "malformed JSON: Exceeds the limit"),
        (b"NaN", "malformed JSON: NaN is not a JSON value"),
        (b"-Infinity", "malformed JSON: -Infinity is not a JSON value"),
    ],
    ids=["5000-digit integer", "NaN", "-Infinity"],
)
def test_numbers_json_does_not_allow_are_malformed_json(value, reason):
    text = json.dumps(CREDENTIAL)[:-1].encode() + b', "x": ' + value + b"}"
    with pytest.raises(VCError, match=reason):
        extract_credential(text)


def test_a_pdf_attachment_with_a_5000_digit_number_is_no_credential():
    text = json.dumps(CREDENTIAL)[:-1].encode() + b', "x": ' + b"9" * 5000 + b"}"
    with pytest.raises(VCError, match="the PDF carries no credential"):
        extract_credential(_pdf({"credential.json": text}))
