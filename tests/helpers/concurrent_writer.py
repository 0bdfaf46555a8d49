"""One of several processes writing to the same database at once (see test_sqlite_concurrency).

    python -m tests.helpers.concurrent_writer --name w1 --writes 200 --start-at <epoch>

Each write is one transaction: create a row, and read-modify-write a shared counter (the
classic lost update unless writes are serialized). Any error exits non-zero.
"""

from __future__ import annotations

import argparse
import os
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--name", required=True)
    parser.add_argument("--writes", type=int, required=True)
    parser.add_argument("--start-at", type=float, required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")
    django.setup()

    from django.contrib.auth import get_user_model
    from django.db import transaction

    User = get_user_model()
    User.objects.exists()  # connect before the start line, like a warm web process
    time.sleep(max(args.start_at - time.time(), 0))
    for number in range(args.writes):
        with transaction.atomic():
            # select_for_update serializes on PostgreSQL; on SQLite it is a no-op and the
            # IMMEDIATE transaction (the write lock taken at BEGIN) does the serializing.
            counter = User.objects.select_for_update().get(username="counter")
            User.objects.create(username=f"{args.name}-{number}")
            counter.first_name = str(int(counter.first_name) + 1)
            counter.save(update_fields=["first_name"])
    print(f"{args.name}: {args.writes} writes")


if __name__ == "__main__":
    main()
