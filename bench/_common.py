"""What the benchmarks that run Laurel for real share: its commands, a `laurel serve` on a
free port, a fresh data directory and a fresh PostgreSQL database, the machine's load.

Import it as `bench._common` (the scripts put the repository on sys.path first).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
LAUREL = str(REPO / ".venv" / "bin" / "laurel")
PYTHON = str(REPO / ".venv" / "bin" / "python")
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(env: dict, *command: str) -> str:
    """`command`'s standard output; the benchmark stops with its output if it fails."""
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def start_server(env: dict, port: int, *options: str) -> subprocess.Popen:
    """`laurel serve --port <port> <options>`, once its /healthz answers."""
    server = subprocess.Popen(
        [LAUREL, "serve", "--port", str(port), *options],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return server
        except requests.RequestException:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGKILL)
    sys.exit("laurel serve did not become ready")


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM, as an operator stops it (laurel serve then stops its web processes and
    worker); SIGKILL if it has not stopped a minute later."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def load_average() -> str:
    """The machine's 1, 5 and 15 minute load averages (it is shared: they say how much
    else ran beside the benchmark)."""
    try:
        return ", ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def base_env(data_dir: str, **settings: str) -> dict:
    """This process's environment for a Laurel in `data_dir` on its SQLite (any
    DATABASE_URL left out), logging errors only, with `settings` added."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")}
    env.update(LAUREL_DATA_DIR=data_dir, LAUREL_LOG_LEVEL="ERROR", **settings)
    return env


@contextmanager
def postgres_database(name: str) -> Iterator[str]:
    """A fresh database `name` on $BENCH_POSTGRES_URL: yields its URL, drops it after
    (with whatever connections are still open to it)."""
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def on_each_database(
    database: str, name: str, measure: Callable[[str, dict], None], **settings: str
) -> None:
    """measure("SQLite", env) in a fresh data directory, then measure("PostgreSQL", env) in
    another with a fresh database `name`_<pid>, as `database` (sqlite, postgres or both)
    says; `env` is base_env's with `settings`."""
    if database in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="laurel-bench-") as data_dir:
            measure("SQLite", base_env(data_dir, **settings))
    if database in ("postgres", "both"):
        with (
            postgres_database(f"{name}_{os.getpid()}") as url,
            tempfile.TemporaryDirectory(prefix="laurel-bench-") as data_dir,
        ):
            measure("PostgreSQL", {**base_env(data_dir, **settings), "DATABASE_URL": url})
