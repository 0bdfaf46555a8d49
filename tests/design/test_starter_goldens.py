"""The starter designs look as they looked when someone last approved them."""

import pytest
from PIL import Image

from laurel.design import starter_names

from .goldens import GOLDENS, difference, render


@pytest.mark.parametrize("name", starter_names())
def test_starter_matches_its_golden_image(name):
    golden = Image.open(GOLDENS / f"{name}.png").convert("RGBA")
    rendered = render(name)
    mean, far = difference(rendered, golden)
    assert mean < 2.5 and far < 0.004, (
        f"{name} differs from its golden image (mean {mean:.2f}, {far:.2%} of pixels far off); "
        "if the change is deliberate, run python -m tests.design.goldens and look at the images"
    )


def test_a_moved_name_is_caught():
    import io

    from laurel.design import parse_layout, prepare, render_png, sample_values, starter

    document = starter("certificate-classic")
    recipient = next(e for e in document["elements"] if e.get("id") == "recipient")
    recipient["y"] += 2  # two millimetres lower
    png = render_png(prepare(parse_layout(document)), sample_values(), dpi=72)
    moved = Image.open(io.BytesIO(png)).convert("RGBA")
    golden = Image.open(GOLDENS / "certificate-classic.png").convert("RGBA")
    mean, far = difference(moved, golden)
    assert mean >= 2.5 or far >= 0.004
