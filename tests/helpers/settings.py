"""Read settings as a fresh process with its own environment would (they are read once,
at import, so a test cannot change them in its own process)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.helpers.server import REPO


def settings_seen(data_dir, show: str, **env: str) -> str:
    """What `show` (Python, run after django.setup()) prints in a process whose environment
    is this one without any LAUREL_* or DATABASE_* variable, plus `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LAUREL_", "DATABASE_"))}
    clean.update(DJANGO_SETTINGS_MODULE="laurel.settings", LAUREL_DATA_DIR=str(data_dir), **env)
    finished = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {show}"],
        env=clean,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stdout
