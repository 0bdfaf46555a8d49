"""Secrets come from the environment, from a file named by <NAME>_FILE, or are generated
once into the data directory (embedded mode) by the commands that make it, and kept.
Reading the settings creates nothing on disk."""

import subprocess

from tests.helpers.server import LAUREL, REPO
from tests.helpers.settings import fresh_environment, settings_process, settings_seen

SHOW = (
    "from django.conf import settings; "
    "print(settings.SECRET_KEY); print(settings.LAUREL_KEY_ENCRYPTION_KEY)"
)


def secrets_seen(data_dir, **env) -> list[str]:
    return settings_seen(data_dir, SHOW, prepared=False, **env).split()


def laurel_migrate(data_dir) -> None:
    """`laurel migrate` in embedded mode (SQLite in `data_dir`), as a user would run it."""
    migrated = subprocess.run(
        [*LAUREL, "migrate", "--verbosity", "0"],
        env=fresh_environment(data_dir),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrated.returncode == 0, migrated.stderr


def test_secrets_are_generated_once_into_the_data_directory(tmp_path):
    data_dir = tmp_path / "data"
    laurel_migrate(data_dir)
    first = secrets_seen(data_dir)
    assert len(first) == 2 and first[0] != first[1] and min(map(len, first)) >= 40
    assert secrets_seen(data_dir) == first  # kept: signing keys stay readable
    stored = data_dir / "secrets" / "laurel_secret_key"
    assert stored.read_text().strip() == first[0]
    assert stored.stat().st_mode & 0o777 == 0o600


def test_secrets_come_from_the_environment_or_a_file(tmp_path):
    key_file = tmp_path / "encryption-key"
    key_file.write_text("from-a-file\n")
    seen = secrets_seen(
        tmp_path / "data",
        LAUREL_SECRET_KEY="from-the-environment",
        LAUREL_KEY_ENCRYPTION_KEY_FILE=str(key_file),
    )
    assert seen == ["from-the-environment", "from-a-file"]
    assert not (tmp_path / "data" / "secrets").exists()
    assert not (tmp_path / "data").exists()  # reading the settings made no directory


def test_a_missing_secret_is_a_configuration_error_naming_it_and_nothing_is_made(tmp_path):
    finished = settings_process(tmp_path / "data", SHOW, prepared=False)
    assert finished.returncode != 0
    assert "ImproperlyConfigured" in finished.stderr
    assert "LAUREL_SECRET_KEY is not set" in finished.stderr
    assert "laurel migrate" in finished.stderr
    assert not (tmp_path / "data").exists()
