"""How fast Laurel reads a 10,000-row recipient file, beside the baseline, in the same run.

Run: .venv/bin/python bench/bulk_parse.py [--rows 10000] [--repeat 5]

The files come from bench/make_recipients.py (seeded: the same bytes every run), in memory.
Each figure is the median of --repeat runs of reading every row through
``laurel.bulk.reading.read_recipients`` (the archive checks and cell conversion included),
then of checking them (``laurel.bulk.rows.check_rows``, the domain's email validator, no
database). The XLSX baseline is openpyxl in read-only mode over the same bytes, iterating
the same rows' values. Goal (issue 13): an XLSX of 10,000 rows parsed in <= 1 s.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")


def median_seconds(action: Callable[[], object], repeat: int, clock=time.perf_counter) -> float:
    timings = []
    for _ in range(repeat):
        started = clock()
        action()
        timings.append(clock() - started)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()

    import tempfile

    import django

    from laurel.ops.data_dir import prepare

    # Only the model's field limits are read: a throwaway data directory holds the secrets.
    os.environ.setdefault("LAUREL_DATA_DIR", tempfile.mkdtemp(prefix="laurel-bench-parse-"))
    prepare()
    django.setup()
    from openpyxl import load_workbook

    from bench.make_recipients import LEGACY_VARIANTS, VARIANTS, legacy_csv, recipients, xlsx_bytes
    from laurel.bulk.domain import row_rules
    from laurel.bulk.errors import WorkbookRefused
    from laurel.bulk.reading import read_recipients
    from laurel.bulk.rows import check_rows

    rows, repeat = arguments.rows, arguments.repeat
    people = recipients(rows, seed=13)
    files = {name: make(people) for name, make in VARIANTS.items()}
    files.update({name: legacy_csv(name, rows) for name in LEGACY_VARIANTS})
    rules = row_rules()

    def read_all(name: str) -> int:
        read = read_recipients(files[name], filename=name, max_rows=rows)
        return sum(1 for _ in read.rows)

    def check_all(name: str) -> int:
        read = read_recipients(files[name], filename=name, max_rows=rows)
        return sum(row.valid for row in check_rows(read.rows, rules))

    def openpyxl_read_only() -> int:
        workbook = load_workbook(
            io.BytesIO(files["recipients.xlsx"]), read_only=True, data_only=True
        )
        count = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
        workbook.close()
        return count

    for name in files:
        assert read_all(name) == rows, name
    assert check_all("utf8.csv") == rows

    print(f"Reading {rows:,} recipients (median of {repeat}); files from bench/make_recipients.py")
    print(f"{'file':<24}{'bytes':>10}{'read':>10}{'read+check':>12}{'rows/s (read)':>16}")
    for name, data in files.items():
        read = median_seconds(lambda name=name: read_all(name), repeat)
        both = median_seconds(lambda name=name: check_all(name), repeat)
        print(
            f"{name:<24}{len(data):>10,}{read * 1000:>8.0f}ms{both * 1000:>10.0f}ms{rows / read:>16,.0f}"
        )

    calamine = median_seconds(lambda: read_all("recipients.xlsx"), repeat)
    baseline = median_seconds(openpyxl_read_only, repeat)
    calamine_cpu = median_seconds(lambda: read_all("recipients.xlsx"), repeat, time.process_time)
    baseline_cpu = median_seconds(openpyxl_read_only, repeat, time.process_time)
    print()
    print("Wall clock, and this process's CPU time (steadier on a shared machine):")
    print(
        f"XLSX {rows:,} rows, calamine (Laurel's reader): {calamine * 1000:.0f} ms "
        f"(CPU {calamine_cpu * 1000:.0f} ms)"
    )
    print(
        f"XLSX {rows:,} rows, openpyxl read-only (baseline): {baseline * 1000:.0f} ms "
        f"(CPU {baseline_cpu * 1000:.0f} ms)"
    )
    verdict = "met" if calamine <= 1 else "NOT met"
    print(
        f"  ratio {baseline / calamine:.1f}x (CPU {baseline_cpu / calamine_cpu:.1f}x); goal <= 1 s: {verdict}"
    )

    bomb = _zip_bomb(xlsx_bytes([]), megabytes=1_000)
    started = time.perf_counter()
    try:
        read_recipients(bomb, filename="bomb.xlsx")
    except WorkbookRefused:
        refused = time.perf_counter() - started
    else:
        raise SystemExit("the zip bomb was read")
    print(f"zip bomb ({len(bomb):,} bytes declaring 1 GB) refused in {refused * 1000:.1f} ms")

    tracemalloc.start()
    read_all("utf8.csv")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"CSV read, Python heap peak: {peak / 1_000_000:.1f} MB for a {len(files['utf8.csv']) / 1e6:.2f} MB file"
    )


def _zip_bomb(workbook: bytes, *, megabytes: int) -> bytes:
    """``workbook`` with its sheet's declared size set to ``megabytes`` (a tiny file)."""
    import struct

    data = bytearray(workbook)
    offset = data.find(b"PK\x01\x02")
    while offset != -1:
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, offset + 28)
        if data[offset + 46 : offset + 46 + name_length] == b"xl/worksheets/sheet1.xml":
            struct.pack_into("<I", data, offset + 24, megabytes * 1_000_000)
        offset = data.find(b"PK\x01\x02", offset + 46 + name_length + extra_length + comment_length)
    return bytes(data)


if __name__ == "__main__":
    main()
