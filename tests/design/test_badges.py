"""Badges: composed of shapes and text, as PNG (transparent around the shape) and SVG."""

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from laurel.design import (
    parse_layout,
    prepare,
    render_png,
    render_svg,
    sample_values,
    starter,
    starter_names,
)

BADGES = [n for n in starter_names() if n.startswith("badge-")]


@pytest.mark.parametrize("name", BADGES)
def test_badge_png_is_transparent_outside_its_shape(name):
    png = render_png(prepare(parse_layout(starter(name))), sample_values(), dpi=150)
    image = Image.open(io.BytesIO(png))
    assert image.mode == "RGBA"
    assert image.getpixel((1, 1))[3] == 0
    assert image.getpixel((image.width // 2, image.height // 2))[3] == 255


@pytest.mark.parametrize("name", BADGES)
def test_badge_svg_is_vector_with_its_text_labelled(name):
    svg = render_svg(prepare(parse_layout(starter(name))), sample_values())
    root = ET.fromstring(svg)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert root.get("viewBox").startswith("0 0 ")
    assert len(root.findall(".//svg:defs/svg:path", ns)) > 10  # glyph outlines
    labels = [
        g.get("aria-label")
        for g in root.iter("{http://www.w3.org/2000/svg}g")
        if g.get("aria-label")
    ]
    assert any("Advanced Data" in label for label in labels)


def test_svg_escapes_text():
    from laurel.design import Values

    svg = render_svg(
        prepare(parse_layout(starter("badge-seal"))), Values(group_title='<script>"x"</script>')
    )
    root = ET.fromstring(svg)  # well-formed: the title was escaped
    labels = [g.get("aria-label") for g in root.iter("{http://www.w3.org/2000/svg}g")]
    assert '<script>"x"</script>' in labels
    assert "<script>" not in svg


def test_svg_label_reads_in_logical_order():
    from laurel.design import Values

    svg = render_svg(
        prepare(parse_layout(starter("badge-hexagon"))), Values(group_title="علوم البيانات")
    )
    labels = [g.get("aria-label") for g in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}g")]
    assert "علوم البيانات" in labels


@pytest.mark.parametrize("shape", ["circle", "shield", "hexagon", "ribbon", "rosette"])
def test_a_composed_badge_shrinks_a_long_title_into_its_shape(shape):
    from laurel.design import Values, render_pdf_with_report
    from laurel.design.badges import compose_badge

    document = compose_badge(shape=shape, fill="#17324D", border="#C8A24A",
                             line1="{group_title}", line2="{issuer_name}")  # fmt: skip
    title = "Interdisciplinary Certificate in Sustainable Urban Water Management"
    _pdf, report = render_pdf_with_report(
        prepare(parse_layout(document)), Values(group_title=title, issuer_name="Northbridge")
    )
    assert report.overflowing == [] and report.missing_characters == {}


def test_a_sanitised_svg_keeps_its_drawing_and_loses_everything_else():
    from laurel.design.svgsafe import UnsafeSVG, sanitize_svg

    kept = sanitize_svg(
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"><script>x()</script>'
        b'<linearGradient id="g"/><rect width="5" height="5" fill="url(#g)" '
        b'style="fill:url(http://evil.example/a);stroke:red"/></svg>'
    ).decode()
    assert "script" not in kept and "onload" not in kept and "evil" not in kept
    assert 'fill="url(#g)"' in kept and "<rect" in kept
    with pytest.raises(UnsafeSVG):
        sanitize_svg(b"<html><svg/></html>")


@pytest.mark.parametrize("shape", ["circle", "shield", "hexagon", "ribbon", "rosette"])
def test_a_composed_badge_tells_what_it_was_composed_from(shape):
    from laurel.design.badges import compose_badge, composition_of

    chosen = {"shape": shape, "fill": "#123456", "border": "#654321", "line1": "{group_title}",
              "line2": "{code}", "icon": "star.svg"}  # fmt: skip
    assert composition_of(compose_badge(**chosen)) == chosen
    assert composition_of(starter("badge-seal")) == {}


def test_a_composed_badge_prints_a_name_of_every_script():
    from laurel.design import Values, render_pdf_with_report
    from laurel.design.badges import compose_badge

    from .names import international_names

    one_each = dict(reversed(international_names()))  # one name per script
    prepared = prepare(parse_layout(compose_badge(
        shape="rosette", fill="#17324D", border="#C8A24A", line1="{recipient_name}",
        line2="{group_title}")))  # fmt: skip
    for script, name in one_each.items():
        _pdf, report = render_pdf_with_report(
            prepared, Values(recipient_name=name, group_title=name)
        )
        assert report.ok, (script, name, report)
