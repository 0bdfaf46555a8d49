"""What a certificate PDF carries: the values exactly as given, the signed credential as
an attachment, metadata, a QR code of the verification URL."""

import datetime as dt
import io
import json

import pypdf
import pytest
import segno
from PIL import Image

from laurel.design import (
    DateFormat,
    Values,
    parse_layout,
    prepare,
    render_pdf,
    render_pdf_with_report,
    render_png,
)
from laurel.design.compose import qr_matrix
from laurel.design.variables import fill

from .helpers import pdfium_lines, prepared_starter, pypdf_text, values


@pytest.fixture(scope="module")
def prepared():
    return prepared_starter("certificate-classic")


@pytest.mark.parametrize(
    "name", ["<b>x</b>", "%(x)s", "{{x}}", "{code}", "{recipient_name}", "&amp; \\n ( ) \\\\"]
)
def test_a_name_that_looks_like_markup_prints_as_itself(prepared, name):
    pdf = render_pdf(prepared, values(recipient_name=name, code="SECRET"))
    assert name in pdfium_lines(pdf)
    assert name in pypdf_text(pdf).splitlines()
    assert "SECRET" not in pypdf_text(pdf)


def test_values_are_never_read_as_templates():
    text = fill(
        "{recipient_name} / {{recipient_name}}",
        Values(recipient_name="{code}", code="X"),
        DateFormat(),
    )
    assert text == "{code} / {recipient_name}"


def test_dates_in_the_layouts_format_and_language():
    day = dt.date(2026, 3, 14)
    cases = {
        ("long", "en"): "March 14, 2026",
        ("long", "fr"): "14 mars 2026",
        ("long", "de"): "14. März 2026",
        ("short", "en_GB"): "14/03/2026",
        ("iso", "en"): "2026-03-14",
        ("d MMMM y", "es"): "14 marzo 2026",
    }
    for (fmt, language), expected in cases.items():
        assert fill("{issued_on}", Values(issued_on=day), DateFormat(fmt, language)) == expected


def test_custom_fields_and_empty_values():
    v = Values(custom={"grade": "A+"}, valid_until=None)
    assert fill("{custom_grade}|{valid_until}|{custom_missing}", v, DateFormat()) == "A+||"


def test_an_element_shown_only_if_its_variable_has_a_value():
    document = {
        "version": 1, "kind": "certificate", "page": {"size": "A4"},
        "elements": [
            {"type": "text", "x": 10, "y": 10, "width": 150, "height": 10, "text": "Valid until {valid_until}", "only_if": "valid_until"},
        ],
    }  # fmt: skip
    prepared = prepare(parse_layout(document))
    assert "Valid until" not in pypdf_text(render_pdf(prepared, Values()))
    shown = render_pdf(prepared, Values(valid_until=dt.date(2030, 1, 2)))
    assert "Valid until January 2, 2030" in pypdf_text(shown)


def test_signed_credential_is_attached_as_credential_json(prepared):
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "name": "Zoë",
    }
    pdf = render_pdf(prepared, values(), credential=credential)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert list(reader.attachments) == ["credential.json"]
    assert json.loads(reader.attachments["credential.json"][0]) == credential
    assert "/AF" in reader.trailer["/Root"]


def test_metadata_title_and_author_is_the_issuer(prepared):
    pdf = render_pdf(prepared, values(recipient_name="Łucja Dvořák", issuer_name="Acme Academy"))
    metadata = pypdf.PdfReader(io.BytesIO(pdf)).metadata
    assert metadata.title == "Advanced Data Visualisation – Łucja Dvořák"
    assert metadata.author == "Acme Academy"


def test_the_qr_code_encodes_the_verification_url():
    url = "https://credentials.example.org/credential/AbCdEfGhIjKlMnOpQrStUvWxYz012345"
    document = {
        "version": 1, "kind": "certificate",
        "page": {"size": "custom", "width": 50, "height": 50},
        "background": {"type": "colour", "colour": "#FFFFFF"},
        "elements": [{"type": "qr", "x": 0, "y": 0, "size": 50}],
    }  # fmt: skip
    png = render_png(prepare(parse_layout(document)), Values(verification_url=url), dpi=300)
    image = Image.open(io.BytesIO(png)).convert("L")
    matrix = qr_matrix(url)
    count = len(matrix) + 4
    module = image.width / count
    for row, modules in enumerate(matrix):
        for column, dark in enumerate(modules):
            x = int((column + 2.5) * module)
            y = int((row + 2.5) * module)
            assert (image.getpixel((x, y)) < 128) == bool(dark), (row, column)
    # The same symbol segno makes for that URL with the same settings.
    assert matrix == segno.make(url, error="m", mask=0, micro=False, boost_error=False).matrix


def test_render_is_repeatable_byte_for_byte(prepared):
    assert render_pdf(prepared, values()) == render_pdf(prepared, values())


def test_long_names_shrink_to_their_box(prepared):
    long_name = "Maria Aparecida dos Santos Vasconcelos de Albuquerque e Silva"
    _pdf, report = render_pdf_with_report(prepared, values(recipient_name=long_name))
    assert report.ok
    from laurel.design.compose import compose

    items, _ = compose(prepared.layout, values(recipient_name=long_name), prepared.sizes)
    sizes = [
        i.size for i in items if hasattr(i, "lines") and i.lines and i.lines[0][0] == long_name
    ]
    assert sizes and sizes[0] < 48


def test_pdfa_3b_metadata_and_output_intent(prepared):
    pdf = render_pdf(prepared, values(issuer_name="Acme & <Sons>"), credential={"a": 1})
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    xmp = reader.xmp_metadata
    assert xmp.pdfaid_part == "3" and xmp.pdfaid_conformance == "B"
    assert xmp.dc_creator == ["Acme & <Sons>"]
    assert xmp.dc_title["x-default"] == reader.metadata.title
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    assert intent["/DestOutputProfile"].get_object().get_data()[36:40] == b"acsp"
    filespec = root["/AF"][0].get_object()
    assert filespec["/AFRelationship"] == "/Data"
    assert filespec["/EF"]["/F"].get_object()["/Subtype"] == "/application/json"


def test_a_design_drawing_an_uploaded_pdf_does_not_claim_pdfa():
    from .test_backgrounds_and_images import layout_with
    from .test_backgrounds_and_images import pdf as background_pdf

    prepared = prepare(layout_with(background_asset="bg.pdf"), {"bg.pdf": background_pdf()})
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(prepared, values())))
    assert reader.xmp_metadata.pdfaid_part is None
