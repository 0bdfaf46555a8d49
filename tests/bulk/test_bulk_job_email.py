"""The submitter's email when a bulk job finishes: its own outbox kind, sent through a real
SMTP server by the real task worker, and escaped like every email Laurel writes."""

from __future__ import annotations

import pytest
from django.test import override_settings

from laurel.bulk.models import BulkJob
from laurel.mail.models import EmailDelivery
from tests.bulk.jobs import recipient_csv
from tests.helpers.smtp import smtp_server, smtp_settings
from tests.helpers.tasks import run_pending_tasks

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_submitter_is_emailed_once_the_job_completes(owner, never_group):
    from laurel.bulk import services

    with smtp_server() as (inbox, port), override_settings(**smtp_settings(port)):
        job = services.validate(
            actor=owner,
            group_key=never_group.key,
            upload=recipient_csv(3) + b"Nobody,\n",
            filename="<b>spring</b>.csv",
        )
        services.submit(actor=owner, job_id=job.pk)
        run_pending_tasks()

    job.refresh_from_db()
    assert job.status == BulkJob.Status.COMPLETED
    (delivery,) = EmailDelivery.objects.filter(kind=EmailDelivery.Kind.BULK_JOB)
    assert delivery.get_kind_display() == "Bulk job"  # what the outbox shows
    assert delivery.status == "sent" and delivery.backend == "smtp"
    assert delivery.to_email == owner.user.email
    (message,) = [m for m in inbox.messages if m.envelope_to == [owner.user.email]]
    assert never_group.title in message.subject
    text, html = message.body("plain"), message.body("html")
    assert f"/bulk-jobs/{job.pk}" in text and f"/bulk-jobs/{job.pk}" in html
    assert "<b>spring</b>" not in html and "&lt;b&gt;spring&lt;/b&gt;" in html
    assert '<html lang="en" dir="ltr">' in html and "Open the job</a>" in html  # the mail layout
    # three issued, one skipped (invalid): the figures are in the email
    assert "Issued: 3" in text and "Skipped: 1" in text and "Total: 4" in text
    # and the recipients got theirs, each as an issuance email
    assert EmailDelivery.objects.filter(kind=EmailDelivery.Kind.ISSUANCE).count() == 3


def test_the_outbox_lists_bulk_job_emails_under_their_kind(admin_client, owner, never_group):
    from laurel.bulk import services

    job = services.validate(
        actor=owner, group_key=never_group.key, upload=recipient_csv(2), filename="a.csv"
    )
    services.submit(actor=owner, job_id=job.pk)
    run_pending_tasks()
    response = admin_client.get("/admin/mail/emaildelivery/?kind=bulk_job")
    assert response.status_code == 200
    assert owner.user.email in response.content.decode()
    assert "Bulk job" in response.content.decode()
