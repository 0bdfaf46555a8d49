"""When a job finishes: the submitter's email (through the outbox) and the
`bulk_job.completed` webhook, queued in the transaction that closed the job, so they go
out once (only the worker whose conditional UPDATE closed it calls this). The in-app
notice is the job itself: `notified_at` unset until the submitter sees its page."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from laurel.bulk.models import BulkJob
from laurel.bulk.representation import job_representation
from laurel.mail.models import EmailDelivery
from laurel.mail.tasks import send_email
from laurel.tasks import enqueue_on_commit
from laurel.webhooks.models import Event
from laurel.webhooks.services import emit

KIND = EmailDelivery.Kind.BULK_JOB


def job_url(job: BulkJob) -> str:
    return f"{settings.LAUREL_BASE_URL}/organizations/{job.organization.slug}/bulk-jobs/{job.pk}"


def job_finished(job: BulkJob) -> None:
    queue_job_email(job)
    emit(
        Event.BULK_JOB_COMPLETED,
        organization_id=job.organization_id,
        data=lambda: {"bulk_job": job_representation(job)},
    )


def queue_job_email(job: BulkJob) -> EmailDelivery | None:
    user = job.created_by
    organization = job.organization
    if user is None or not getattr(user, "email", "") or not organization.emails_enabled:
        return None
    context = {
        "organization_name": organization.name,
        "group_title": job.group.title,
        "file_name": job.file_name,
        "status": job.get_status_display().lower(),
        "succeeded": job.succeeded,
        "failed": job.failed,
        "skipped": job.skipped,
        "total": job.total,
        "job_url": job_url(job),
    }
    with translation.override("en"):  # the issuer app's language (its words are English)
        subject = " ".join(render_to_string("mail/bulk_job_done_subject.txt", context).split())
        text = render_to_string("mail/bulk_job_done.txt", context)
        html = render_to_string("mail/bulk_job_done.html", context)
    delivery = EmailDelivery.objects.create(
        organization=organization,
        kind=KIND,
        to_email=user.email,
        subject=subject[:300],
        body_text=text,
        body_html=html,
    )
    enqueue_on_commit(send_email, delivery.id)
    return delivery
