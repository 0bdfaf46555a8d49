"""What the issuer's activity panels cost to read over a group of 100,000 credentials,
against summing the group's per-credential rows (what a group total would cost without
the per-group rollup), both measured in this run.

    .venv/bin/python bench/analytics.py [--credentials 100000] [--days 4] [--calls 50]
        [--database sqlite|postgres|both]

A fresh data directory (and, for PostgreSQL, a fresh database on $BENCH_POSTGRES_URL,
default postgres://postgres@127.0.0.1:5432) is migrated and given one group of
--credentials credentials (cloned rows: nothing here reads a signature); every credential
is counted on --days days (a view each day, a download on one), through the same flush
the pages use. Then each read runs --calls times: milliseconds per call.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import LAUREL, REPO, load_average, on_each_database  # noqa: E402


def measure(label: str, env: dict, args) -> None:
    subprocess.run([LAUREL, "migrate", "--verbosity", "0"], env=env, check=True)
    code = f"import sys; sys.path.insert(0, {str(REPO)!r}); from bench.analytics import inside; "
    code += f"inside({label!r}, {args.credentials}, {args.days}, {args.calls})"
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def inside(label: str, total: int, days: int, calls: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")
    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import Sum
    from django.utils import timezone

    from laurel.analytics import services
    from laurel.analytics.models import DailyCount
    from laurel.analytics.selectors import credential_totals, group_totals
    from laurel.credentials.models import Credential, new_credential_id
    from laurel.credentials.services import create_group, issue
    from laurel.organizations.models import Door
    from laurel.organizations.permissions import Actor
    from laurel.organizations.services import create_organization

    owner = get_user_model().objects.create_user(username="bench@example.org")
    organization = create_organization(
        name="Bench",
        owner=owner,
        plan="enterprise",
        approved=True,
        monthly_quota_override=10_000_000,
        door=Door.SYSTEM,
    )
    actor = Actor.system(organization)
    group = create_group(actor=actor, title="Bench course", allow_duplicates=True)
    first = issue(actor=actor, group_key=group.key, recipient_name="A", recipient_email="a@x.org")
    fields = {f.attname: getattr(first, f.attname) for f in Credential._meta.concrete_fields}
    started = time.monotonic()
    ids, batch = [first.pk], []
    for n in range(1, total):
        row = dict(fields, id=new_credential_id(), status_list_index=first.status_list_index + n)
        batch.append(Credential(**row))
        ids.append(row["id"])
        if len(batch) == 5000 or n == total - 1:
            with transaction.atomic():
                Credential.objects.bulk_create(batch)
            batch = []
    today = timezone.now().date()
    for day in range(days):
        on = today - timedelta(days=day * 3)
        for start in range(0, len(ids), 1000):
            counts = {(pk, on, "view"): 1 for pk in ids[start : start + 1000]}
            if day == 0:
                counts.update({(pk, on, "pdf"): 1 for pk in ids[start : start + 1000]})
            services._upsert(counts)
    rows = DailyCount.objects.count()
    print(f"{label}: {total} credentials, {rows} counter rows ({time.monotonic() - started:.0f} s)")

    def naive() -> dict:  # the group's total summed from its credentials' rows
        rows = DailyCount.objects.filter(group=group).values_list("kind")
        return dict(rows.annotate(total=Sum("count")).order_by())

    month = today - timedelta(days=29)
    reads = {
        "group, all time (rollup)": lambda: group_totals(group),
        "group, 30 days (rollup)": lambda: group_totals(group, since=month),
        "group, all time (summing credential rows)": naive,
        "one credential, all time": lambda: credential_totals(first),
    }
    assert group_totals(group).views == total * days
    assert naive()["view"] == total * days
    for name, read in reads.items():
        read()
        begun = time.perf_counter()
        for _ in range(calls):
            read()
        per_call = (time.perf_counter() - begun) / calls * 1000
        print(f"  {name:<44} {per_call:8.2f} ms per call")
    print(f"  load average: {load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--credentials", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=4)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    on_each_database(
        args.database,
        "laurel_bench_analytics",
        lambda name, env: measure(name, env, args),
        DJANGO_SETTINGS_MODULE="laurel.settings",
    )


if __name__ == "__main__":
    sys.exit(main())
