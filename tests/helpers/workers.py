"""Real `laurel worker` processes against the test database (for the bulk job tests)."""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

from tests.helpers.server import LAUREL, REPO, subprocess_env


@dataclass
class Worker:
    process: subprocess.Popen
    log: tempfile.SpooledTemporaryFile

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def kill(self, sig: int) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        self.process.wait(timeout=60)


def start_worker(*queues: str, **env: str) -> Worker:
    """`laurel worker` on `queues` (all by default), polling every 0.1 s."""
    log = tempfile.TemporaryFile()
    args = [*LAUREL, "worker", "--interval", "0.1", "--no-startup-delay"]
    if queues:
        args += ["--queue-name", ",".join(queues)]
    process = subprocess.Popen(
        args,
        env=subprocess_env(**env),
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return Worker(process, log)


def wait_for(condition: Callable[[], bool], *, timeout: float, workers=(), what: str) -> None:
    """Poll `condition` until true; fail (with the workers' output) after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        for worker in workers:
            if worker.process.poll() is not None:
                raise AssertionError(f"a worker exited early:\n{worker.output()}")
        time.sleep(0.05)
    logs = "\n---\n".join(worker.output()[-3000:] for worker in workers)
    raise AssertionError(f"timed out waiting for {what}\n{logs}")
