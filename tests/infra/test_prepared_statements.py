"""On PostgreSQL the statements a connection runs again and again (every issue runs the
same dozen) are prepared once, so the server stops parsing and planning them; a setting
turns that off for poolers that cannot keep prepared statements."""

import pytest
from django.db import connection

from tests.helpers.settings import settings_seen

SHOW = "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS'))"


def database_options(tmp_path, **env) -> str:
    return settings_seen(tmp_path, SHOW, **env).strip()


def test_postgresql_prepares_statements_unless_told_not_to(tmp_path):
    url = "postgres://laurel@db.example:5432/laurel"  # settings only: nothing connects
    on = database_options(tmp_path, DATABASE_URL=url)
    assert "'server_side_binding': True" in on and "'prepare_threshold': 5" in on
    off = database_options(tmp_path, DATABASE_URL=url, LAUREL_DB_PREPARED_STATEMENTS="0")
    assert "prepare_threshold" not in off and "server_side_binding" not in off
    assert "prepare_threshold" not in database_options(tmp_path)  # SQLite


@pytest.mark.django_db
def test_what_every_issue_runs_is_prepared_on_postgresql(owner, never_group):
    from laurel.credentials.services import issue

    for n in range(7):
        issue(
            actor=owner,
            group_key=never_group.key,
            recipient_name=f"R{n}",
            recipient_email=f"r{n}@example.org",
        )
    if connection.vendor != "postgresql":  # the SQLite run: nothing to prepare there
        assert "prepare_threshold" not in connection.settings_dict.get("OPTIONS", {})
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = "\n".join(row[0] for row in cursor.fetchall())
    for hot in ("credentials_statuslist", "organizations_quotausage", "organizations_signingkey"):
        assert hot in prepared, prepared[:2000]


@pytest.mark.django_db
def test_a_batch_of_more_than_65535_parameters_is_cut_to_fit(acme):
    """Bound by the server, a statement takes at most 65,535 parameters: the batches Django
    cuts itself (in_bulk, a cascade's deletions in the admin) must fit."""
    from django.db.models.deletion import Collector

    from laurel.organizations.models import AuditEvent

    events = AuditEvent.objects.bulk_create(
        AuditEvent(organization=acme, door="system", action="bulk.test", object_id=str(n))
        for n in range(7000)
    )
    missing = range(10**12, 10**12 + 63000)
    ids = [event.pk for event in events] + list(missing)  # 70,000 distinct parameters
    assert len(AuditEvent.objects.in_bulk(ids)) == 7000
    batches = Collector(using="default").get_del_batches(ids, [AuditEvent._meta.pk])
    assert sum(map(len, batches)) == 70000
    assert max(map(len, batches)) <= connection.features.max_query_params <= 65535
