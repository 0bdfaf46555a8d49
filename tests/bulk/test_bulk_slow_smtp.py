"""Emails are their own tasks: an SMTP server that answers after 5 s never holds a bulk
job, which completes while its emails are still going out (real workers, real SMTP)."""

from __future__ import annotations

import signal

import pytest

from laurel.bulk.models import BulkJob
from laurel.mail.models import EmailDelivery
from tests.bulk.jobs import recipient_csv, submitted_job
from tests.helpers.smtp import smtp_server
from tests.helpers.workers import start_worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("workers")]


def test_a_slow_smtp_server_never_stalls_issuance(owner, never_group):
    count = 30
    with smtp_server(delay=5) as (inbox, port):
        smtp = {"LAUREL_EMAIL_HOST": "127.0.0.1", "LAUREL_EMAIL_PORT": str(port)}
        job = submitted_job(owner, never_group, recipient_csv(count))
        mailer = start_worker("email", **smtp)
        issuer = start_worker("bulk", **smtp)
        try:
            wait_for(
                lambda: BulkJob.objects.get(pk=job.pk).status == BulkJob.Status.COMPLETED,
                timeout=60,
                workers=[mailer, issuer],
                what="the job to complete",
            )
            issuance = EmailDelivery.objects.filter(kind="issuance")
            assert issuance.count() == count  # every email queued, with its own status
            sent = issuance.filter(status="sent").count()
            assert sent < count  # the job did not wait for them
            wait_for(
                lambda: len(inbox.messages) >= 1,
                timeout=30,
                workers=[mailer],
                what="the slow server to accept a message",
            )
        finally:
            issuer.kill(signal.SIGTERM)
            mailer.kill(signal.SIGKILL)
    assert BulkJob.objects.get(pk=job.pk).succeeded == count
