"""The data directory ($LAUREL_DATA_DIR, ./data by default): the embedded SQLite database,
the secrets generated for an installation that does not set its own, static files, uploads.

Reading the settings creates nothing on disk. `laurel migrate`, `laurel serve` and
`laurel run` make the directory, and the secrets it lacks, before Django starts
(`prepare`, called by laurel.cli); every other process reads what they made. Plain
Python, no Django: the settings import it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

# The secrets of an installation: from $NAME, from the file named by $NAME_FILE, or
# generated once by `prepare` into <data dir>/secrets/<name> and kept.
SECRETS = ("LAUREL_SECRET_KEY", "LAUREL_KEY_ENCRYPTION_KEY")
# The `laurel` subcommands that make the data directory.
PREPARING_COMMANDS = frozenset({"migrate", "serve", "run"})


class MissingSecret(Exception):
    """A secret is neither in the environment nor in the data directory."""


def location() -> Path:
    """The data directory, as the environment names it (it may not exist yet)."""
    return Path(os.environ.get("LAUREL_DATA_DIR", Path.cwd() / "data")).resolve()


def secret(name: str, data_dir: Path) -> str:
    """The secret `name` from $NAME, the file named by $NAME_FILE, or the data directory;
    MissingSecret when it is in none of them."""
    if os.environ.get(name):
        return os.environ[name]
    if os.environ.get(f"{name}_FILE"):
        return Path(os.environ[f"{name}_FILE"]).read_text().strip()
    path = _secret_path(name, data_dir)
    if not path.exists():
        raise MissingSecret(
            f"{name} is not set and {path} does not exist: set {name} (or {name}_FILE), "
            f"or run `laurel migrate`, which generates it into the data directory."
        )
    return path.read_text().strip()


def prepare(data_dir: Path | None = None) -> Path:
    """Make the data directory, its static files' directory and the secrets the
    environment does not give (each generated once, readable by this user only); safe to
    run from several processes at once. Returns the directory."""
    data_dir = data_dir or location()
    (data_dir / "static").mkdir(parents=True, exist_ok=True)  # whitenoise wants it
    for name in SECRETS:
        if not (os.environ.get(name) or os.environ.get(f"{name}_FILE")):
            _generate(_secret_path(name, data_dir))
    return data_dir


def _secret_path(name: str, data_dir: Path) -> Path:
    return data_dir / "secrets" / name.lower()


def _generate(path: Path) -> None:
    """Write a new secret to `path` unless it exists; the file appears whole (written
    beside it, then linked into place), so a reader never sees half of one."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
        os.link(draft, path)
    except FileExistsError:  # another process made it first: theirs is kept
        pass
    finally:
        draft.unlink()
