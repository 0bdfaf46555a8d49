"""Every name of the international sample prints in a font that has its glyphs, shaped,
in the right order, and reads back from the PDF as itself."""

import pytest

from laurel.design import render_pdf_with_report
from laurel.design.text import shape_paragraph

from .helpers import pdf_fonts, pdfium_lines, prepared_starter, pypdf_text, values
from .names import international_names

EXPECTED_FACE = {
    "latin": "Noto Serif Display",
    "vietnamese": "Noto Serif Display",
    "turkish": "Noto Serif Display",
    "greek": "Noto Serif Display",
    "cyrillic": "Noto Serif Display",
    "arabic": "Noto Naskh Arabic",
    "hebrew": "Noto Serif Hebrew",
    "devanagari": "Noto Serif Devanagari",
    "thai": "Noto Serif Thai",
    "chinese": "Noto Serif CJK SC",
    "japanese": "Noto Serif CJK",
    "korean": "Noto Serif CJK KR",
}
NAMES = international_names()


@pytest.fixture(scope="module")
def prepared():
    return prepared_starter("certificate-classic")


def test_the_sample_covers_every_promised_script():
    scripts = {script for script, _ in NAMES}
    assert scripts == set(EXPECTED_FACE) | {"mixed"}
    assert len(NAMES) > 150


@pytest.mark.parametrize(("script", "name"), NAMES)
def test_name_shapes_without_a_missing_glyph(script, name):
    paragraph = shape_paragraph(name, "serif-display", "regular", True)
    gids = [glyph[0] for run in paragraph.runs for glyph in run.glyphs]
    assert gids and 0 not in gids, f"{name!r} has a glyph no font covers"
    faces = {run.face.name for run in paragraph.runs}
    if script != "mixed":
        assert any(face.startswith(EXPECTED_FACE[script]) for face in faces), faces


@pytest.mark.parametrize(("script", "name"), NAMES)
def test_name_prints_and_reads_back_as_itself(prepared, script, name):
    pdf, report = render_pdf_with_report(prepared, values(recipient_name=name))
    assert report.ok, report
    extracted = pypdf_text(pdf)
    assert "\ufffd" not in extracted and "?" not in extracted
    if script == "mixed":
        # A viewer rebuilds logical order from the page's visual order with its own
        # heuristics, which may flip a bracket between two directions: same characters.
        line = pdfium_lines(pdf)[3]
        assert _letters(line) == _letters(name)
    else:
        assert name in pdfium_lines(pdf)
        assert name in extracted.splitlines()
    # Glyphs are drawn as outlines; the only font is the invisible text layer's.
    assert pdf_fonts(pdf) == {"/LaurelTextLayer"}


def _letters(text):
    return sorted(c for c in text if c not in " ()")


def test_arabic_is_joined_and_right_to_left():
    isolated = shape_paragraph("ب", "serif", "regular", False).runs[0].glyphs[0][0]
    joined = shape_paragraph("ببب", "serif", "regular", False)
    (run,) = joined.runs
    assert run.level == 1
    gids = [g[0] for g in run.glyphs]
    assert isolated not in gids  # initial, medial and final forms, not three isolated ones
    assert len(set(gids)) == 3
    assert [g[1] for g in run.glyphs] == [2, 1, 0]  # visual order: last letter leftmost


def test_devanagari_vowel_sign_i_is_drawn_before_its_consonant():
    paragraph = shape_paragraph("कि", "sans", "regular", False)
    clusters = [g[1] for run in paragraph.runs for g in run.glyphs]
    assert len(clusters) == 2 and clusters == [0, 0]  # one cluster, two glyphs, reordered
    sign = paragraph.runs[0].glyphs[0][0]
    alone = shape_paragraph("क", "sans", "regular", False).runs[0].glyphs[0][0]
    assert sign != alone


def test_mixed_direction_line_in_visual_order():
    from laurel.design.text import build_line

    paragraph = shape_paragraph("abc שלום 123 def", "sans", "regular", False)
    line = build_line(paragraph, 0, len(paragraph.text))
    # Left to right on the page: abc, the number, the Hebrew word (its last letter
    # leftmost), def.
    assert line.visual_text == "abc 123 " + "שלום"[::-1] + " def"


def test_a_character_no_font_has_is_reported_not_drawn(prepared):
    name = "Ada" + chr(0x10FFFD)  # a private-use code point no font has
    pdf, report = render_pdf_with_report(prepared, values(recipient_name=name))
    assert report.missing_characters == {"recipient": [chr(0x10FFFD)]}
    assert not report.ok
    assert pdf.startswith(b"%PDF-")
