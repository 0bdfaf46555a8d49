"""A bulk worker's signing process (laurel.vc.signer, used by laurel.bulk.processing): it
signs the batches the worker issues, a batch prepared for another place is not used, a
dead signing process costs no row, and a killed worker leaves no signing process behind.
Real processes throughout: the signing process is `python -m laurel.vc.signer`."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter

import pytest
from django.test import override_settings

from laurel.bulk import processing
from laurel.bulk.models import BulkJob, BulkRow
from laurel.credentials.models import Credential
from laurel.vc.proof import verify_proof
from laurel.vc.signer import SigningProcess
from tests.bulk.jobs import recipient_csv, submitted_job
from tests.helpers.processes import process_running
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
def test_the_signing_process_signs_the_batches_the_worker_issues(owner, never_group, resolve_did):
    job = submitted_job(owner, never_group, recipient_csv(130))
    signer = SigningProcess()
    try:
        processing.work_through(job.pk, signer=signer)
    finally:
        signer.close()
    assert processing.finish(job.pk)
    credentials = _issued_once(job, never_group, 130)
    assert signer.batches_signed == 7  # 130 rows, 20 a batch: every batch signed there
    for credential in credentials[::25]:
        assert verify_proof(credential.document, resolve=resolve_did(owner.organization)).ok


@override_settings(LAUREL_BULK_BATCH_ROWS=20)
def test_a_dead_signing_process_costs_no_row_the_worker_signs_itself(owner, never_group):
    job = submitted_job(owner, never_group, recipient_csv(70))
    signer = SigningProcess()
    os.kill(signer.pid, signal.SIGKILL)
    signer._child.wait(timeout=10)
    try:
        processing.work_through(job.pk, signer=signer)
    finally:
        signer.close()
    assert processing.finish(job.pk)
    _issued_once(job, never_group, 70)
    assert signer.batches_signed == 0


@override_settings(LAUREL_BULK_BATCH_ROWS=20)
def test_a_hung_signing_process_costs_no_row_the_worker_signs_itself(owner, never_group):
    job = submitted_job(owner, never_group, recipient_csv(50))
    signer = SigningProcess(timeout=1)
    os.kill(signer.pid, signal.SIGSTOP)  # alive, never answering
    try:
        processing.work_through(job.pk, signer=signer)
    finally:
        signer.close()
    assert processing.finish(job.pk)
    _issued_once(job, never_group, 50)
    assert signer.batches_signed == 0 and not signer.alive()


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
def test_a_worker_killed_with_sigkill_leaves_no_signing_process_behind():
    worker = start_worker("bulk", LAUREL_BULK_SIGNING_PROCESS="on")  # (auto: off on PostgreSQL)
    try:
        signer = _wait_for_child(worker.process.pid)
    finally:
        worker.kill(signal.SIGKILL)
    wait_for(lambda: not process_running(signer), timeout=20, what="the signing process to exit")


def _wait_for_child(pid: int) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for child in _children(pid):
            with open(f"/proc/{child}/cmdline", "rb") as cmdline:
                if b"laurel.vc.signer" in cmdline.read():
                    return child
        time.sleep(0.1)
    raise AssertionError("the worker started no signing process")


def _children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as children:
            found += [int(child) for child in children.read().split()]
    return found
