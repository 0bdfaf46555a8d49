"""Shared helpers for background tasks (django-tasks with the django-tasks-db backend).

Tasks take ids, not objects, and reach the workers only once the transaction that made
their row commits, so a worker never looks for a row that is not there yet (or never will be).
Retries are ours: the backend runs a task once, so a task that wants another try
re-enqueues itself with `run_after` set by `retry_delay`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks.base import Task


def enqueue_on_commit(
    task: Task, *args: Any, run_after: datetime | None = None, **kwargs: Any
) -> None:
    """Enqueue `task(*args, **kwargs)` so that workers see it once the current transaction
    commits, never before (and never if it rolls back); at once outside a transaction."""
    runnable = task.using(run_after=run_after) if run_after else task
    if _rows_in_our_database(runnable):
        # The task row is written in this very transaction: it commits or rolls back with
        # the rows it points to, at no extra commit (one fsync less per request).
        runnable.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: runnable.enqueue(*args, **kwargs))


def enqueue_many_on_commit(task: Task, calls: Sequence[tuple]) -> None:
    """`enqueue_on_commit(task, *args)` for each args tuple of `calls`, in one INSERT when
    the backend is django-tasks-db in our database (a bulk job's thousands of emails).

    django-tasks-db has no bulk enqueue of its own (0.13): the rows are made here exactly as
    its `DatabaseBackend._task_to_db_task` makes one (its id function, normalized
    arguments, priority, queue, backend name, run_after "never deferred" as its pre_save
    handler sets it). What is left out is the `task_enqueued` signal, which only logs.
    """
    if len(calls) <= 1 or not _rows_in_our_database(task):
        for args in calls:
            enqueue_on_commit(task, *args)
        return
    from django_tasks_db.models import DBTaskResult, get_date_max

    from laurel import rows

    backend = task.get_backend()
    backend.validate_task(task)
    run_after = task.run_after or get_date_max()
    now = timezone.now()
    rows.insert_values(
        DBTaskResult,
        [
            {
                "id": backend._get_id(),
                "enqueued_at": now,
                "args_kwargs": _normalized_args(args),
                "priority": task.priority,
                "task_path": task.module_path,
                "queue_name": task.queue_name,
                "run_after": run_after,
                "backend_name": backend.alias,
            }
            for args in calls
        ],
    )


def _normalized_args(args: tuple) -> dict:
    """django-tasks' normalize_json of the call's arguments: as they are when they are
    whole numbers (a bulk batch's thousand email ids), which it would give back the same."""
    if all(type(arg) is int for arg in args):
        return {"args": list(args), "kwargs": {}}
    from django_tasks_db.compat import normalize_json

    return normalize_json({"args": list(args), "kwargs": {}})


def _rows_in_our_database(task: Task) -> bool:
    from django.db import router
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    return (
        isinstance(task.get_backend(), DatabaseBackend)
        and router.db_for_write(DBTaskResult) == transaction.get_connection().alias
    )


def retry_delay(attempts: int, *, base_seconds: float, cap_seconds: float = 6 * 3600) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: base, 2×base, 4×base, ... capped."""
    exponent = max(attempts - 1, 0)
    return timedelta(seconds=min(base_seconds * (2**exponent), cap_seconds))


def retry_at(attempts: int, *, base_seconds: float) -> datetime:
    """The moment the next attempt may run, after `attempts` failed ones."""
    return timezone.now() + retry_delay(attempts, base_seconds=base_seconds)
