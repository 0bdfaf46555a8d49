"""How fast laurel.design renders certificates, on one core, against a naive ReportLab render.

Run: .venv/bin/python bench/render.py [--seconds S] [--bulk N]

The certificate: A4 landscape, a full-page PNG background (a textured paper made here,
150 dpi), six text fields (recipient name in many scripts, title, description, date,
issuer, credential id) and a QR code of the verification URL; every certificate has a
different name and URL, and carries its signed credential (a 3 KB JSON) as an attachment.

- laurel.design: the layout is prepared once (background written once into a template),
  then each certificate is rendered alone.
- naive ReportLab, measured in the same run: a canvas per certificate that embeds the PNG
  background again, draws the six texts with an embedded Noto TTF (ReportLab subsets it
  per document) and the QR code (segno's default mask choice) as one rectangle per module.
- PNG: the laurel PDF drawn at 150 dpi by PDFium, PNG-encoded.
- bulk: N certificates rendered by two worker processes into one ZIP (the library alone;
  bench/zip.py measures the real job path: the ZIP task run by two `laurel worker`s).

Goals (issue 14): >= 100 PDFs/s, >= 10x the naive render, PNG at 150 dpi >= 20/s, a bulk
ZIP of 10,000 certificates in <= 3 minutes with two workers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import math
import multiprocessing
import os
import tempfile
import time
import zipfile
from collections.abc import Callable

from PIL import Image, ImageChops, ImageDraw

from laurel.design import Values, parse_layout, prepare, render_pdf, render_png
from laurel.design.fonts import load_face

NAMES = [
    "Bartholomäus Caspar", "الأستاذ عاقل الأنصاري", "निखिल त्रिवेदीजी", "นาทภูวพัฒน์ ดาวกระจาย",
    "伊藤 和也", "고옥순", "Λουκάς-Πανταζής Δουκατζής", "רותם יונתן פריד", "Нестор Бабко",
    "Hạnh Đặng", "Tuğçe Özay Fırat", "Aleksandr Pölitz MBA.",
]  # fmt: skip


def background_png() -> bytes:
    """A designer's paper background, A4 landscape at 150 dpi: a warm vignette, a guilloche band and a double frame (what a Canva export looks like)."""
    width, height = 1754, 1240
    horizontal = Image.linear_gradient("L").rotate(90, expand=True).resize((width, height))
    vertical = Image.radial_gradient("L").resize((width, height))
    shade = ImageChops.lighter(horizontal.point(lambda v: v // 6), vertical.point(lambda v: v // 3))
    base = ImageChops.subtract(Image.new("L", (width, height), 250), shade)
    paper = Image.merge("RGB", [base, base.point(lambda v: v - 6), base.point(lambda v: v - 22)])
    draw = ImageDraw.Draw(paper)
    for phase in range(0, 360, 30):
        points = [
            (
                x,
                150
                + 28 * math.sin(math.radians(x * 0.9 + phase)) * math.cos(math.radians(x * 0.13)),
            )
            for x in range(90, width - 90, 3)
        ]
        draw.line(points, fill=(196, 170, 118), width=1)
        draw.line([(x, height - y) for x, y in points], fill=(196, 170, 118), width=1)
    for inset, thickness in ((40, 10), (62, 3)):
        draw.rectangle(
            (inset, inset, width - inset, height - inset), outline=(150, 118, 62), width=thickness
        )
    out = io.BytesIO()
    paper.save(out, "PNG")
    return out.getvalue()


LAYOUT = {
    "version": 1, "kind": "certificate", "page": {"size": "A4", "orientation": "landscape"},
    "background": {"type": "asset", "asset": "paper.png"},
    "elements": [
        {"type": "text", "x": 30, "y": 35, "width": 237, "height": 20, "text": "Certificate of Achievement", "font": "serif-display", "size": 36},
        {"type": "text", "x": 30, "y": 70, "width": 237, "height": 28, "text": "{recipient_name}", "font": "serif-display", "italic": True, "size": 44, "wrap": False},
        {"type": "text", "x": 40, "y": 105, "width": 217, "height": 14, "text": "{group_title}", "font": "serif", "weight": "bold", "size": 20},
        {"type": "text", "x": 60, "y": 122, "width": 177, "height": 16, "text": "{description}", "font": "sans", "size": 10},
        {"type": "text", "x": 40, "y": 165, "width": 80, "height": 8, "text": "{issued_on}", "font": "serif", "size": 12},
        {"type": "text", "x": 177, "y": 165, "width": 80, "height": 8, "text": "{issuer_name}", "font": "serif", "size": 12},
        {"type": "qr", "x": 136, "y": 150, "size": 25},
    ],
}  # fmt: skip


def values(i: int) -> Values:
    """Distinct values for certificate `i`."""
    credential_id = f"{i:08d}x4Qm2Rk9Tz7Lp0Vn8Ya3Wc6Hd1Jf"
    return Values(
        recipient_name=f"{NAMES[i % len(NAMES)]} {i}",
        group_title="Advanced Data Visualisation",
        description="Twelve weeks of study and a final project on clear, honest charts.",
        issued_on=dt.date(2026, 3, 14),
        credential_id=credential_id,
        verification_url=f"https://credentials.example.org/credential/{credential_id}",
        issuer_name="Northbridge Institute of Design",
    )


def credential(i: int) -> dict:
    """A stand-in for the signed credential (its size and shape, not its signature)."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "id": f"https://credentials.example.org/credential/{i}",
        "issuer": {"id": "did:web:credentials.example.org", "name": "Northbridge"},
        "credentialSubject": {"name": NAMES[i % len(NAMES)], "achievement": {"description": "x" * 1500}},
        "proof": {"type": "DataIntegrityProof", "proofValue": "z" + "5" * 88},
    }  # fmt: skip


def naive_renderer(background: bytes) -> Callable[[int], bytes]:
    """ReportLab as one would write it first: everything again for every certificate."""
    import segno
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("NotoSerif", load_face("Noto Serif", "Regular").path))
    width, height = landscape(A4)
    mm = 72 / 25.4

    def render(i: int) -> bytes:
        v = values(i)
        out = io.BytesIO()
        page = canvas.Canvas(out, pagesize=(width, height))
        page.drawImage(ImageReader(io.BytesIO(background)), 0, 0, width, height)
        page.setFont("NotoSerif", 36)
        page.drawCentredString(width / 2, height - 50 * mm, "Certificate of Achievement")
        page.setFont("NotoSerif", 40)
        page.drawCentredString(width / 2, height - 90 * mm, v.recipient_name)
        page.setFont("NotoSerif", 20)
        page.drawCentredString(width / 2, height - 115 * mm, v.group_title)
        page.setFont("NotoSerif", 10)
        page.drawCentredString(width / 2, height - 130 * mm, v.description)
        page.setFont("NotoSerif", 12)
        page.drawCentredString(80 * mm, height - 170 * mm, v.issued_on.isoformat())
        page.drawCentredString(217 * mm, height - 170 * mm, v.issuer_name)
        qr = segno.make(v.verification_url, error="m")
        module = 25 * mm / (len(qr.matrix) + 4)
        for row, modules in enumerate(qr.matrix):
            for column, dark in enumerate(modules):
                if dark:
                    page.rect(
                        136 * mm + (column + 2) * module,
                        height - 150 * mm - (row + 3) * module,
                        module,
                        module,
                        stroke=0,
                        fill=1,
                    )
        page.showPage()
        page.save()
        return out.getvalue()

    return render


def rate(
    render: Callable[[int], object], seconds: float, minimum: int = 5
) -> tuple[float, float, int]:
    """(renders per CPU-second, per wall-clock second, count) over at least `seconds` of CPU
    time, after a warm-up. CPU time is what one core gives, whatever else the machine runs."""
    render(10_000_000)
    count, cpu, wall = 0, time.process_time(), time.perf_counter()
    while count < minimum or time.process_time() - cpu < seconds:
        render(count)
        count += 1
    return count / (time.process_time() - cpu), count / (time.perf_counter() - wall), count


_PREPARED = None


def _worker_init(background: bytes) -> None:
    global _PREPARED
    _PREPARED = prepare(parse_layout(LAYOUT), {"paper.png": background})


def _worker_render(i: int) -> tuple[str, bytes]:
    assert _PREPARED is not None
    return f"certificate-{i:05d}.pdf", render_pdf(_PREPARED, values(i), credential=credential(i))


def bulk_zip(count: int, background: bytes, workers: int = 2) -> tuple[float, int]:
    """Seconds to render `count` certificates with `workers` processes into one ZIP file on
    disk, and the ZIP's size."""
    start = time.perf_counter()
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with tempfile.TemporaryFile() as out:
        with (
            context.Pool(workers, initializer=_worker_init, initargs=(background,)) as pool,
            zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive,
        ):
            for name, pdf in pool.imap_unordered(_worker_render, range(count), chunksize=64):
                archive.writestr(name, pdf)
        size = out.tell()
    return time.perf_counter() - start, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    parser.add_argument(
        "--bulk", type=int, default=10_000, help="certificates in the bulk ZIP (0: skip)"
    )
    args = parser.parse_args()

    background = background_png()
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"background: PNG {len(background) / 1024:.0f} KB, 1754x1240 px; load average {load}")
    print("rates are per CPU-second of this process (one core), wall-clock in brackets")
    start = time.perf_counter()
    prepared = prepare(parse_layout(LAYOUT), {"paper.png": background}, strict=True)
    print(f"prepare the layout once:          {1000 * (time.perf_counter() - start):8.1f} ms")

    def ours_pdf(i: int) -> bytes:
        return render_pdf(prepared, values(i), credential=credential(i))

    ours, ours_wall, n_ours = rate(ours_pdf, args.seconds)
    size = len(ours_pdf(1))
    print(
        f"laurel.design PDF:                {ours:8.1f} PDFs/s ({ours_wall:.1f})  {n_ours} renders, {size / 1024:.0f} KB each"
    )
    naive, naive_wall, n_naive = rate(naive_renderer(background), args.seconds)
    print(
        f"naive ReportLab PDF (baseline):   {naive:8.1f} PDFs/s ({naive_wall:.1f})  {n_naive} renders"
    )
    print(f"speed-up:                         {ours / naive:8.1f}x   goal >= 10x and >= 100 PDFs/s")
    png_rate, png_wall, n_png = rate(
        lambda i: render_png(prepared, values(i), dpi=150), args.seconds
    )
    print(
        f"laurel.design PNG at 150 dpi:     {png_rate:8.1f} PNGs/s ({png_wall:.1f})  {n_png} renders; goal >= 20/s"
    )
    figures = {
        "pdf_per_s": round(ours, 1),
        "naive_pdf_per_s": round(naive, 1),
        "speedup": round(ours / naive, 1),
        "png_per_s": round(png_rate, 1),
    }
    if args.bulk:
        seconds, zip_size = bulk_zip(args.bulk, background)
        figures["bulk_seconds"] = round(seconds, 1)
        print(
            f"bulk ZIP of {args.bulk} certificates, 2 workers: {seconds:.1f} s wall-clock "
            f"({args.bulk / seconds:.0f}/s, {zip_size / 1024 / 1024:.0f} MB); goal <= 180 s for 10,000"
        )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
