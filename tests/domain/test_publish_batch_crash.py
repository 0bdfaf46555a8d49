"""A publish batch survives its worker: a real `laurel worker` killed with SIGKILL in the
middle of a batch leaves it half done; the next worker to start queues it again (as it does
bulk jobs) and it finishes where it stopped, every draft published exactly once."""

from __future__ import annotations

import signal
from datetime import timedelta

import pytest

from laurel.credentials import publishing
from laurel.credentials.models import Credential, PublishBatch
from laurel.credentials.services import issue
from laurel.organizations.models import AuditEvent
from tests.helpers.workers import start_worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("workers")]

COUNT = 120


def _batch(batch_id) -> PublishBatch:
    return PublishBatch.objects.get(pk=batch_id)


def test_a_batch_a_killed_worker_left_is_finished_by_the_next_worker_to_start(owner, never_group):
    drafts = [
        issue(
            actor=owner,
            group_key=never_group.key,
            recipient_name=f"Person {n}",
            recipient_email=f"person{n}@example.org",
            draft=True,
        ).id
        for n in range(COUNT)
    ]
    batch = publishing.publish_selected(actor=owner, credential_ids=drafts)
    assert batch.status == PublishBatch.Status.PENDING  # queued for a worker

    first = start_worker("default")
    try:
        wait_for(
            lambda: _batch(batch.pk).position >= 5,
            timeout=90,
            workers=[first],
            what="the first worker to publish some drafts",
        )
    finally:
        first.kill(signal.SIGKILL)
    left = _batch(batch.pk)
    assert left.status == PublishBatch.Status.PROCESSING and 0 < left.position < COUNT
    # Nobody runs it now: its task died with the worker (the backend does not run a task
    # twice). Time passes: the batch has been silent longer than a working batch ever is.
    silent_since = left.heartbeat - publishing.STALLED_AFTER - timedelta(seconds=5)
    PublishBatch.objects.filter(pk=batch.pk).update(heartbeat=silent_since)
    assert publishing.is_stalled(_batch(batch.pk))

    second = start_worker("default")
    try:
        wait_for(
            lambda: _batch(batch.pk).status == PublishBatch.Status.COMPLETED,
            timeout=180,
            workers=[second],
            what="the next worker to finish the batch",
        )
    finally:
        second.kill(signal.SIGTERM)
    done = _batch(batch.pk)
    # Each step publishes one draft and records it in one transaction: the step the kill
    # interrupted rolled back whole, so nothing is counted twice or skipped.
    assert (done.position, done.published, done.skipped, done.failed) == (COUNT, COUNT, 0, 0)
    assert Credential.objects.filter(pk__in=drafts, status="published").count() == COUNT
    published_events = AuditEvent.objects.filter(action="credential.published")
    assert published_events.count() == COUNT
