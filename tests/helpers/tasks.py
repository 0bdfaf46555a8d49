"""Run background tasks in tests the way production does: the real django-tasks-db worker.

Use with a transactional database (`@pytest.mark.django_db(transaction=True)` or the
`transactional_db` fixture): tasks are enqueued on commit, and the worker manages its own
transactions and connections as it does in `laurel worker`.
"""

from __future__ import annotations

from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_pending_tasks(*, backend_name: str = "default") -> int:
    """Run every ready task, including those the tasks enqueue, until none is ready.

    Returns how many tasks ran. Tasks deferred into the future (run_after) are left alone.
    """
    if connection.in_atomic_block:
        raise RuntimeError(
            "run_pending_tasks needs a transactional test database "
            "(django_db(transaction=True)): the worker commits and closes connections."
        )
    finished_before = DBTaskResult.objects.exclude(status="READY").count()
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,  # stop once no task is ready
        backend_name=backend_name,
        startup_delay=False,
        max_tasks=None,
        worker_id="pytest",
        excluded_queue_names=[],
    )
    worker.run()
    return DBTaskResult.objects.exclude(status="READY").count() - finished_before
