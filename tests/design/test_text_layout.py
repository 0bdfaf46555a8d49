"""Text in its box: wrapped, balanced, shrunk, aligned by direction, rotated."""

import io

from PIL import Image

from laurel.design import Values, parse_layout, prepare, render_pdf_with_report, render_png
from laurel.design.text import TextStyle, fit_text, shape_paragraph

DESCRIPTION = "Twelve weeks of study and a final project on the design of clear, honest charts"


def test_wrapped_lines_fit_the_box_width():
    block = fit_text(DESCRIPTION, TextStyle(size=12, align="left", shrink=False), 150, 200)
    assert len(block.lines) > 1
    assert all(line.width * block.size <= 150.01 for line in block.lines)
    assert " ".join(line.text for line in block.lines) == DESCRIPTION


def test_centred_lines_are_balanced():
    block = fit_text(DESCRIPTION, TextStyle(size=12, align="center", shrink=False), 300, 200)
    widths = [line.width for line in block.lines]
    assert len(widths) == 2 and min(widths) / max(widths) > 0.8


def test_text_shrinks_until_it_fits_and_says_when_it_cannot():
    fits = fit_text(DESCRIPTION, TextStyle(size=30, min_size=6, wrap=False), 400, 40)
    assert fits.size < 30 and not fits.overflow
    assert fits.lines[0].width * fits.size <= 400.01
    too_long = fit_text(DESCRIPTION * 4, TextStyle(size=30, min_size=12, wrap=False), 200, 40)
    assert too_long.size == 12 and too_long.overflow


def test_start_alignment_follows_the_direction_of_the_text():
    document = {
        "version": 1, "kind": "certificate",
        "page": {"size": "custom", "width": 200, "height": 40},
        "elements": [{"type": "text", "x": 0, "y": 0, "width": 200, "height": 40, "text": "{recipient_name}", "align": "start", "size": 20}],
    }  # fmt: skip
    prepared = prepare(parse_layout(document))

    def ink_centre(name):
        image = Image.open(io.BytesIO(render_png(prepared, Values(recipient_name=name), dpi=72)))
        left, _, right, _ = Image.eval(image.convert("L"), lambda v: 255 - v).getbbox()
        return (left + right) / 2 / image.width

    assert ink_centre("Ada Lovelace") < 0.3
    assert ink_centre("עדה לאבלייס") > 0.7


def test_letter_spacing_leaves_joined_scripts_alone():
    plain = shape_paragraph("سلام", "sans", "regular", False)
    spaced = shape_paragraph("سلام", "sans", "regular", False, tracking=0.2)
    assert sum(plain.advances) == sum(spaced.advances)
    latin = shape_paragraph("Salam", "sans", "regular", False, tracking=0.2)
    assert sum(latin.advances) > sum(shape_paragraph("Salam", "sans", "regular", False).advances)


def test_rotated_text_is_drawn_rotated():
    def ink_box(rotation):
        document = {
            "version": 1, "kind": "certificate",
            "page": {"size": "custom", "width": 120, "height": 120},
            "elements": [{"type": "text", "x": 10, "y": 50, "width": 100, "height": 20, "text": "ROTATED TEXT", "size": 24, "rotation": rotation}],
        }  # fmt: skip
        png = render_png(prepare(parse_layout(document)), Values(), dpi=72)
        image = Image.open(io.BytesIO(png)).convert("L")
        left, top, right, bottom = Image.eval(image, lambda v: 255 - v).getbbox()
        return right - left, bottom - top

    width, height = ink_box(0)
    assert width > 3 * height
    turned_width, turned_height = ink_box(90)
    assert turned_height > 3 * turned_width


def test_overflowing_text_is_reported():
    document = {
        "version": 1, "kind": "certificate", "page": {"size": "A4"},
        "elements": [{"type": "text", "id": "name", "x": 10, "y": 10, "width": 20, "height": 5, "text": "{recipient_name}", "size": 20, "min_size": 18}],
    }  # fmt: skip
    _pdf, report = render_pdf_with_report(
        prepare(parse_layout(document)), Values(recipient_name="Bartholomew Featherstonehaugh")
    )
    assert report.overflowing == ["name"]
