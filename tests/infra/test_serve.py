"""`laurel serve` for real: gunicorn processes and a task worker, started and stopped."""

import os
import signal
import socket
import subprocess
import time

import pytest
from django_tasks_db.models import DBTaskResult

from laurel.ops.management.commands.serve import base_url_warning
from laurel.ops.tasks import ping
from tests.helpers.server import (
    LAUREL,
    REPO,
    child_processes,
    get,
    is_running,
    laurel_serve,
    subprocess_env,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("serve")]


def wait_for(condition, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_serve_answers_healthz_runs_tasks_and_sigint_stops_every_process():
    with laurel_serve() as server:
        response = get(f"{server.base_url}/healthz")
        assert response.status == 200
        children = server.children()
        assert any("gunicorn" in command for command in children.values())
        assert any(" worker" in command for command in children.values())

        result = ping.enqueue("from the test")
        assert wait_for(lambda: DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL")
        assert DBTaskResult.objects.get(id=result.id).return_value == "pong from the test"

        master = next(pid for pid, command in children.items() if "gunicorn" in command)
        web_processes = child_processes(master)
        assert len(web_processes) == 2  # --workers 2
        # The worker yields the CPU to requests: nice 10 above the web processes.
        worker = next(pid for pid, command in children.items() if " worker" in command)
        web_nice = os.getpriority(os.PRIO_PROCESS, master)
        assert os.getpriority(os.PRIO_PROCESS, worker) == min(web_nice + 10, 19)
        assert all(os.getpriority(os.PRIO_PROCESS, pid) == web_nice for pid in web_processes)
        assert server.stop(signal.SIGINT) == 0
    assert "Laurel stopped." in server.output()
    for pid in [*children, *web_processes]:
        assert not is_running(pid), f"{children.get(pid)} still running after Ctrl-C"


def test_sigterm_stops_serve_cleanly_too():
    with laurel_serve() as server:
        children = server.children()
        assert server.stop(signal.SIGTERM) == 0
    assert not any(is_running(pid) for pid in children)


def test_serve_with_no_worker_starts_only_the_web_server():
    with laurel_serve("--no-worker") as server:
        commands = list(server.children().values())
        assert len(commands) == 1 and "gunicorn" in commands[0]
        assert get(f"{server.base_url}/healthz").status == 200


def test_serve_on_a_port_in_use_says_so_in_one_line():
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        finished = subprocess.run(
            [*LAUREL, "serve", "--port", str(port)],
            env=subprocess_env(),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert finished.returncode != 0
    assert finished.stderr.strip().splitlines() == [
        f"CommandError: Cannot listen on 127.0.0.1:{port}: Address already in use"
    ]


def test_serve_warns_in_one_line_that_an_http_base_url_off_loopback_breaks_wallets():
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        finished = subprocess.run(
            [*LAUREL, "serve", "--port", str(port)],  # the port in use: it stops at once
            env=subprocess_env(LAUREL_BASE_URL="http://badges.example.org"),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert finished.stderr.strip().splitlines() == [
        "Warning: LAUREL_BASE_URL is http://badges.example.org, but wallets and verifiers "
        "fetch did:web documents over HTTPS only: credentials issued here will not verify "
        "in them (use an https:// base URL).",
        f"CommandError: Cannot listen on 127.0.0.1:{port}: Address already in use",
    ]


@pytest.mark.parametrize(
    "base_url, warned",
    [
        ("http://badges.example.org", True),
        ("http://203.0.113.7:8000", True),
        ("http://10.0.0.5", True),
        ("https://badges.example.org", False),
        ("http://127.0.0.1:8000", False),
        ("http://127.1.2.3", False),
        ("http://localhost:8000", False),
        ("http://app.localhost", False),
        ("http://[::1]:8000", False),
    ],
)
def test_only_an_http_base_url_off_loopback_is_warned_about(base_url, warned):
    assert (base_url_warning(base_url) is not None) is warned


def test_when_the_task_worker_dies_serve_stops_the_web_server_and_says_why():
    with laurel_serve() as server:
        children = server.children()
        worker = next(pid for pid, command in children.items() if " worker" in command)
        os.kill(worker, signal.SIGKILL)
        assert server.process.wait(timeout=60) != 0
    assert "The worker 1 process exited" in server.output()
    assert not any(is_running(pid) for pid in children)
