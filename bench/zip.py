"""A ZIP of 10,000 certificates through the real job path, with two worker processes.

Run: .venv/bin/python bench/zip.py [--certificates 10000] [--workers 2]
                                   [--database sqlite|postgres]

In a fresh data directory (SQLite) or a fresh database on $BENCH_POSTGRES_URL (default
postgres://postgres@127.0.0.1:5432): `laurel migrate`, `laurel org create`, then in this
process a group whose certificate design is bench/render.py's (an A4 landscape with a
150 dpi PNG background uploaded through the studio's service, six text fields and a QR
code), and --certificates credentials issued and published (issue_many; not timed). Then,
timed: the ZIP is requested as the page does (services.request_group_zip, which enqueues
one build task per worker), --workers `laurel worker --queue-name bulk` processes start,
and the clock stops when the job's row says done (every certificate drawn as a PDF with
its signed credential attached, each cached as a download is, and the ZIP written to the
default storage). Printed: wall-clock seconds, certificates a second, the ZIP's size, the
load average.

Baseline in the same run: laurel.design's render_pdf of the same layout on one core in
this process (no database, no storage), certificates a second: the job's rate over it says
what the job path costs and how well the workers share the job.
Goal (issue 14): <= 180 s for 10,000 certificates with two workers.
"""

from __future__ import annotations

import argparse
import copy
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import postgres_database  # noqa: E402
from bench.api import LAUREL, base_env, load_average, prepare  # noqa: E402
from bench.render import LAYOUT, background_png, credential, values  # noqa: E402


def baseline_rate(seconds: float = 3.0) -> float:
    """Certificates a second from laurel.design alone, one core, background prepared once."""
    from laurel.design import parse_layout, render_pdf
    from laurel.design import prepare as prepare_layout

    layout = copy.deepcopy(LAYOUT)
    prepared = prepare_layout(parse_layout(layout), {"paper.png": background_png()})
    render_pdf(prepared, values(0), credential=credential(0))
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        render_pdf(prepared, values(count), credential=credential(count))
        count += 1
    return count / (time.perf_counter() - started)


def setup_group(count: int):
    """The group, its design and `count` published credentials; returns (owner, group)."""
    from laurel.credentials.batch import IssueRow, issue_many
    from laurel.credentials.models import CredentialGroup
    from laurel.credentials.services import create_group
    from laurel.designs import services
    from laurel.organizations.models import Membership
    from laurel.organizations.permissions import Actor

    membership = Membership.objects.select_related("organization", "user").get()
    owner = Actor(organization=membership.organization, role="owner", user=membership.user)
    group = create_group(
        actor=owner,
        title="Advanced Data Visualisation",
        description="Twelve weeks of study and a final project on clear, honest charts.",
    )
    design = services.create_design(actor=owner, name="Bench", starter_name="certificate-classic")
    version = services.upload_asset(actor=owner, design_id=design.pk, filename="paper.png",
                                    data=background_png(), use_as="background")  # fmt: skip
    layout = copy.deepcopy(LAYOUT)
    layout["background"] = version.layout["background"]
    services.save_design(actor=owner, design_id=design.pk, layout=layout)
    services.use_for_group(actor=owner, design_id=design.pk, group_key=group.key)
    names = [values(i).recipient_name for i in range(count)]
    for start in range(0, count, 500):
        rows = [IssueRow(name=names[i], email=f"r{i}@example.org")
                for i in range(start, min(start + 500, count))]  # fmt: skip
        refused = [o for o in issue_many(actor=owner, group_key=group.key, rows=rows)
                   if not hasattr(o, "pk")]  # fmt: skip
        if refused:
            sys.exit(f"issuing failed: {refused[0]}")
    return owner, CredentialGroup.objects.get(pk=group.pk)


def run(args, env: dict) -> None:
    prepare(env)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")
    import django

    django.setup()
    from django.db import connections

    from laurel.designs import services
    from laurel.designs.models import CertificateZip

    started = time.perf_counter()
    owner, group = setup_group(args.certificates)
    print(
        f"setup: {args.certificates:,} credentials issued in {time.perf_counter() - started:.0f} s"
    )
    baseline = baseline_rate()
    print(f"baseline: laurel.design render_pdf alone, one core: {baseline:.0f} certificates/s")

    started = time.perf_counter()
    job = services.request_group_zip(actor=owner, group_key=group.key)
    connections.close_all()
    logs = [Path(env["LAUREL_DATA_DIR"]) / f"worker-{n}.log" for n in range(args.workers)]
    workers = [
        subprocess.Popen(
            [LAUREL, "worker", "--queue-name", "bulk", "--interval", "0.2", "--no-startup-delay"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("wb"),
            start_new_session=True,
        )
        for log in logs
    ]
    try:
        last = -1
        while True:
            row = CertificateZip.objects.values("status", "done", "total", "error").get(pk=job.pk)
            if row["status"] in ("done", "failed"):
                break
            if time.perf_counter() - started > args.timeout:
                sys.exit(f"the ZIP was not done after {args.timeout} s: {row}")
            if row["done"] // 1000 != last // 1000:
                print(f"  {time.perf_counter() - started:5.1f} s: {row['done']:,} drawn")
                last = row["done"]
            time.sleep(0.5)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(30)
    seconds = time.perf_counter() - started
    for log in logs:
        errors = [line for line in log.read_text().splitlines() if "Error" in line]
        if errors:
            print(f"{log.name}: {len(errors)} error lines, the last: {errors[-1][:300]}")
    if row["status"] != "done":
        sys.exit(f"the ZIP failed: {row['error']}")
    job.refresh_from_db()
    size = job.file.size / 1024 / 1024
    rate = args.certificates / seconds
    print(
        f"ZIP of {args.certificates:,} certificates, {args.workers} workers: {seconds:.1f} s "
        f"wall-clock ({rate:.0f} certificates/s, {size:.0f} MB); goal <= 180 s for 10,000"
    )
    print(f"job rate / one-core render rate: {rate / baseline:.2f}x")
    print(f"load average: {load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--certificates", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="laurel-bench-zip-") as data_dir:
        env = base_env(data_dir)
        if args.database == "sqlite":
            run(args, env)
            return
        with postgres_database(f"laurel_bench_zip_{os.getpid()}") as url:
            env["DATABASE_URL"] = url
            try:
                run(args, env)
            finally:
                from django.db import connections

                connections.close_all()


if __name__ == "__main__":
    main()
