"""Crash-safe and exactly once, with real worker processes: one killed with SIGKILL in the
middle of a job, another finishing it; three sharing one job (SKIP LOCKED on PostgreSQL,
the serialized write transaction on SQLite). Run on both databases."""

from __future__ import annotations

import signal
from collections import Counter

import pytest
from django.db import connection
from django.test import override_settings

from laurel.bulk.models import BulkChunk, BulkJob, BulkRow
from laurel.credentials.models import Credential
from tests.bulk.jobs import recipient_csv, submitted_job
from tests.helpers.workers import start_worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("workers")]

WORKER_ENV = {"LAUREL_BULK_STALE_SECONDS": "2", "LAUREL_BULK_BATCH_ROWS": "20"}


def _job(job_id) -> BulkJob:
    return BulkJob.objects.get(pk=job_id)


def _assert_each_valid_row_issued_once(job, group, count):
    job.refresh_from_db()
    chunks = list(BulkChunk.objects.filter(job=job).values())
    outcomes = Counter(BulkRow.objects.filter(job=job).values_list("outcome", flat=True))
    assert job.status == BulkJob.Status.COMPLETED
    assert (job.succeeded, job.failed) == (count, 0), (chunks, outcomes)
    issued = BulkRow.objects.filter(job=job, outcome="issued", credential__isnull=False)
    assert issued.count() == count
    emails = Counter(
        Credential.objects.filter(group=group).values_list("recipient_email_normalized", flat=True)
    )
    assert len(emails) == count and max(emails.values()) == 1
    assert not BulkRow.objects.filter(job=job, outcome="pending").exists()


def test_a_worker_killed_mid_job_leaves_a_job_another_worker_finishes_exactly_once(
    owner, never_group
):
    count = 400
    job = submitted_job(owner, never_group, recipient_csv(count))
    first = start_worker("bulk", **WORKER_ENV)
    try:
        wait_for(
            lambda: _job(job.pk).succeeded >= 60,
            timeout=90,
            workers=[first],
            what="the first worker to issue some rows",
        )
    finally:
        first.kill(signal.SIGKILL)
    killed_at = _job(job.pk)
    assert killed_at.status == BulkJob.Status.PROCESSING
    assert 0 < killed_at.succeeded < count
    assert BulkChunk.objects.filter(job=job, status="claimed").exists()  # left behind

    second = start_worker("bulk", **WORKER_ENV)
    try:
        wait_for(
            lambda: _job(job.pk).status == BulkJob.Status.COMPLETED,
            timeout=120,
            workers=[second],
            what="the second worker to finish the job",
        )
    finally:
        second.kill(signal.SIGTERM)
    _assert_each_valid_row_issued_once(job, never_group, count)
    assert BulkChunk.objects.filter(job=job, attempts__gte=2).exists()  # taken over


def test_three_workers_share_one_job_with_no_duplicate_and_no_lost_row(owner, never_group, acme):
    from laurel.organizations.models import Organization

    Organization.objects.filter(pk=acme.pk).update(monthly_quota_override=100_000)
    count = 1500
    with override_settings(LAUREL_BULK_CHUNK_ROWS=300):  # six chunks for three workers
        job = submitted_job(owner, never_group, recipient_csv(count))
    assert BulkChunk.objects.filter(job=job).count() == 6  # 150, 4 x 300, 150
    # three tasks for three workers (submit queued two)
    from laurel.bulk.services import enqueue_workers

    enqueue_workers(job, 1)
    # No worker dies here: a heartbeat never goes stale, however loaded the machine.
    env = {**WORKER_ENV, "LAUREL_BULK_STALE_SECONDS": "600"}
    workers = [start_worker("bulk", **env) for _ in range(3)]
    try:
        wait_for(
            lambda: _job(job.pk).status == BulkJob.Status.COMPLETED,
            timeout=180,
            workers=workers,
            what="three workers to finish the job",
        )
    finally:
        for worker in workers:
            worker.kill(signal.SIGTERM)
    _assert_each_valid_row_issued_once(job, never_group, count)
    claimed_by = BulkChunk.objects.filter(job=job).values_list("attempts", flat=True)
    assert set(claimed_by) == {1}  # no chunk taken twice


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row locks")
def test_a_batch_holding_its_chunk_leaves_the_job_row_and_the_other_chunks_free(owner, never_group):
    """Workers sharing a job lock only their own chunk: the job's row (its counters, the
    foreign key of every row written for it) and the other chunks stay free."""
    import threading

    from django.db import transaction

    from laurel.bulk.processing import claim_chunk, lock_own_chunk

    with override_settings(LAUREL_BULK_CHUNK_ROWS=400):
        job = submitted_job(owner, never_group, recipient_csv(1200))
    assert BulkChunk.objects.filter(job=job).count() >= 2
    mine = claim_chunk(job.pk)
    held, done = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                assert lock_own_chunk(mine) is not None
                held.set()
                done.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(timeout=30)
        with transaction.atomic():  # NOWAIT: an error at once if the row were locked
            BulkJob.objects.select_for_update(nowait=True).get(pk=job.pk)
        other = claim_chunk(job.pk)
        assert other is not None and other.pk != mine.pk
    finally:
        done.set()
        holder.join(timeout=30)


def test_a_chunk_not_started_yet_issues_only_its_own_rows(owner, never_group):
    from laurel.bulk.processing import rows_to_issue

    with override_settings(LAUREL_BULK_CHUNK_ROWS=400):
        job = submitted_job(owner, never_group, recipient_csv(1200))
    chunks = list(BulkChunk.objects.filter(job=job).order_by("first_row"))
    # 200, 400, 400, 200: half a chunk first and last
    assert len(chunks) == 4 and all(chunk.last_row_done == 0 for chunk in chunks)
    for chunk in chunks:
        numbers = list(rows_to_issue(chunk).values_list("row_number", flat=True))
        assert (min(numbers), max(numbers)) == (chunk.first_row, chunk.last_row)
    middle = chunks[1]
    middle.last_row_done = middle.first_row + 99  # a hundred rows recorded
    assert rows_to_issue(middle).count() == middle.last_row - middle.first_row + 1 - 100
