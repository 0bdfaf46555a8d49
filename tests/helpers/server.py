"""Run the real `laurel serve` in a subprocess against the test database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parents[2]
LAUREL = [sys.executable, "-m", "laurel.cli"]
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def database_url() -> str:
    """The URL of the database this test runs on (the test database), for subprocesses."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "LAUREL_DATA_DIR": str(settings.DATA_DIR),
        "DJANGO_SETTINGS_MODULE": "laurel.settings",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra)
    return env


def get(url: str, *, timeout: float = 10, headers: dict | None = None):
    """GET straight to the server (no proxy); returns the response, also for 4xx/5xx."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        return _direct.open(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        return error


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen
    log: tempfile.SpooledTemporaryFile

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def children(self) -> dict[int, str]:
        """The processes `laurel serve` started: pid -> command line."""
        return child_processes(self.process.pid)

    def stop(self, sig: int = signal.SIGINT, timeout: float = 60) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)


@contextmanager
def laurel_serve(*args: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    """`laurel serve` on a socket bound to a free port; yields once /healthz answers.

    LAUREL_BASE_URL is the server's own address, so DIDs and credential URLs resolve to it.
    """
    listener = socket.create_server(("127.0.0.1", 0))
    log = tempfile.TemporaryFile()
    base_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    process = subprocess.Popen(
        [*LAUREL, "serve", "--fd", str(listener.fileno()), "--workers", "2", *args],
        pass_fds=[listener.fileno()],
        env=subprocess_env(LAUREL_BASE_URL=base_url, **(env or {})),
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    listener.close()
    server = Server(base_url, process, log)
    try:
        _wait_until_ready(server)
        yield server
    finally:
        if process.poll() is None:
            server.stop()


def _wait_until_ready(server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            output = server.output()
            raise AssertionError(f"laurel serve exited early:\n{output}")
        try:
            if get(f"{server.base_url}/healthz", timeout=2).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("laurel serve did not answer /healthz in time")


def child_processes(parent_pid: int) -> dict[int, str]:
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == parent_pid:
                cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")
                children[int(stat.parent.name)] = cmdline.decode().strip()
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
    return children


def is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
