"""Settings refuse what they cannot read: a boolean that is neither true nor false, a
number that is no number, a choice that is none of the choices is an ImproperlyConfigured
naming the variable, never a silent default. Quotas per plan come from the environment;
the production settings name no test database."""

import pytest

from tests.helpers.settings import settings_process, settings_seen


@pytest.mark.parametrize(
    "name, value",
    [
        ("LAUREL_DEBUG", "ture"),
        ("LAUREL_EMAIL_USE_TLS", "yes please"),
        ("LAUREL_WEBHOOK_ALLOW_PRIVATE_TARGETS", "2"),
        ("LAUREL_DB_PREPARED_STATEMENTS", "nope"),
        ("LAUREL_API_RATE_LIMIT_PER_KEY", "ten"),
        ("LAUREL_EMAIL_RETRY_SECONDS", "1m"),
        ("LAUREL_PLAN_QUOTA_FREE", "lots"),
        ("LAUREL_PLAN_QUOTA_ENTERPRISE", "-5"),
        ("LAUREL_API_RATE_LIMIT_STORE", "databse"),
        ("DATABASE_URL", "127.0.0.1:5432/laurel"),
    ],
)
def test_a_value_that_cannot_be_read_is_a_configuration_error_naming_it(tmp_path, name, value):
    env = {name: value}
    if name == "LAUREL_DB_PREPARED_STATEMENTS":
        env["DATABASE_URL"] = "postgres://laurel@db.example:5432/laurel"  # read for PostgreSQL
    finished = settings_process(tmp_path, "", **env)
    assert finished.returncode != 0
    last_line = finished.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert f"{name}={value!r}" in last_line


@pytest.mark.parametrize("value, expected", [("1", True), (" TRUE ", True), ("on", True),
                                             ("0", False), ("no", False), ("", False)])  # fmt: skip
def test_booleans_read_the_usual_words(tmp_path, value, expected):
    show = "from django.conf import settings; print(settings.DEBUG)"
    assert settings_seen(tmp_path, show, LAUREL_DEBUG=value).strip() == str(expected)


def test_quotas_per_plan_come_from_the_environment(tmp_path):
    show = "from django.conf import settings; print(sorted(settings.LAUREL_PLAN_QUOTAS.items()))"
    default = settings_seen(tmp_path, show).strip()
    assert default == "[('enterprise', 5000), ('free', 1000), ('professional', 1000)]"
    chosen = settings_seen(
        tmp_path, show, LAUREL_PLAN_QUOTA_FREE="50", LAUREL_PLAN_QUOTA_ENTERPRISE="20000"
    ).strip()
    assert chosen == "[('enterprise', 20000), ('free', 50), ('professional', 1000)]"


def test_an_empty_database_url_is_the_embedded_sqlite(tmp_path):
    show = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    engine = settings_seen(tmp_path, show, DATABASE_URL=" ").strip()
    assert engine == "django.db.backends.sqlite3"


@pytest.mark.parametrize("url", ["", "postgres://laurel@db.example:5432/laurel"])
def test_the_production_settings_name_no_test_database(tmp_path, url):
    show = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default'].get('TEST', {}).get('NAME'))"
    )
    env = {"DATABASE_URL": url} if url else {}
    assert settings_seen(tmp_path, show, **env).strip() == "None"  # Django's own default
