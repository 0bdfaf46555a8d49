"""Operational tasks."""

from __future__ import annotations

from django_tasks import task


@task()
def ping(note: str = "") -> str:
    """Does nothing but answer: proves a worker is taking tasks from the queue."""
    return f"pong {note}".strip()
