"""`laurel worker`: run background tasks (django-tasks-db's worker, on all of Laurel's queues).

Start as many as you like, on as many machines as share the database: each claims a task
with SELECT ... FOR UPDATE SKIP LOCKED (PostgreSQL) or an exclusive transaction (SQLite).
Starting, a worker first queues again what killed workers left: emails still `sending`,
open bulk jobs, and publish batches silent for longer than a working one ever is; a worker
of the bulk queue starts its signing process (laurel.bulk.processing.bulk_signer) and
warms up (warm_up). (`laurel serve` and `laurel run` start their task workers as this
command: the same one place.)
"""

from __future__ import annotations

import os
import socket

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from laurel.bulk.processing import bulk_signer, resume_stalled_jobs, warm_up
from laurel.credentials.publishing import resume_stalled_batches
from laurel.mail.services import requeue_stalled_deliveries
from laurel.webhooks.tasks import schedule_expiry_sweep


def laurel_queues() -> str:
    return ",".join(settings.TASKS["default"].get("QUEUES", ["default"]))


class Command(DbWorkerCommand):
    help = "Run a Laurel task worker (all queues unless --queue-name says otherwise)."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(
            queue_name=laurel_queues(),
            reload=False,
            # Readable in the admin's task results: which machine and process ran a task.
            worker_id=f"{socket.gethostname()[:48]}-{os.getpid()}",
        )

    def handle(self, *args, **options) -> None:
        requeued = requeue_stalled_deliveries()
        if requeued and options["verbosity"]:
            self.stdout.write(f"Queued again {requeued} email(s) a stopped worker left unsent.")
        resume_stalled_jobs()  # bulk jobs a killed worker left: claimed again once stale
        queues = options["queue_name"].split(",")
        if ("bulk" in queues or "*" in queues) and "bulk" not in (
            options["exclude_queues"] or ""
        ).split(","):
            bulk_signer()  # its signing process, if it uses one, started before any job
            warm_up()  # and what its first batch would make in a job's time
        resume_stalled_batches()  # publish batches a killed worker left, silent since
        schedule_expiry_sweep()  # credential.expired webhooks: a sweep every few minutes
        super().handle(*args, **options)
