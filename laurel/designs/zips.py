"""A ZIP of certificates: drawn one by one (each cached as any download is), progress
kept on the CertificateZip row in batches, the file saved on the default storage."""

from __future__ import annotations

import tempfile
import zipfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from laurel.credentials.models import Credential
from laurel.designs.models import CertificateZip
from laurel.designs.rendering import certificate_pdf

BATCH = 50


def _claim(zip_id: int) -> CertificateZip | None:
    with transaction.atomic():
        job = CertificateZip.objects.select_for_update().filter(pk=zip_id).first()
        if job is None or job.status == CertificateZip.Status.DONE:
            return None
        job.status, job.heartbeat, job.done = CertificateZip.Status.BUILDING, timezone.now(), 0
        job.save(update_fields=["status", "heartbeat", "done"])
        return job


def build(zip_id: int) -> None:
    """Draw every certificate of the job into one ZIP; a second run of a finished job does
    nothing, of an unfinished one starts it again."""
    job = _claim(zip_id)
    if job is None:
        return
    credentials = (
        Credential.objects.filter(
            organization_id=job.organization_id,
            pk__in=job.credential_ids,
            status__in=[Credential.Status.PUBLISHED, Credential.Status.REVOKED],
        )
        .select_related("group", "organization")
        .order_by("recipient_name", "id")
    )
    try:
        with tempfile.TemporaryFile() as handle:
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:
                for done, credential in enumerate(credentials.iterator(chunk_size=BATCH), 1):
                    archive.writestr(_entry_name(credential), certificate_pdf(credential))
                    if done % BATCH == 0:
                        _progress(job, done)
            handle.seek(0)
            job.file.save(f"certificates-{job.pk}.zip", File(handle), save=False)
    except Exception as error:
        job.status, job.error = CertificateZip.Status.FAILED, str(error)[:500]
        job.save(update_fields=["status", "error"])
        raise
    job.status, job.done, job.heartbeat = CertificateZip.Status.DONE, job.total, timezone.now()
    job.save(update_fields=["status", "done", "heartbeat", "file"])


def _progress(job: CertificateZip, done: int) -> None:
    job.done, job.heartbeat = done, timezone.now()
    CertificateZip.objects.filter(pk=job.pk).update(done=done, heartbeat=job.heartbeat)


def _entry_name(credential: Credential) -> str:
    safe = "".join(c if c.isalnum() or c in " -_" else "_" for c in credential.recipient_name)
    return f"{safe.strip()[:60] or 'certificate'}-{credential.pk}.pdf"
