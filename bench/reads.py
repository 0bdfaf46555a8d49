"""The issue path's hand-written reads (laurel/credentials/issue_reads.py) against the ORM
queries they replace: statements and microseconds per call, both measured in this run.

    .venv/bin/python bench/reads.py [--calls 2000] [--database sqlite|postgres|both]

A fresh data directory (and, for PostgreSQL, a fresh database on $BENCH_POSTGRES_URL,
default postgres://postgres@127.0.0.1:5432) is migrated, given an organization, an API key
and a group with a few credentials, then each read runs `--calls` times in one process.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import LAUREL, REPO, on_each_database  # noqa: E402


def measure(label: str, env: dict, calls: int) -> None:
    subprocess.run([LAUREL, "migrate", "--verbosity", "0"], env=env, check=True)
    code = f"import sys; sys.path.insert(0, {str(REPO)!r}); from bench.reads import inside; "
    code += f"inside({label!r}, {calls})"
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def inside(label: str, calls: int) -> None:
    """Runs in the migrated environment: set up, then time each pair."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from laurel.credentials import issue_reads
    from laurel.credentials.models import Credential, CredentialGroup
    from laurel.credentials.services import create_group, issue
    from laurel.organizations.api_keys import api_key_hmac, create_api_key
    from laurel.organizations.models import ApiKey, Organization, SigningKey
    from laurel.organizations.permissions import Actor
    from laurel.organizations.services import create_organization
    from laurel.webhooks.models import WebhookSubscription

    owner = get_user_model().objects.create_user(username="bench@example.org")
    organization = create_organization(name="Bench", owner=owner, plan="enterprise", approved=True)
    actor = Actor.system(organization)
    _, raw_key = create_api_key(actor=actor, name="bench")
    group = create_group(actor=actor, title="Bench course", allow_duplicates=True)
    for _ in range(3):
        issue(actor=actor, group_key=group.key, recipient_name="A", recipient_email="a@x.org")
    key_hmac = api_key_hmac(raw_key)

    def orm_api_key():
        return (
            ApiKey.objects.select_related("organization")
            .filter(key_hmac=key_hmac, revoked_at__isnull=True)
            .first()
        )

    def orm_context():
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        key = SigningKey.objects.filter(organization=locked, status="active").first()
        found = CredentialGroup.objects.filter(organization=locked, key=group.key).first()
        listen = WebhookSubscription.objects.filter(
            organization=locked, deleted_at__isnull=True
        ).exists()
        return locked, key, found, listen

    def orm_recipient():
        return list(
            Credential.objects.filter(
                organization_id=group.organization_id,
                group=group,
                recipient_email_normalized="a@x.org",
            )
            .exclude(pk="")
            .order_by("-created_at", "-issued_on")
            .values_list("id", "status", "valid_until")
        )

    pairs = [
        ("API key with its organization", lambda: issue_reads.live_api_key(key_hmac), orm_api_key),
        (
            "lock, then the issuing context",
            lambda: issue_reads.lock_for_issuing(organization, group_key=group.key),
            orm_context,
        ),
        (
            "recipient check",
            lambda: issue_reads.recipient_credentials(group, "a@x.org"),
            orm_recipient,
        ),
    ]
    print(f"\n{label} ({calls} calls each, inside one transaction per call)")
    print(f"{'read':34} {'hand-written':>20} {'ORM':>20}")
    for name, by_hand, orm in pairs:
        figures = []
        for read in (by_hand, orm):
            with transaction.atomic(), CaptureQueriesContext(connection) as captured:
                read()
            statements = len(captured.captured_queries)
            for _ in range(50):  # warm: prepared statements, caches
                with transaction.atomic():
                    read()
            started = time.perf_counter()
            for _ in range(calls):
                with transaction.atomic():
                    read()
            elapsed = (time.perf_counter() - started) / calls * 1e6
            figures.append(f"{statements} stmt, {elapsed:6.0f} µs")
        print(f"{name:34} {figures[0]:>20} {figures[1]:>20}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    on_each_database(
        args.database, "laurel_bench_reads", lambda name, env: measure(name, env, args.calls)
    )


if __name__ == "__main__":
    main()
