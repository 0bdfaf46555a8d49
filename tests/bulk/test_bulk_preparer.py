"""The bulk worker's helper process (laurel/bulk/preparer.py): it prepares the batches the
worker issues, a batch prepared for another place is not used, a dead helper costs no
row, and a killed worker leaves no helper behind. Real processes throughout: the helper
is `python -m laurel.bulk.preparer`, reading this test's database."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter

import pytest
from django.test import override_settings

from laurel.bulk import processing
from laurel.bulk.models import BulkJob, BulkRow
from laurel.bulk.preparer import Preparer
from laurel.credentials.models import Credential
from laurel.vc.proof import verify_proof
from tests.bulk.jobs import recipient_csv, submitted_job
from tests.helpers.workers import start_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _issued_once(job: BulkJob, group, count: int) -> list[Credential]:
    job.refresh_from_db()
    assert job.status == BulkJob.Status.COMPLETED
    assert (job.succeeded, job.failed) == (count, 0)
    rows = list(BulkRow.objects.filter(job=job).select_related("credential"))
    assert {row.outcome for row in rows} == {"issued"}
    for row in rows:  # each row's own credential, made of its own name and email
        assert row.credential.recipient_email == row.email
        assert row.credential.document["credentialSubject"]["name"] == row.name
    emails = Counter(
        Credential.objects.filter(group=group).values_list("recipient_email_normalized", flat=True)
    )
    assert len(emails) == count and max(emails.values()) == 1
    return [row.credential for row in rows]


@override_settings(LAUREL_BULK_BATCH_ROWS=20)
def test_the_helper_prepares_and_signs_the_batches_the_worker_issues(
    owner, never_group, resolve_did
):
    job = submitted_job(owner, never_group, recipient_csv(130))
    preparer = Preparer()
    try:
        processing.work_through(job.pk, preparer=preparer)
    finally:
        preparer.close()
    assert processing.finish(job.pk)
    credentials = _issued_once(job, never_group, 130)
    # 7 batches: the first prepared by the worker, the six after it by the helper
    assert (preparer.prepared, preparer.failed) == (6, 0)
    for credential in credentials[::25]:
        assert verify_proof(credential.document, resolve=resolve_did(owner.organization)).ok


@override_settings(LAUREL_BULK_BATCH_ROWS=20)
def test_a_dead_helper_costs_no_row_the_worker_prepares_the_batches_itself(owner, never_group):
    job = submitted_job(owner, never_group, recipient_csv(70))
    preparer = Preparer()
    os.kill(preparer.process.pid, signal.SIGKILL)
    preparer.process._child.wait(timeout=10)
    try:
        processing.work_through(job.pk, preparer=preparer)
    finally:
        preparer.close()
    assert processing.finish(job.pk)
    _issued_once(job, never_group, 70)
    assert preparer.prepared == 0 and preparer.failed == 3


@override_settings(LAUREL_BULK_BATCH_ROWS=20)
def test_a_batch_prepared_for_rows_already_issued_is_not_used(owner, never_group):
    """Two batches prepared at the same place: the first issues its rows; the second,
    now stale, must issue the rows that follow (read again under the lock), not the
    first's again."""
    job = submitted_job(owner, never_group, recipient_csv(40))
    chunk = processing.claim_chunk(job.pk)
    first, stale = processing.prepare_batch(chunk), processing.prepare_batch(chunk)
    assert [row.pk for row in first.rows] == [row.pk for row in stale.rows]
    assert processing.issue_batch(first) is True
    assert processing.issue_batch(stale) is False  # the chunk's last batch
    assert processing.finish(job.pk)
    _issued_once(job, never_group, 40)


@pytest.mark.xdist_group("workers")
def test_a_worker_killed_with_sigkill_leaves_no_helper_behind():
    worker = start_worker("bulk")
    try:
        helper = _wait_for_child(worker.process.pid)
    finally:
        worker.kill(signal.SIGKILL)
    wait_for(lambda: not _running(helper), timeout=20, what="the helper to exit")


def _wait_for_child(pid: int) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for child in _children(pid):
            with open(f"/proc/{child}/cmdline", "rb") as cmdline:
                if b"laurel.bulk.preparer" in cmdline.read():
                    return child
        time.sleep(0.1)
    raise AssertionError("the worker started no helper process")


def _children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as children:
            found += [int(child) for child in children.read().split()]
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan that exited is reaped by init)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
