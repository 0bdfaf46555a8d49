"""Read settings as a fresh process with its own environment would (they are read once,
at import, so a test cannot change them in its own process)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.helpers.server import REPO

PREPARE = "from laurel.ops import data_dir; data_dir.prepare(); "


def fresh_environment(data_dir, **env: str) -> dict[str, str]:
    """This process's environment without any LAUREL_* or DATABASE_* variable, with Laurel's
    settings on `data_dir`, plus `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LAUREL_", "DATABASE_"))}
    clean.update(DJANGO_SETTINGS_MODULE="laurel.settings", LAUREL_DATA_DIR=str(data_dir), **env)
    return clean


def settings_process(data_dir, show: str, *, prepared: bool = True, **env: str):
    """Run `show` (Python, after django.setup()) in a process with a fresh_environment;
    the finished process.

    `prepared`: the data directory was made first, as `laurel migrate`/`serve`/`run` do."""
    clean = fresh_environment(data_dir, **env)
    code = f"{PREPARE if prepared else ''}import django; django.setup(); {show}"
    return subprocess.run(
        [sys.executable, "-c", code],
        env=clean,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_seen(data_dir, show: str, *, prepared: bool = True, **env: str) -> str:
    """What `show` prints (see settings_process); the process must succeed."""
    finished = settings_process(data_dir, show, prepared=prepared, **env)
    assert finished.returncode == 0, finished.stderr
    return finished.stdout
