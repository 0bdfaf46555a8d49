"""Background work of the designs app: a ZIP of many certificates, with progress."""

from __future__ import annotations

from django_tasks import task

from laurel.designs import zips


@task(queue_name="bulk")
def build_certificate_zip(zip_id: int) -> None:
    """Build (or finish) the ZIP of CertificateZip `zip_id`; running it twice does no harm."""
    zips.build(zip_id)
