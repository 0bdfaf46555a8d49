"""`laurel serve`: the web server (gunicorn, several processes) and a task worker beside it.

This process only supervises: it binds the listening socket, hands it to gunicorn, starts
the worker, prints the address once /healthz answers, and on SIGINT/SIGTERM stops both
(each finishes what it is doing). If either child dies, the other is stopped too.
"""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

STOP_TIMEOUT_SECONDS = 30
READY_TIMEOUT_SECONDS = 60


def base_url_warning(base_url: str) -> str | None:
    """The one line `laurel serve` prints when LAUREL_BASE_URL is http:// off this machine:
    wallets and standard verifiers fetch did:web documents over HTTPS only."""
    parts = urlsplit(base_url)
    if parts.scheme != "http":
        return None
    host = parts.hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass  # a host name
    return (
        f"Warning: LAUREL_BASE_URL is {base_url}, but wallets and verifiers fetch did:web "
        "documents over HTTPS only: credentials issued here will not verify in them "
        "(use an https:// base URL)."
    )


def missing_fonts_report() -> str | None:
    """What `laurel serve` prints at start when a font (or FriBidi) the certificates are
    drawn with is not installed: found now, not as boxes in a PDF later."""
    from laurel.design import check_fonts

    missing = check_fonts()
    if not missing:
        return None
    lines = "\n".join(f"  - {face}" for face in missing)
    return (
        f"Warning: {len(missing)} font(s) that certificates are drawn with are missing; "
        f"text in those scripts will print as placeholders until they are installed:\n{lines}"
    )


def default_web_workers() -> int:
    """One web process a core (at least 2, at most 8), each answering one request at a
    time. Threads of one CPython process wait for each other's GIL (bench/verify_page.py
    at 32 connections on 2 cores: p99 57 ms with 2 processes x 4 threads, 37 ms with
    4 x 1); and more processes than cores only take turns on them with each other and
    with what shares the machine (PostgreSQL's backends, the load balancer): on 2 cores,
    2 processes answered /credential/<id> with a p99 of 37-55 ms where 4 took 50-90 ms,
    on PostgreSQL and on SQLite alike, at the same or a higher rate."""
    cores = os.cpu_count() or 1
    return int(os.environ.get("LAUREL_WEB_WORKERS", min(max(cores, 2), 8)))


class Command(BaseCommand):
    help = "Serve Laurel with gunicorn (several processes) and a task worker beside it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=os.environ.get("LAUREL_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("LAUREL_PORT", "8000")))
        parser.add_argument(
            "--fd",
            type=int,
            help="Serve on this already-bound listening socket instead of --host/--port.",
        )
        parser.add_argument(
            "--workers", type=int, default=default_web_workers(), help="Web processes."
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("LAUREL_WEB_THREADS", "1")),
            help="Threads per web process.",
        )
        parser.add_argument(
            "--task-workers",
            type=int,
            default=int(os.environ.get("LAUREL_TASK_WORKERS", "1")),
            help="Task worker processes started beside the web server.",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start a task worker (run `laurel worker` apart).",
        )

    def handle(self, *args, **options) -> None:
        if options["workers"] < 1 or options["threads"] < 1 or options["task_workers"] < 1:
            raise CommandError("--workers, --threads and --task-workers must be at least 1.")
        warning = base_url_warning(settings.LAUREL_BASE_URL)
        if warning:
            self.stderr.write(warning)
        fonts = missing_fonts_report()
        if fonts:
            self.stderr.write(fonts)
        listener = self._listener(options)
        host, port = listener.getsockname()[:2]
        children = {"web": self._start_web(listener, options)}
        listener.close()  # gunicorn holds its own copy
        if not options["no_worker"]:
            for number in range(options["task_workers"]):
                children[f"worker {number + 1}"] = self._start_worker()
        stopping = _install_stop_handlers()
        code = self._supervise(children, stopping, _local_url(host, port))
        _stop(children)
        self.stdout.write("Laurel stopped.")
        if code:
            raise CommandError(code)

    def _listener(self, options) -> socket.socket:
        if options["fd"] is not None:
            return socket.socket(fileno=os.dup(options["fd"]))
        try:
            return socket.create_server((options["host"], options["port"]), backlog=2048)
        except OSError as exc:
            reason = os.strerror(exc.errno) if exc.errno else str(exc)
            raise CommandError(
                f"Cannot listen on {options['host']}:{options['port']}: {reason}"
            ) from exc

    def _start_web(self, listener: socket.socket, options) -> subprocess.Popen:
        fd = listener.fileno()
        command = [
            sys.executable, "-m", "gunicorn", "laurel.wsgi:application",
            "--bind", f"fd://{fd}",
            "--workers", str(options["workers"]),
            "--worker-class", "gthread",
            "--threads", str(options["threads"]),
            "--graceful-timeout", "20",
            "--timeout", "60",
            "--no-control-socket",  # one fixed path under $HOME: two instances would collide
            "--access-logfile", "-" if os.environ.get("LAUREL_ACCESS_LOG") else "/dev/null",
        ]  # fmt: skip
        # Own session: a Ctrl-C reaches only this supervisor, which stops each child once.
        return subprocess.Popen(command, pass_fds=[fd], start_new_session=True)

    def _start_worker(self) -> subprocess.Popen:
        command = [sys.executable, "-m", "laurel.cli", "worker", "--verbosity", "0"]
        return subprocess.Popen(command, start_new_session=True, preexec_fn=_yield_to_web)

    def _supervise(self, children, stopping, url) -> str:
        ready = False
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while not stopping.is_set():
            for name, child in children.items():
                if child.poll() is not None:
                    return f"The {name} process exited (code {child.returncode}); stopping Laurel."
            if not ready:
                ready = _answers(f"{url}/healthz")
                if ready:
                    self.stdout.write(f"Laurel is ready at {url} (Ctrl-C stops it)", ending="\n")
                    self.stdout.flush()
                elif time.monotonic() > deadline:
                    return f"{url}/healthz did not answer within {READY_TIMEOUT_SECONDS} seconds."
            stopping.wait(0.2 if not ready else 1.0)
        self.stdout.write("Stopping Laurel...")
        return ""


def _yield_to_web() -> None:
    """In a task worker started beside the web processes: a lower CPU priority (nice), so
    that background work (emails, webhooks, bulk jobs) takes the CPU that requests leave
    and never slows an answer. LAUREL_WORKER_NICE sets how much (0: the same priority)."""
    os.nice(int(os.environ.get("LAUREL_WORKER_NICE", "10")))


class _StopFlag:
    def __init__(self) -> None:
        self._set = False

    def set(self, *_args) -> None:
        self._set = True

    def is_set(self) -> bool:
        return self._set

    def wait(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self._set and time.monotonic() < end:
            time.sleep(0.05)


def _install_stop_handlers() -> _StopFlag:
    flag = _StopFlag()
    signal.signal(signal.SIGINT, flag.set)
    signal.signal(signal.SIGTERM, flag.set)
    return flag


def _stop(children: dict[str, subprocess.Popen]) -> None:
    # SIGTERM: gunicorn finishes its requests, the worker its current task.
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for child in children.values():
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _local_url(host: str, port: int) -> str:
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


# Straight to the server: an http_proxy in the environment must not stand in between.
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _answers(url: str) -> bool:
    try:
        with _direct.open(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
