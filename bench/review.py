"""How fast drafts are reviewed and published: the review list and a publish batch.

Run: .venv/bin/python bench/review.py [--drafts 600] [--published 100000] [--batch 300]
                                      [--database sqlite|postgres] [--status-index]

In a fresh database (SQLite in a temporary data directory, or a fresh PostgreSQL database
on $BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432), it makes an approved
organization holding `--published` published credentials (rows written directly) and
`--drafts` drafts (through the issue service), then measures, in this process with
Django's test client (server time, no network):
  - the review list (first page of 50), a search by email, the next page (keyset);
  - a publish batch of `--batch` drafts run by the task's own loop (per credential: lock,
    the publish service with its signature, status-list slot, audit and queued email).
Baseline measured in the same run: GET /healthz (one query; the floor of any request).
"""

from __future__ import annotations

import argparse
import html
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import postgres_database  # noqa: E402


def timed(call, repeat: int) -> list[float]:
    call()  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def p50(times: list[float]) -> float:
    return statistics.median(times)


REVIEW_PAGE = 50


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drafts", type=int, default=600)
    parser.add_argument("--published", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--status-index",
        action="store_true",
        help="add an (organization, status, created_at, id) index first: drafts in page order",
    )
    options = parser.parse_args()
    # The review list's pages hold REVIEW_PAGE drafts (laurel/web/views/review.py): the
    # "next page" figure needs a second page, and a batch cannot publish more than there is.
    if options.drafts <= REVIEW_PAGE:
        parser.error(f"--drafts must be more than one review page ({REVIEW_PAGE} drafts)")
    if not 0 < options.batch <= options.drafts:
        parser.error("--batch must be between 1 and --drafts")
    os.environ["LAUREL_DATA_DIR"] = tempfile.mkdtemp(prefix="laurel-bench-review-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")
    if options.database == "sqlite":
        measure(options)
        return
    with postgres_database(f"laurel_bench_review_{uuid.uuid4().hex[:8]}") as url:
        os.environ["DATABASE_URL"] = url
        try:
            measure(options)
        finally:
            from django.db import connections

            connections.close_all()


def measure(options) -> None:
    import django

    from laurel.ops.data_dir import prepare

    prepare()  # a fresh data directory: its secrets, as `laurel migrate` would make them
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from laurel.credentials import publishing
    from laurel.credentials.models import Credential
    from laurel.credentials.services import create_group, issue
    from laurel.organizations.models import Door
    from laurel.organizations.permissions import Actor
    from laurel.organizations.services import create_organization

    print(f"{options.database}:")
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if options.status_index:
        from django.db import connection, models

        with connection.schema_editor() as editor:
            index = models.Index(
                fields=["organization", "status", "created_at", "id"], name="bench_org_status"
            )
            editor.add_index(Credential, index)
        print("  with an (organization, status, created_at, id) index")
    owner = get_user_model().objects.create_user(username="o@example.org", email="o@example.org")
    organization = create_organization(
        name="Bench Academy",
        owner=owner,
        plan="enterprise",
        monthly_quota_override=10_000_000,
        approved=True,
        door=Door.SYSTEM,
    )
    actor = Actor(organization=organization, role="owner", user=owner)
    group = create_group(actor=actor, title="Bench Course", custom_fields=["custom_grade"])

    started = time.perf_counter()
    now = timezone.now()
    rows = (
        Credential(
            organization=organization,
            group=group,
            recipient_name=f"Published {n}",
            recipient_email=f"published{n}@example.org",
            recipient_email_normalized=f"published{n}@example.org",
            status=Credential.Status.PUBLISHED,
            issued_on=now,
            created_at=now - timezone.timedelta(seconds=n),
        )
        for n in range(options.published)
    )
    batch: list[Credential] = []
    for row in rows:
        batch.append(row)
        if len(batch) == 5000:
            Credential.objects.bulk_create(batch)
            batch.clear()
    Credential.objects.bulk_create(batch)
    print(f"  {options.published} published rows written in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    drafts = [
        issue(
            actor=actor,
            group_key=group.key,
            recipient_name=f"Draft {n}",
            recipient_email=f"draft{n}@example.org",
            custom_attributes={"custom_grade": "A"},
            draft=True,
        ).pk
        for n in range(options.drafts)
    ]
    print(f"  {options.drafts} drafts issued in {time.perf_counter() - started:.1f} s")

    client = Client()
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    url = f"/organizations/{organization.slug}/credentials/review"
    from laurel.web.views.review import PAGE_SIZE

    assert PAGE_SIZE == REVIEW_PAGE, (PAGE_SIZE, REVIEW_PAGE)  # what main() checked against
    first = client.get(url)
    assert first.status_code == 200, first.status_code
    # The page's "Next" link (the test client keeps no context outside a test run).
    found = re.search(r'class="page-link" href="([^"#]+after=[^"]+)"', first.content.decode())
    next_url = html.unescape(found.group(1))
    figures = {
        "GET /healthz (baseline)": timed(lambda: client.get("/healthz"), options.repeat),
        "home page (for scale)": timed(
            lambda: client.get(f"/organizations/{organization.slug}/"), options.repeat
        ),
        "review list, first page": timed(lambda: client.get(url), options.repeat),
        "review list, next page": timed(lambda: client.get(next_url), options.repeat),
        "review search by email": timed(
            lambda: client.get(url, {"q": "draft1234@example.org"}), options.repeat
        ),
    }
    for label, times in figures.items():
        print(f"  {label:<28} p50 {p50(times):7.1f} ms   max {max(times):7.1f} ms")

    chosen = drafts[: options.batch]
    made = publishing.publish_selected(actor=actor, credential_ids=chosen)  # queued, not run
    started = time.perf_counter()
    done = publishing.publish_batch(batch_id=made.pk)
    elapsed = time.perf_counter() - started
    assert done.published == len(chosen), (done.published, done.failures[:3])
    print(
        f"  publish batch of {len(chosen)}: {elapsed:.2f} s, "
        f"{1000 * elapsed / len(chosen):.1f} ms per credential "
        f"({len(chosen) / elapsed:.0f} credentials/s)"
    )


if __name__ == "__main__":
    main()
