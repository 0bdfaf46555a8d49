"""How fast the API issues credentials, against a real `laurel serve`.

Run: .venv/bin/python bench/api.py [--requests 300] [--clients 8] [--database sqlite|postgres|both]

For each database (SQLite in a fresh data directory; PostgreSQL in a fresh database on
$BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432), it migrates, makes an
approved organization with an API key (`laurel org create`), starts `laurel serve` on a free
port, and POSTs /api/v1/credentials (issue and publish: recipient check, quota, status-list
slot, Ed25519 signature, audit, queued email) to distinct recipients, each client on one
keep-alive connection of the standard library's http.client (the run also says how much
the `requests` library would add on its own):
  - latency: one client, one request at a time (p50, p99);
  - throughput: N clients at once (credentials issued per second).
Baselines measured in the same run (the machine is shared, so absolute figures drift with
its load): GET /healthz against the same server (one database query; the floor of any
request) and the bare signature (laurel.vc.proof.sign of a credential of the same shape,
in this process). The issue p50 is also given as a ratio to the /healthz p50.
Goal (issue 4): p50 <= 25 ms for one issue on this machine.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# bench/bulk.py and bench/zip.py import LAUREL, free_port, stop_server and load_average from
# here, with this module's own prepare and base_env.
from bench import _common  # noqa: E402
from bench._common import (  # noqa: E402
    LAUREL,
    REPO,
    free_port,
    load_average,
    on_each_database,
    run,
    start_server,
    stop_server,
)

_recipients = itertools.count(1)


def prepare(env: dict) -> str:
    """Migrate, make an organization; returns its API key."""
    run(env, LAUREL, "migrate", "--verbosity", "0")
    run(env, LAUREL, "createcachetable")
    created = run(
        env,
        LAUREL,
        "org",
        "create",
        "--name",
        "Bench Academy",
        "--owner-email",
        "bench@example.org",
        "--plan",
        "enterprise",
        "--monthly-quota",
        "10000000",
        "--approved",
        "--api-key",
        "--json",
    )
    return json.loads(created)["api_key"]


class Client:
    """One keep-alive connection (the standard library's http.client: `requests` adds
    about 2.5 ms of its own per request on this machine, which is not the server's)."""

    def __init__(self, base: str, key: str, group_key: str) -> None:
        self.connection = Connection(base)
        self.group_key = group_key
        self.headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def issue(self) -> float:
        """Issue one credential; returns the seconds it took."""
        n = next(_recipients)
        body = json.dumps(
            {
                "group_key": self.group_key,
                "recipient": {"name": f"Recipient {n}", "email": f"recipient{n}@example.org"},
            }
        )
        started = time.perf_counter()
        status, answer = self.connection.request("POST", "/api/v1/credentials", body, self.headers)
        elapsed = time.perf_counter() - started
        if status != 201:
            raise RuntimeError(f"issue answered {status}: {answer[:300]!r}")
        return elapsed


class Connection:
    def __init__(self, base: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.http = http.client.HTTPConnection(host, int(port), timeout=30)

    def request(self, method: str, path: str, body=None, headers=None) -> tuple[int, bytes]:
        try:
            return self._exchange(method, path, body, headers)
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # The server closed the connection after its keep-alive timeout (gunicorn: 2 s
            # idle, e.g. between the phases of this run): it read nothing; connect again.
            self.http.close()
            return self._exchange(method, path, body, headers)

    def _exchange(self, method, path, body, headers) -> tuple[int, bytes]:
        self.http.request(method, path, body=body, headers=headers or {})
        response = self.http.getresponse()
        return response.status, response.read()


def healthz_latencies(base: str, count: int) -> list[float]:
    connection = Connection(base)
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        status, _ = connection.request("GET", "/healthz")
        latencies.append(time.perf_counter() - started)
        if status != 200:
            raise RuntimeError(f"/healthz answered {status}")
    return latencies


def requests_overhead(base: str, count: int) -> float:
    """What the `requests` library adds to a GET /healthz (p50 of it minus http.client's)."""
    session = requests.Session()
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        session.get(f"{base}/healthz", timeout=30).raise_for_status()
        latencies.append(time.perf_counter() - started)
    return percentile(latencies, 0.5) - percentile(healthz_latencies(base, count), 0.5)


def signing_seconds(count: int = 200) -> float:
    """The bare signature of one issued credential (build excluded), median of `count`."""
    sys.path.insert(0, str(REPO))
    from datetime import UTC, datetime

    from laurel.vc import keys, proof
    from laurel.vc.credential import (
        AchievementInfo,
        IssuerProfile,
        Recipient,
        StatusEntry,
        build_credential,
    )

    base = "http://127.0.0.1:8000"
    unsigned = build_credential(
        credential_id=f"{base}/credential/{'a' * 32}",
        issuer=IssuerProfile(id="did:web:127.0.0.1%3A8000:issuers:bench-academy", name="Bench"),
        achievement=AchievementInfo(
            id=f"{base}/issuers/bench-academy/groups/abcdefabcdef",
            name="Benchmarking 101",
            description="Benchmarking 101",
            criteria="Benchmarking 101",
        ),
        recipient=Recipient(name="Recipient 1", email="recipient1@example.org"),
        valid_from=datetime.now(UTC),
        status=[StatusEntry(list_url=f"{base}/status/{'b' * 16}", index=7)],
    )
    key = keys.generate_key()
    method = "did:web:127.0.0.1%3A8000:issuers:bench-academy#key-1"
    timings = []
    for second in range(count):
        created = datetime(2025, 1, 1, 0, second // 60 % 60, second % 60, tzinfo=UTC)
        started = time.perf_counter()
        proof.sign(unsigned, private_key=key, verification_method=method, created=created)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(round(fraction * (len(ordered) - 1))), len(ordered) - 1)]


def measure(name: str, env: dict, requests_count: int, clients: int, warmup: int) -> None:
    key = prepare(env)
    port = free_port()
    server = start_server(env, port)
    try:
        base = f"http://127.0.0.1:{port}"
        admin = requests.Session()
        admin.headers["Authorization"] = f"Bearer {key}"
        group = admin.post(f"{base}/api/v1/groups", json={"title": "Benchmarking 101"}).json()
        client = Client(base, key, group["key"])
        for _ in range(warmup):  # warm up every web process, its connection, the tables
            client.issue()
        load_before = load_average()
        healthz = healthz_latencies(base, requests_count)
        overhead = requests_overhead(base, min(requests_count, 200))
        latencies = [client.issue() for _ in range(requests_count)]
        throughput, errors = concurrent_throughput(base, key, group["key"], requests_count, clients)
        backlog = email_backlog(env)
        signing = signing_seconds()
    finally:
        stop_server(server)
    issue_p50, healthz_p50 = percentile(latencies, 0.5), percentile(healthz, 0.5)
    print(f"\n{name} (load average before: {load_before}; after: {load_average()})")
    print(
        f"  baseline GET /healthz, 1 client, {requests_count} requests: "
        f"p50 {healthz_p50 * 1000:.1f} ms, p99 {percentile(healthz, 0.99) * 1000:.1f} ms"
    )
    print(f"  baseline bare signature (proof.sign, in this process): {signing * 1000:.2f} ms")
    print(
        "  client: http.client, one keep-alive connection each "
        f"(the requests library would add {overhead * 1000:.1f} ms to every figure)"
    )
    print(
        f"  latency, 1 client, {requests_count} issues: p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, "
        f"mean {statistics.mean(latencies) * 1000:.1f} ms"
    )
    print(
        f"  issue p50 = {issue_p50 / healthz_p50:.1f} x GET /healthz p50; "
        f"the signature is {signing / issue_p50:.0%} of it"
    )
    print(
        f"  throughput, {clients} clients: {throughput:.0f} credentials issued/s"
        + (f" ({errors} errors)" if errors else "")
    )
    print(f"  issuance emails (sent by the niced task worker): {backlog}")


QUEUED_EMAILS = (
    "from laurel.mail.models import EmailDelivery as E; "
    "print(E.objects.filter(status__in=['queued', 'sending']).count(), E.objects.count())"
)


def email_backlog(env: dict, limit_seconds: float = 120) -> str:
    """How long after the last issue the worker had every issuance email in the outbox."""
    started = time.perf_counter()
    while True:
        answer = run(env, LAUREL, "shell", "--verbosity", "0", "-c", QUEUED_EMAILS)
        queued, total = map(int, answer.split()[-2:])
        waited = time.perf_counter() - started
        if queued == 0:
            return f"all {total} in the outbox {waited:.0f} s after the last issue"
        if waited > limit_seconds:
            return f"{queued} of {total} still queued {waited:.0f} s after the last issue"
        time.sleep(1)


def concurrent_throughput(base, key, group_key, total, clients) -> tuple[float, int]:
    per_client = max(total // clients, 1)
    errors = []

    def run() -> None:
        client = Client(base, key, group_key)
        for _ in range(per_client):
            try:
                client.issue()
            except Exception as exc:  # counted, not fatal: the figure says how many
                errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return (per_client * clients - len(errors)) / elapsed, len(errors)


UNLIMITED = {  # no rate limit: the benchmark is all one key, from one address
    "LAUREL_API_RATE_LIMIT_PER_KEY": "100000000",
    "LAUREL_API_RATE_LIMIT_PER_IP": "100000000",
}


def base_env(data_dir: str) -> dict:
    """The environment of the Laurel measured here (bench/bulk.py and bench/zip.py too)."""
    return _common.base_env(data_dir, **UNLIMITED)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--warmup", type=int, default=20, help="issues before measuring (fresh tables are slow)"
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    print(f"POST /api/v1/credentials against `laurel serve` ({os.cpu_count()} CPUs)")
    on_each_database(
        args.database,
        "laurel_bench",
        lambda name, env: measure(name, env, args.requests, args.clients, args.warmup),
        **UNLIMITED,
    )


if __name__ == "__main__":
    main()
