"""How fast /credential/<id> answers, against a real `laurel serve`, next to a minimal view.

Run: .venv/bin/python bench/verify_page.py [--credentials 100000] [--seconds 30]
     [--connections 32] [--ids 2000] [--database sqlite|postgres|both]

For each database: a fresh data directory (and a fresh PostgreSQL database), `laurel
migrate`, an approved organization, one credential issued through the services and then
cloned to --credentials rows (same signed document, each its own id and status-list slot:
signing 100,000 documents would only measure signing). `laurel serve --no-worker` (gunicorn,
the production configuration) starts with LAUREL_BENCH_BASELINE=1, which adds the yardstick
/bench/baseline/<id>: one row by primary key, one small template. wrk (Debian's `wrk`) then
loads, at --connections connections, /credential/<id> and the baseline, each over the same
--ids random credentials: first a warm-up pass of each (the verification result and the
page fragment are cached per credential version), then the measured pass. Prints requests
per second and p50/p99 of both (the two alternate over --rounds, so that other load on the
machine weighs on both), and the ratio page/baseline. Goal: ratio >= 1.0, p99 <= 50 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (  # noqa: E402
    LAUREL,
    PYTHON,
    free_port,
    load_average,
    on_each_database,
    run,
    start_server,
    stop_server,
)

CLONE = r"""
import sys, django
django.setup()
from django.db import transaction
from laurel.credentials.models import Credential, new_credential_id
from laurel.credentials.services import issue
from laurel.organizations.models import Door, Organization
from laurel.organizations.permissions import Actor
from laurel.organizations.services import create_organization
from laurel.credentials.services import create_group
from django.contrib.auth import get_user_model

total = int(sys.argv[1])
owner = get_user_model().objects.create_user(username="bench@example.org", email="bench@example.org")
org = create_organization(name="Bench Academy", owner=owner, plan="enterprise",
    monthly_quota_override=10_000_000, approved=True, door=Door.SYSTEM)
actor = Actor.system(org)
group = create_group(actor=actor, title="Data Analysis with Python", expiry_unit="years",
    expiry_amount=3, description="Cleaning, exploring and presenting data with pandas.",
    criteria="Passed the final project.",
    skills=[{"name": "pandas", "url": "https://example.org/skills/pandas"}])
first = issue(actor=actor, group_key=group.key, recipient_name="Ada Lovelace",
    recipient_email="ada@example.org", custom_attributes={})
fields = {f.attname: getattr(first, f.attname) for f in Credential._meta.concrete_fields}
batch, made = [], 1
index = 10_000
while made < total:
    if index == first.status_list_index:
        index += 1
    row = dict(fields, id=new_credential_id(), status_list_index=index,
        recipient_email=f"r{made}@example.org", recipient_email_normalized=f"r{made}@example.org",
        recipient_name=f"Recipient {made}")
    batch.append(Credential(**row))
    made += 1
    index += 1
    if len(batch) == 5000 or made == total:
        with transaction.atomic():
            Credential.objects.bulk_create(batch)
        batch = []
print(Credential.objects.count())
"""

LUA = """
ids = {%s}
request = function()
  return wrk.format("GET", "%s" .. ids[math.random(#ids)])
end
"""


def prepare(env: dict, total: int) -> None:
    run(env, LAUREL, "migrate", "--verbosity", "0")
    started = time.monotonic()
    count = run(env, PYTHON, "-c", CLONE, str(total)).strip().splitlines()[-1]
    print(f"  {count} credentials in the database ({time.monotonic() - started:.0f} s to make)")


def credential_ids(env: dict, how_many: int) -> list[str]:
    script = (
        "import django; django.setup()\n"
        "from laurel.credentials.models import Credential\n"
        "print('\\n'.join(Credential.objects.values_list('id', flat=True)))"
    )
    ids = run(env, PYTHON, "-c", script).split()
    return random.Random(12).sample(ids, min(how_many, len(ids)))


def visit_all(base: str, ids: list[str]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def visit(credential_id: str) -> None:
        for prefix in ("/credential/", "/bench/baseline/"):
            response = requests.get(f"{base}{prefix}{credential_id}", timeout=60)
            if response.status_code != 200:
                sys.exit(f"{prefix}{credential_id} answered {response.status_code}")

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:  # several passes: each web process keeps its own copy
        list(pool.map(visit, ids * 4))
    print(f"  warmed {len(ids)} pages in {time.monotonic() - started:.0f} s")


def load(base: str, prefix: str, ids: list[str], seconds: int, connections: int, workdir: str):
    """(requests/s, p50 ms, p99 ms, non-2xx) at `connections` over `ids` under `prefix`:
    wrk when it is installed, else the Python load generator below."""
    if shutil.which("wrk") is not None:
        return wrk(base, prefix, ids, seconds, connections, workdir)
    return python_load(base, prefix, ids, seconds, connections)


def wrk(base: str, prefix: str, ids: list[str], seconds: int, connections: int, workdir: str):
    """(requests/s, p50 ms, p99 ms, non-2xx) of wrk over `ids` under `prefix`."""
    script = Path(workdir) / f"{prefix.strip('/').replace('/', '_')}.lua"
    script.write_text(LUA % (",".join(f'"{i}"' for i in ids), prefix))
    threads = str(min(connections, 2))
    output = subprocess.run(
        [
            "wrk",
            "-t",
            threads,
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--latency",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return rate, _latency(output, "50%"), _latency(output, "99%"), int(bad.group(1)) if bad else 0


def python_load(base: str, prefix: str, ids: list[str], seconds: int, connections: int):
    """What wrk measures, from Python: one keep-alive connection per thread, the threads
    split over two processes (one process's GIL could not keep 32 connections busy).
    It takes more CPU than wrk from the server it measures: prefer wrk."""
    import multiprocessing

    processes = min(2, connections)
    shares = [connections // processes + (n < connections % processes) for n in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        parts = pool.starmap(
            _python_load_part, [(base, prefix, ids, seconds, share) for share in shares]
        )
    latencies = sorted(latency for part_latencies, _bad in parts for latency in part_latencies)
    bad = sum(part_bad for _latencies, part_bad in parts)
    if not latencies:
        sys.exit(f"{prefix}: no request answered")
    at = lambda q: latencies[min(int(q * len(latencies)), len(latencies) - 1)] * 1000  # noqa: E731
    return len(latencies) / seconds, at(0.50), at(0.99), bad


def _python_load_part(base: str, prefix: str, ids: list[str], seconds: int, threads: int):
    import http.client
    import threading
    from urllib.parse import urlsplit

    host, port = urlsplit(base).hostname, urlsplit(base).port
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    bad = [0]
    lock = threading.Lock()

    def client(seed: int) -> None:
        pick = random.Random(seed)
        connection = http.client.HTTPConnection(host, port, timeout=30)
        mine, my_bad = [], 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            connection.request("GET", prefix + pick.choice(ids))
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status >= 400:
                my_bad += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            bad[0] += my_bad

    workers = [threading.Thread(target=client, args=(n + os.getpid(),)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, bad[0]


def _combined(results: list[tuple]) -> tuple:
    """Mean rate, median p50 and p99, total non-2xx over the rounds."""
    rates, p50s, p99s, bad = zip(*results, strict=True)
    middle = len(results) // 2
    return (
        sum(rates) / len(rates),
        sorted(p50s)[middle],
        sorted(p99s)[middle],
        sum(bad),
    )


def _latency(output: str, label: str) -> float:
    value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", output).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def serve_options(args) -> list[str]:
    """`laurel serve`'s options: no task worker, --workers and --threads when given (else
    laurel serve's own defaults)."""
    options = ["--no-worker"]
    for option in ("workers", "threads"):
        if getattr(args, option):
            options += [f"--{option}", str(getattr(args, option))]
    return options


def measure(name: str, env: dict, args) -> None:
    print(f"{name}:")
    prepare(env, args.credentials)
    ids = credential_ids(env, args.ids)
    port = free_port()
    env = dict(env, LAUREL_BENCH_BASELINE="1")
    server = start_server(env, port, *serve_options(args))
    base = f"http://127.0.0.1:{port}"
    try:
        with tempfile.TemporaryDirectory() as workdir:
            visit_all(base, ids)  # every page once: its verdict and fragment are cached
            for prefix in ("/credential/", "/bench/baseline/"):  # warm up: connections
                load(base, prefix, ids, 5, args.connections, workdir)
            # Alternate the two, so that whatever else loads the machine weighs on both.
            runs: dict[str, list] = {"/credential/": [], "/bench/baseline/": []}
            cpu: dict[str, list] = {prefix: [0.0, 0] for prefix in runs}  # seconds, requests
            for _round in range(args.rounds):
                for prefix, results in runs.items():
                    seconds = max(args.seconds // args.rounds, 3)
                    used = server_cpu_seconds(server.pid)
                    results.append(load(base, prefix, ids, seconds, args.connections, workdir))
                    cpu[prefix][0] += server_cpu_seconds(server.pid) - used
                    cpu[prefix][1] += results[-1][0] * seconds
            page, baseline = (_combined(results) for results in runs.values())
            page_cpu, baseline_cpu = (spent / max(done, 1) * 1000 for spent, done in cpu.values())
    finally:
        stop_server(server)
    for label, (rate, p50, p99, bad) in (("/credential/<id>", page), ("baseline view", baseline)):
        errors = f", {bad} non-2xx" if bad else ""
        print(f"  {label:<18} {rate:8.0f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms{errors}")
    print(
        f"  web processes' CPU per request: page {page_cpu:.2f} ms, baseline {baseline_cpu:.2f} ms"
        " (what other load on the machine changes least)"
    )
    print(f"  load average at the end of the run: {load_average()} (1, 5, 15 min)")
    ratio = page[0] / baseline[0]
    verdict = "goal met" if ratio >= 1.0 and page[2] <= 50 else "goal NOT met"
    print(
        f"  ratio page/baseline {ratio:.2f}x; p99 page {page[2]:.1f} ms, baseline "
        f"{baseline[2]:.1f} ms ({verdict}: >= 1.0x and page p99 <= 50 ms)"
    )


def server_cpu_seconds(root: int) -> float:
    """User and system CPU time of `root` and every process under it (laurel serve,
    gunicorn and its workers; not the PostgreSQL server's own processes)."""
    children: dict[int, list[int]] = {}
    times: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        times[pid] = int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0)
        todo += children.get(pid, [])
    return total / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--credentials", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3, help="alternations of page/baseline")
    parser.add_argument("--ids", type=int, default=500, help="distinct credentials loaded")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--workers", type=int, help="web processes (default: laurel serve's)")
    parser.add_argument("--threads", type=int, help="threads per web process (default: ditto)")
    args = parser.parse_args()
    generator = "wrk" if shutil.which("wrk") else "the Python load generator (no wrk found)"
    print(
        f"GET /credential/<id> against `laurel serve` ({os.cpu_count()} CPUs, "
        f"{args.connections} connections, {args.ids} distinct credentials, {generator})"
    )
    print(f"load average before: {load_average()} (1, 5, 15 min)")
    on_each_database(
        args.database,
        "laurel_bench_verify",
        lambda name, env: measure(name, env, args),
        DJANGO_SETTINGS_MODULE="laurel.settings",
        LAUREL_BASE_URL="http://127.0.0.1:8000",
    )


if __name__ == "__main__":
    main()
