"""Uploaded files in a design: backgrounds and images as PNG, JPG, SVG or PDF, and a
visible placeholder (never a failed render) when one is missing or broken."""

import io

import pytest
from PIL import Image, ImageDraw
from reportlab.pdfgen import canvas

from laurel.design import (
    AssetError,
    Values,
    parse_layout,
    prepare,
    render_pdf_with_report,
    render_png,
)


def png(colour=(20, 90, 160), size=(300, 200), alpha=False) -> bytes:
    image = Image.new("RGBA" if alpha else "RGB", size, colour + ((128,) if alpha else ()))
    ImageDraw.Draw(image).rectangle(
        (0, 0, size[0] // 2, size[1]), fill=(240, 200, 40) + ((255,) if alpha else ())
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 30, 60)).save(out, "JPEG", quality=90)
    return out.getvalue()


def pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=(400, 300))
    page.setFillColorRGB(0.1, 0.6, 0.3)
    page.rect(0, 0, 400, 300, fill=1, stroke=0)
    page.setFillColorRGB(1, 1, 1)
    page.setFont("Helvetica", 40)
    page.drawString(40, 140, "PAPER")
    page.save()
    return out.getvalue()


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" viewBox="0 0 400 300">'
    b'<rect width="400" height="300" fill="#7a1fa2"/><circle cx="200" cy="150" r="80" fill="#ffd000"/></svg>'
)


def layout_with(background_asset=None, image_asset=None):
    document = {
        "version": 1,
        "kind": "certificate",
        "page": {"size": "custom", "width": 100, "height": 75},
        "background": {"type": "asset", "asset": background_asset}
        if background_asset
        else {"type": "colour", "colour": "#FFFFFF"},
        "elements": [],
    }
    if image_asset:
        document["elements"].append(
            {"type": "image", "x": 25, "y": 20, "width": 50, "height": 35, "asset": image_asset}
        )
    return parse_layout(document)


def pixel(png_bytes, x, y):
    image = Image.open(io.BytesIO(png_bytes)).convert("RGB")
    return image.getpixel((int(x * image.width), int(y * image.height)))


def close(a, b, tolerance=12):
    return all(abs(p - q) <= tolerance for p, q in zip(a, b, strict=True))


@pytest.mark.parametrize(
    ("name", "data", "left", "right"),
    [
        ("bg.png", png(), (240, 200, 40), (20, 90, 160)),
        ("bg.jpg", jpeg(), (200, 30, 60), (200, 30, 60)),
        ("bg.pdf", pdf(), (26, 153, 77), (26, 153, 77)),
        ("bg.svg", SVG, (122, 31, 162), (122, 31, 162)),
    ],
)
def test_background_file_covers_the_page(name, data, left, right):
    prepared = prepare(layout_with(background_asset=name), {name: data}, strict=True)
    out = render_png(prepared, Values(), dpi=72)
    assert close(pixel(out, 0.05, 0.5), left), pixel(out, 0.05, 0.5)
    assert close(pixel(out, 0.95, 0.1), right), pixel(out, 0.95, 0.1)


def test_pdf_background_keeps_its_vector_text():
    prepared = prepare(layout_with(background_asset="bg.pdf"), {"bg.pdf": pdf()}, strict=True)
    pdf_bytes, _ = render_pdf_with_report(prepared, Values())
    from .helpers import pdfium_lines

    assert "PAPER" in pdfium_lines(pdf_bytes)


def test_image_with_transparency_is_composited():
    prepared = prepare(
        layout_with(image_asset="logo.png"), {"logo.png": png(alpha=True)}, strict=True
    )
    out = render_png(prepared, Values(), dpi=72)
    assert close(pixel(out, 0.5, 0.05), (255, 255, 255))  # outside the image
    assert close(
        pixel(out, 0.7, 0.5), (137, 172, 207), tolerance=20
    )  # half-transparent blue on white


def test_missing_image_draws_a_placeholder_and_is_reported():
    prepared = prepare(layout_with(image_asset="logo.png"), {})
    pdf_bytes, report = render_pdf_with_report(prepared, Values())
    assert report.missing_assets == ["logo.png"]
    out = render_png(prepared, Values(), dpi=72)
    assert close(pixel(out, 0.3, 0.35), (241, 241, 241), tolerance=6)  # grey placeholder box


def test_broken_file_is_refused_when_saving_and_a_placeholder_when_rendering():
    with pytest.raises(AssetError, match="logo.png: the file is not a PNG, JPG, PDF or SVG"):
        prepare(layout_with(image_asset="logo.png"), {"logo.png": b"GIF89a..."}, strict=True)
    prepared = prepare(
        layout_with(image_asset="logo.png"), {"logo.png": b"\x89PNG\r\n\x1a\nbroken"}
    )
    assert "logo.png" in prepared.asset_errors
    _pdf, report = render_pdf_with_report(prepared, Values())
    assert report.missing_assets == ["logo.png"]


def test_a_background_is_written_once_per_layout_not_per_certificate():
    data = png(size=(1200, 900))
    prepared = prepare(layout_with(background_asset="bg.png"), {"bg.png": data})
    first, _ = render_pdf_with_report(prepared, Values(recipient_name="A"))
    second, _ = render_pdf_with_report(prepared, Values(recipient_name="B"))
    shared = prepared.template.data
    assert first.startswith(shared) and second.startswith(shared)
