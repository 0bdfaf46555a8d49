"""Helpers for the bulk job tests: files made by the project's seeded generator."""

from __future__ import annotations

from bench.make_recipients import csv_bytes, recipients


def recipient_csv(count: int, *, seed: int = 13, extra: str = "") -> bytes:
    """A CSV of `count` recipients (unique emails), with `extra` lines appended."""
    data = csv_bytes(recipients(count, seed=seed))
    return data + extra.encode("utf-8")


def submitted_job(actor, group, data: bytes, *, filename="people.csv", **options):
    from laurel.bulk import services

    job = services.validate(actor=actor, group_key=group.key, upload=data, filename=filename)
    return services.submit(actor=actor, job_id=job.pk, **options)
