"""What a verifier's fetches cost, against a real `laurel serve` on the embedded SQLite.

Run: .venv/bin/python bench/serve.py [--requests 2000] [--clients 8]

Sets up a fresh data directory (migrate, `laurel demo`), then for persistent database
connections (LAUREL_CONN_MAX_AGE=600, the default) and a new connection per request
(LAUREL_CONN_MAX_AGE=0) starts `laurel serve --no-worker` and GETs, from N clients at once,
the public credential JSON and the status list (what `laurel verify <url>` fetches).
Prints requests per second for each, and the ratio.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import LAUREL, base_env, free_port, start_server, stop_server  # noqa: E402


def setup(env: dict) -> list[str]:
    for args in (["migrate", "--verbosity", "0"], ["demo"]):
        subprocess.run([LAUREL, *args], env=env, check=True, capture_output=True)
    database = Path(env["LAUREL_DATA_DIR"]) / "laurel.sqlite3"
    with sqlite3.connect(database) as db:
        credential, document = db.execute(
            "select id, document from credentials_credential "
            "where status = 'published' and privacy = 'public' limit 1"
        ).fetchone()
    status_list = document.split('"statusListCredential": "')[1].split('"')[0]
    base = env["LAUREL_BASE_URL"]
    return [f"{base}/credential/{credential}.json", status_list]


def throughput(urls: list[str], total: int, clients: int) -> float:
    per_client = total // clients
    errors: list[str] = []

    def client() -> None:
        with requests.Session() as session:
            for n in range(per_client):
                response = session.get(urls[n % len(urls)], timeout=30)
                if response.status_code != 200:
                    errors.append(f"{response.status_code} {response.url}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if errors:
        sys.exit(f"{len(errors)} failed requests, e.g. {errors[0]}")
    return per_client * clients / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()

    port = free_port()
    data_dir = tempfile.mkdtemp(prefix="laurel-bench-serve-")
    env = base_env(data_dir, LAUREL_BASE_URL=f"http://127.0.0.1:{port}")
    urls = setup(env)
    results = {}
    for label, max_age in (("persistent connections", "600"), ("connection per request", "0")):
        server = start_server({**env, "LAUREL_CONN_MAX_AGE": max_age}, port, "--no-worker")
        try:
            throughput(urls, 200, args.clients)  # warm up every web process
            results[label] = throughput(urls, args.requests, args.clients)
        finally:
            stop_server(server)
        print(f"{label:>24}: {results[label]:7.0f} requests/s "
              f"({args.requests} GETs of credential JSON + status list, {args.clients} clients)")  # fmt: skip
    ratio = results["connection per request"] / results["persistent connections"]
    print(f"a new SQLite connection per request keeps {ratio:.0%} of the throughput")


if __name__ == "__main__":
    main()
