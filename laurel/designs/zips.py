"""A ZIP of certificates, shared by workers: the job is split into parts; each worker
running the job's task claims parts until none is left and draws their certificates
(each PDF cached as any download is); whoever finds every part drawn writes the ZIP from
the cached PDFs and saves it on the default storage.

Claims are conditional UPDATEs on what was read (safe on SQLite and PostgreSQL), each
with a token: a part whose worker went silent past `STALE_SECONDS` is claimed again, and
the silent worker's next heartbeat finds the part no longer its own and stops. Drawing a
certificate twice costs time, never a wrong file (the cache is by credential and
version). Progress is the sum of the parts' counts, so a part drawn again is not counted
twice.
"""

from __future__ import annotations

import secrets
import tempfile
import zipfile
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from laurel.credentials.models import Credential
from laurel.designs.models import CertificateZip, CertificateZipPart
from laurel.designs.pinning import pin_many
from laurel.designs.rendering import certificate_pdf

BATCH = 50
PART = CertificateZipPart.Status
DRAWN = [Credential.Status.PUBLISHED, Credential.Status.REVOKED]


def part_size() -> int:
    return settings.LAUREL_ZIP_PART_SIZE


def stale_seconds() -> float:
    return settings.LAUREL_ZIP_STALE_SECONDS


def workers_per_job() -> int:
    """How many tasks a ZIP starts (each claims parts until none is left)."""
    return settings.LAUREL_ZIP_WORKERS_PER_JOB


def _stale(now: datetime) -> datetime:
    return now - timedelta(seconds=stale_seconds())


def build(zip_id: int) -> str:
    """Work on a ZIP until no part is left to claim, then write it if every part is drawn;
    a second run of a finished job does nothing. Returns what happened."""
    if not _start(zip_id):
        return "nothing to do"
    while (part := _claim_part(zip_id)) is not None:
        _draw_part(part)
    if _assemble(zip_id):
        return "written"
    _watch(zip_id)
    return "watching"


def _start(zip_id: int) -> bool:
    """Split the job into parts the first time (one transaction: all or none)."""
    with transaction.atomic():
        job = CertificateZip.objects.select_for_update().filter(pk=zip_id).first()
        if job is None or job.status == CertificateZip.Status.DONE:
            return False
        if not job.parts.exists():
            size = part_size()
            count = len(job.credential_ids)
            CertificateZipPart.objects.bulk_create(
                CertificateZipPart(job=job, index=n, first=start, last=min(start + size, count))
                for n, start in enumerate(range(0, count, size))
            )
        if job.status != CertificateZip.Status.BUILDING:
            job.status, job.error, job.heartbeat = (
                CertificateZip.Status.BUILDING,
                "",
                timezone.now(),
            )
            job.save(update_fields=["status", "error", "heartbeat"])
    return True


def _claim_part(zip_id: int, *, now: datetime | None = None) -> CertificateZipPart | None:
    """Claim the first part that is pending, or held by a worker gone silent."""
    now = now or timezone.now()
    with transaction.atomic():
        candidates = (
            CertificateZipPart.objects.select_for_update(skip_locked=True)
            .filter(job_id=zip_id)
            .filter(Q(status=PART.PENDING) | Q(status=PART.CLAIMED, heartbeat_at__lt=_stale(now)))
            .order_by("index")
        )
        part = candidates.first()
        if part is None:
            return None
        token = secrets.token_hex(16)
        taken = CertificateZipPart.objects.filter(
            pk=part.pk, status=part.status, claim_token=part.claim_token
        ).update(status=PART.CLAIMED, claim_token=token, heartbeat_at=now, done=0)
        if not taken:
            return None
    part.status, part.claim_token, part.heartbeat_at, part.done = PART.CLAIMED, token, now, 0
    return part


def _draw_part(part: CertificateZipPart) -> None:
    job = CertificateZip.objects.only("organization_id", "credential_ids").get(pk=part.job_id)
    credentials = (
        Credential.objects.filter(
            organization_id=job.organization_id,
            pk__in=job.credential_ids[part.first : part.last],
            status__in=DRAWN,
        )
        .select_related("group", "organization")
        .order_by("id")
    )
    # A list, not .iterator(): on SQLite an open SELECT keeps the connection's writes
    # (the pins, the heartbeats) uncommitted, holding the write lock the other worker
    # waits for.
    credentials = list(credentials)
    kept = pin_many(credentials)
    drawn = 0
    for drawn, credential in enumerate(credentials, 1):
        certificate_pdf(credential, kept=kept[credential.pk])
        if drawn % BATCH == 0 and not _beat(part, drawn):
            return  # taken over: the other worker draws it
    _beat(part, part.last - part.first, finished=True)


def _beat(part: CertificateZipPart, done: int, *, finished: bool = False) -> bool:
    """Record a part's progress (and the job's); False when the part is no longer ours."""
    now = timezone.now()
    changes = {"done": done, "heartbeat_at": now}
    if finished:
        changes["status"] = PART.DONE
    mine = CertificateZipPart.objects.filter(
        pk=part.pk, claim_token=part.claim_token, status=PART.CLAIMED
    ).update(**changes)
    total = CertificateZipPart.objects.filter(job_id=part.job_id).aggregate(n=Sum("done"))["n"]
    CertificateZip.objects.filter(pk=part.job_id).update(done=total or 0, heartbeat=now)
    return bool(mine)


def _assemble(zip_id: int) -> bool:
    """Write the ZIP when every part is drawn, if no live worker is writing it already."""
    now = timezone.now()
    if CertificateZipPart.objects.filter(job_id=zip_id).exclude(status=PART.DONE).exists():
        return False
    mine = (
        CertificateZip.objects.filter(pk=zip_id, status=CertificateZip.Status.BUILDING)
        .filter(Q(assembling_at__isnull=True) | Q(heartbeat__lt=_stale(now)))
        .update(assembling_at=now, heartbeat=now)
    )
    if not mine:
        return False
    job = CertificateZip.objects.get(pk=zip_id)
    try:
        _write(job)
    except Exception as error:
        job.status, job.error, job.assembling_at = (
            CertificateZip.Status.FAILED,
            str(error)[:500],
            None,
        )
        job.save(update_fields=["status", "error", "assembling_at"])
        raise
    job.status, job.done, job.heartbeat = CertificateZip.Status.DONE, job.total, timezone.now()
    job.save(update_fields=["status", "done", "heartbeat", "file"])
    return True


def _write(job: CertificateZip) -> None:
    ordered = list(
        Credential.objects.filter(
            organization_id=job.organization_id, pk__in=job.credential_ids, status__in=DRAWN
        )
        .order_by("recipient_name", "id")
        .values_list("id", flat=True)
    )
    with tempfile.TemporaryFile() as handle:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:
            for start in range(0, len(ordered), 500):  # lists, as in _draw_part
                chunk = ordered[start : start + 500]
                found = Credential.objects.select_related("group", "organization").in_bulk(chunk)
                kept = pin_many(list(found.values()))
                for credential_id in chunk:
                    credential = found[credential_id]
                    pdf = certificate_pdf(credential, kept=kept[credential_id])
                    archive.writestr(_entry_name(credential), pdf)
                CertificateZip.objects.filter(pk=job.pk).update(heartbeat=timezone.now())
        handle.seek(0)
        job.file.save(f"certificates-{job.pk}.zip", File(handle), save=False)


def _watch(zip_id: int) -> None:
    """A part (or the writing) is held by another worker: look again once it would be
    stale, in case that worker died."""
    from laurel.designs.tasks import build_certificate_zip
    from laurel.tasks import enqueue_on_commit

    held = [
        moment
        for moment in (
            CertificateZipPart.objects.filter(job_id=zip_id, status=PART.CLAIMED)
            .order_by("heartbeat_at")
            .values_list("heartbeat_at", flat=True)
            .first(),
            CertificateZip.objects.filter(pk=zip_id, status=CertificateZip.Status.BUILDING)
            .exclude(assembling_at=None)
            .values_list("heartbeat", flat=True)
            .first(),
        )
        if moment is not None
    ]
    if held:
        later = min(held) + timedelta(seconds=stale_seconds() + 1)
        enqueue_on_commit(build_certificate_zip, zip_id, run_after=max(later, timezone.now()))


def _entry_name(credential: Credential) -> str:
    safe = "".join(c if c.isalnum() or c in " -_" else "_" for c in credential.recipient_name)
    return f"{safe.strip()[:60] or 'certificate'}-{credential.pk}.pdf"
