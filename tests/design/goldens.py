"""Golden images of the starter designs: `python -m tests.design.goldens` writes them again
(after a deliberate change to a starter or to the renderer; look at them before committing).
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageChops

from laurel.design import parse_layout, prepare, render_png, sample_values, starter, starter_names

GOLDENS = Path(__file__).parent / "goldens"
DPI = 72


def render(name: str) -> Image.Image:
    """Starter `name` with the sample values, at the goldens' resolution."""
    png = render_png(prepare(parse_layout(starter(name))), sample_values(), dpi=DPI)
    return Image.open(io.BytesIO(png)).convert("RGBA")


def difference(a: Image.Image, b: Image.Image) -> tuple[float, float]:
    """(mean absolute difference per channel, share of pixels off by more than 64)."""
    if a.size != b.size:
        return 255.0, 1.0
    diff = ImageChops.difference(a, b)
    histogram = diff.convert("L").histogram()
    pixels = a.width * a.height
    bands = diff.split()
    mean = sum(sum(i * n for i, n in enumerate(band.histogram())) for band in bands) / (
        pixels * len(bands)
    )
    far = sum(histogram[65:]) / pixels
    return mean, far


def main() -> None:
    GOLDENS.mkdir(exist_ok=True)
    for name in starter_names():
        path = GOLDENS / f"{name}.png"
        # A palette of 96 colours keeps each golden a few KB; the test's tolerance allows it.
        render(name).quantize(96, method=Image.Quantize.FASTOCTREE).save(path, optimize=True)
        print(f"{path} ({path.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
