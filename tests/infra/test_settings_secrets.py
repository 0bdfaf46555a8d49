"""Secrets come from the environment, from a file named by <NAME>_FILE, or are generated
once into the data directory (embedded mode) and kept."""

from tests.helpers.settings import settings_seen

SHOW = (
    "from django.conf import settings; "
    "print(settings.SECRET_KEY); print(settings.LAUREL_KEY_ENCRYPTION_KEY)"
)


def secrets_seen(data_dir, **env) -> list[str]:
    return settings_seen(data_dir, SHOW, **env).split()


def test_secrets_are_generated_once_into_the_data_directory(tmp_path):
    first = secrets_seen(tmp_path)
    assert len(first) == 2 and first[0] != first[1] and min(map(len, first)) >= 40
    assert secrets_seen(tmp_path) == first  # kept: signing keys stay readable
    stored = tmp_path / "secrets" / "laurel_secret_key"
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
