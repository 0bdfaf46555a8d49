"""How fast the issuer pages answer for an organization holding many credentials.

Run: .venv/bin/python bench/pages.py [--database sqlite|postgres|both] [--credentials 100000]
                                     [--requests 200]

For each database (SQLite in a fresh data directory; PostgreSQL in a fresh database on
$BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432), a child process migrates,
then builds one organization holding N credentials straight into the tables (bulk_create:
25 groups, recipients holding one to several credentials, 3 years of issue dates, drafts,
revocations, expiries, renewals, private ones, one email delivery per published credential
with some failed), and measures server time in-process with Django's test Client (the full
middleware stack, a signed-in owner, DEBUG off): the p50 and p90 of each page over
--requests requests, after a warm-up (in 4 rounds: the pages take turns, a quarter of the
requests each time, so that load from elsewhere falls on all of them alike).

Pages: the credentials list (default, a search by email, a filter by group; and, beyond the
goals, a page deep in the list, a name search, a status filter) and the home page.
Each page also gets its CPU time per request (this process's thread time, p50): on a shared
machine it says what the page costs whatever else runs. Baselines measured in the same run,
in the same process: a bare Django view that renders 50 rows of a small table in a template
of its own, requested signed out (the goal's baseline) and by the signed-in owner (what
every issuer page pays before it does anything: session, user, context processors).
Goals (issue 11): list p50 <= 60 ms and <= 3x the bare view; home p50 <= 80 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")

FIRST = [
    "Ada",
    "Grace",
    "Alan",
    "Edsger",
    "Barbara",
    "Donald",
    "Margaret",
    "Linus",
    "Radia",
    "Ken",
    "Frances",
    "John",
    "Sophie",
    "Tim",
    "Hedy",
    "Katherine",
    "Guido",
    "Anita",
    "Fatima",
    "Yusuf",
    "Mei",
    "Hiroshi",
    "Priya",
    "Arjun",
    "Noa",
    "Lior",
    "Olu",
    "Amara",
    "محمد",
    "فاطمة",
    "דנה",
    "יוסף",
    "王芳",
    "李伟",
    "さくら",
    "प्रिया",
    "José",
    "Zoë",
]
LAST = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Hamilton",
    "Torvalds",
    "Perlman",
    "Thompson",
    "Allen",
    "McCarthy",
    "Wilson",
    "Berners-Lee",
    "Lamarr",
    "Johnson",
    "van Rossum",
    "Borg",
    "Haddad",
    "Rahman",
    "Chen",
    "Tanaka",
    "Sharma",
    "Patel",
    "Levi",
    "Cohen",
    "Adeyemi",
    "Okafor",
    "Núñez",
    "Müller",
    "O'Brien",
]
DOMAINS = ["example.org", "example.com", "mail.example", "university.example", "corp.example"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--credentials", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--profile",
        metavar="PAGE",
        help="instead of measuring, profile one page (a label's start, e.g. 'list: filter') "
        "with cProfile over --requests requests and print where the time goes",
    )
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = {}
    for database in databases:
        results[database] = run_child(database, args)
    if not args.profile:
        report(results, args)


def run_child(database: str, args) -> dict:
    data_dir = tempfile.mkdtemp(prefix=f"laurel-bench-pages-{database}-")
    env = {**os.environ, "LAUREL_DATA_DIR": data_dir, "LAUREL_DEBUG": "false"}
    env.pop("DATABASE_URL", None)
    if database == "postgres":
        name = f"laurel_bench_pages_{os.getpid()}"
        _psql(f"DROP DATABASE IF EXISTS {name}")
        _psql(f"CREATE DATABASE {name}")
        env["DATABASE_URL"] = f"{POSTGRES}/{name}"
    command = [
        sys.executable,
        __file__,
        "--child",
        database,
        "--credentials",
        str(args.credentials),
        "--requests",
        str(args.requests),
        *(["--profile", args.profile] if args.profile else []),
    ]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    finally:
        if database == "postgres":
            _psql(f"DROP DATABASE IF EXISTS {name}")
    sys.stderr.write(done.stderr)
    if done.returncode:
        sys.exit(f"the {database} run failed")
    if args.profile:
        print(done.stdout)
        return {}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(sql)


# --- the child: one database ---------------------------------------------------------------


def child(args) -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")
    import django

    from laurel.ops.data_dir import prepare

    prepare()  # a fresh data directory: its secrets, as `laurel migrate` would make them
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    started = time.perf_counter()
    world = build(args.credentials)
    built = time.perf_counter() - started
    settle(args.child)
    log(f"[{args.child}] built {args.credentials:,} credentials in {built:.1f} s")
    figures = measure(world, args.requests, args.child, profile=args.profile)
    if args.profile:
        return
    print(json.dumps({"built_seconds": built, "figures": figures}))


def settle(database: str) -> None:
    """PostgreSQL: VACUUM ANALYZE, as autovacuum does soon after a bulk load (without
    statistics the planner takes 100,000 rows for a few dozen). SQLite keeps none unless
    asked, and Laurel does not ask: measured as it runs."""
    if database != "postgres":
        return
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build(count: int) -> dict:
    """An organization with `count` credentials, written straight into the tables."""
    from django.contrib.auth import get_user_model

    from laurel.credentials.models import Credential, CredentialGroup
    from laurel.credentials.rules import normalize_email
    from laurel.mail.models import EmailDelivery
    from laurel.organizations.services import create_organization

    rng = random.Random(11)
    users = get_user_model().objects
    owner = users.create_user(username="owner@bench.example", email="owner@bench.example")
    organization = create_organization(
        name="Bench Academy", owner=owner, plan="enterprise", approved=True, door="system"
    )
    groups = CredentialGroup.objects.bulk_create(
        CredentialGroup(
            organization=organization,
            title=f"Course {n:02d}: {rng.choice(['Python', 'First Aid', 'Data', 'Safety'])}",
            expiry_unit="years" if n % 3 == 0 else "never",
            expiry_amount=1 if n % 3 == 0 else None,
        )
        for n in range(25)
    )
    # The baseline's small table: another organization's 50 groups.
    small = create_organization(name="Small Table", owner=owner, door="system")
    CredentialGroup.objects.bulk_create(
        CredentialGroup(organization=small, title=f"Row {n}") for n in range(50)
    )

    now = datetime.now(UTC)
    recipients = max(count * 2 // 3, 1)  # a third of the recipients hold more than one
    people = [
        (
            f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            f"{rng.choice(FIRST[:28]).lower()}.{n}@{rng.choice(DOMAINS)}",
        )
        for n in range(recipients)
    ]
    document = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["bench"]}
    credentials = []
    for n in range(count):
        name, email = people[n] if n < recipients else rng.choice(people)
        group = rng.choice(groups)
        created = now - timedelta(seconds=rng.randrange(3 * 365 * 86400))
        roll = rng.random()
        status = "draft" if roll < 0.04 else "revoked" if roll < 0.10 else "published"
        issued = None if status == "draft" else created
        valid_until = (
            issued + timedelta(days=365) if issued and group.expiry_unit != "never" else None
        )
        credentials.append(
            Credential(
                organization=organization,
                group=group,
                recipient_name=name,
                recipient_email=email,
                recipient_email_normalized=normalize_email(email),
                status=status,
                issued_on=issued,
                valid_until=valid_until,
                privacy="private" if rng.random() < 0.1 else "public",
                revoked_at=created + timedelta(days=3) if status == "revoked" else None,
                revocation_reason="Issued by mistake" if status == "revoked" else "",
                document=document if issued else None,
                created_at=created,
            )
        )
    # Renewals: some credentials supersede the recipient's previous one (set before the
    # insert: the ids exist already).
    renewals = {c.id for c in rng.sample(credentials, count // 20)}
    previous: dict[str, Credential] = {}
    for credential in sorted(credentials, key=lambda c: c.created_at):
        earlier = previous.get(credential.recipient_email_normalized)
        if earlier is not None and credential.id in renewals:
            credential.supersedes_id = earlier.id
        previous[credential.recipient_email_normalized] = credential
    Credential.objects.bulk_create(sorted(credentials, key=lambda c: c.created_at), batch_size=2000)
    deliveries = []
    for credential in credentials:
        if credential.issued_on is None:
            continue
        roll = rng.random()
        status = "failed" if roll < 0.03 else "queued" if roll < 0.04 else "sent"
        deliveries.append(
            EmailDelivery(
                organization=organization,
                credential=credential,
                to_email=credential.recipient_email,
                subject="Your credential",
                body_text="…",
                status=status,
                error="550 5.1.1 mailbox unavailable" if status == "failed" else "",
                sent_at=credential.issued_on if status == "sent" else None,
            )
        )
    EmailDelivery.objects.bulk_create(deliveries, batch_size=2000)
    return {
        "organization": organization,
        "owner": owner,
        "small": small,
        "groups": groups,
        "emails": [email for _, email in rng.sample(people, 200)],
        "middle": sorted(credentials, key=lambda c: (c.created_at, c.id))[count // 2],
    }


def bare_view(request):
    """The baseline: 50 rows of a small table in a template of its own."""
    from django.http import HttpResponse

    from laurel.credentials.models import CredentialGroup

    rows = CredentialGroup.objects.filter(organization__slug="small-table").order_by("id")[:50]
    return HttpResponse(BARE_TEMPLATE.render({"rows": rows}, request))


BARE_TEMPLATE_TEXT = """<!DOCTYPE html><html lang="en"><head><title>Rows</title></head><body>
<table><thead><tr><th>Title</th><th>Key</th><th>Created</th></tr></thead><tbody>
{% for row in rows %}<tr><td>{{ row.title }}</td><td>{{ row.key }}</td>
<td>{{ row.created_at|date:"j M Y" }}</td></tr>{% endfor %}
</tbody></table></body></html>"""
BARE_TEMPLATE = None


def measure(world: dict, count: int, database: str, profile: str | None = None) -> dict:
    import types

    from django.conf import settings
    from django.template import engines
    from django.test import Client
    from django.urls import path

    from laurel.credentials.listing import Cursor

    global BARE_TEMPLATE
    BARE_TEMPLATE = engines["django"].from_string(BARE_TEMPLATE_TEXT)
    urls = types.ModuleType("bench_pages_urls")
    from laurel.urls import urlpatterns

    urls.urlpatterns = [path("bench/bare", bare_view), *urlpatterns]
    sys.modules["bench_pages_urls"] = urls
    settings.ROOT_URLCONF = "bench_pages_urls"

    organization = world["organization"]
    base = f"/organizations/{organization.slug}"
    client = Client()
    client.force_login(world["owner"], backend="django.contrib.auth.backends.ModelBackend")
    anonymous = Client()
    rng = random.Random(5)
    emails, groups = world["emails"], world["groups"]
    middle = world["middle"]
    deep = Cursor(middle.created_at, middle.id).encode()
    pages = {
        "bare view, 50 rows (baseline)": (anonymous, lambda: "/bench/bare"),
        # The same view for the signed-in owner: the session, the user and the context
        # processors every issuer page pays for, with nothing of the list.
        SIGNED_IN: (client, lambda: "/bench/bare"),
        "list: default": (client, lambda: f"{base}/credentials"),
        "list: search by email": (client, lambda: f"{base}/credentials?q={rng.choice(emails)}"),
        "list: filter by group": (
            client,
            lambda: f"{base}/credentials?group={rng.choice(groups).key}",
        ),
        "list: page 1,000 (cursor)": (client, lambda: f"{base}/credentials?cursor={deep}"),
        "list: search by name": (client, lambda: f"{base}/credentials?q=Hopper"),
        "list: status revoked": (client, lambda: f"{base}/credentials?status=revoked"),
        "home": (client, lambda: f"{base}/"),
    }
    if profile:
        label = next(label for label in pages if label.startswith(profile))
        who, target = pages[label]
        run_profile(label, who, target, count)
        return {}
    # Every page is measured in ROUNDS blocks of count / ROUNDS requests, the pages taking
    # turns block by block: a burst of load from elsewhere on a shared machine then falls on
    # every page alike instead of on whichever page was being measured (each block still
    # runs one page warm, after its own warm-up, as the single block did).
    samples: dict[str, list[float]] = {label: [] for label in pages}
    cpu: dict[str, list[float]] = {label: [] for label in pages}
    block = max(count // ROUNDS, 1)
    for _ in range(ROUNDS):
        for label, (who, target) in pages.items():
            for _ in range(10):  # warm-up: connections, templates, prepared statements
                check(who.get(target()), label)
            for _ in range(block):
                url = target()
                started, started_cpu = time.perf_counter(), time.thread_time()
                response = who.get(url)
                samples[label].append(time.perf_counter() - started)
                cpu[label].append(time.thread_time() - started_cpu)
                check(response, label)
    figures = {}
    for label in pages:
        times = sorted(samples[label])
        figures[label] = {
            "p50": statistics.median(times) * 1000,
            "p90": times[int(len(times) * 0.9)] * 1000,
            "cpu": statistics.median(cpu[label]) * 1000,
        }
        log(f"[{database}] {label}: p50 {figures[label]['p50']:.1f} ms")
    return figures


def run_profile(label: str, who, target, count: int) -> None:
    """cProfile over `count` requests of one page, after the warm-up; the top of it."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(10):
        check(who.get(target()), label)
    with CaptureQueriesContext(connection) as queries:
        check(who.get(target()), label)
    print(f"{label}: {len(queries)} queries")
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    for query in queries:
        print(f"  {query['time']}s  {query['sql'][:400]}")
        if "credentials_credential" in query["sql"] and query["sql"].startswith("SELECT"):
            with connection.cursor() as cursor:  # the SQL as logged, its values inlined
                cursor.execute(explain + query["sql"])
                for row in cursor.fetchall():
                    print("      plan:", " ".join(str(cell) for cell in row))
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        check(who.get(target()), label)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)


def check(response, label: str) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"{label} answered {response.status_code}")


# --- the report ------------------------------------------------------------------------------

BARE = "bare view, 50 rows (baseline)"
SIGNED_IN = "bare view, signed in"
GOALS = {
    "list: default": 60,
    "list: search by email": 60,
    "list: filter by group": 60,
    "home": 80,
}
RATIO_GOAL = 3.0
ROUNDS = 4


def report(results: dict, args) -> None:
    print(
        f"\nIssuer pages, one organization holding {args.credentials:,} credentials; "
        f"p50/p90 of {args.requests} requests, server time in-process (Django test Client)."
    )
    print("Goals: list p50 <= 60 ms and <= 3x the bare view; home p50 <= 80 ms.")
    print(
        "cpu ms: this process's CPU time per request (p50): what the page costs whatever "
        "else the machine runs (on PostgreSQL it leaves out the database server's own work).\n"
    )
    header = (
        f"{'page':30} {'db':9} {'p50 ms':>7} {'p90 ms':>7} {'x bare':>6} {'x s-in':>6} "
        f"{'cpu ms':>7} {'x bare':>6}  goal (p50, x bare)"
    )
    print(header)
    print("-" * len(header))
    for database, result in results.items():
        figures = result["figures"]
        bare, signed_in = figures[BARE], figures[SIGNED_IN]
        for label, figure in figures.items():
            ratio = figure["p50"] / bare["p50"]
            signed_in_ratio = figure["p50"] / signed_in["p50"]
            cpu_ratio = figure["cpu"] / bare["cpu"]
            verdict = ""
            if label in GOALS:
                ok = figure["p50"] <= GOALS[label]
                if label.startswith("list"):
                    ok = ok and ratio <= RATIO_GOAL
                    verdict = (
                        f"<= {GOALS[label]} ms, <= {RATIO_GOAL:g}x: {'ok' if ok else 'MISSED'}"
                    )
                else:
                    verdict = f"<= {GOALS[label]} ms: {'ok' if ok else 'MISSED'}"
            print(
                f"{label:30} {database:9} {figure['p50']:7.1f} {figure['p90']:7.1f} {ratio:6.2f} "
                f"{signed_in_ratio:6.2f} {figure['cpu']:7.1f} {cpu_ratio:6.2f}  {verdict}"
            )
        print(f"{'(organization built in)':30} {database:9} {result['built_seconds']:6.1f} s")
        print()
    print(
        "x bare: to the bare view requested signed out (the goal's baseline); x s-in: to the\n"
        "same bare view requested by the signed-in owner (session, user, context processors)."
    )


if __name__ == "__main__":
    main()
