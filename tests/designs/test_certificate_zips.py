"""A ZIP of certificates is shared by the workers running it: split into parts each worker
claims, a silent worker's part taken over, the ZIP written once when every part is drawn,
progress never counting a part twice."""

from __future__ import annotations

import threading
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from laurel.designs import services, zips
from laurel.designs.models import CertificateZip, CertificateZipPart


def publish_some(publish_to, group, count):
    return [
        publish_to(group, name=f"Person {n:02d}", email=f"p{n}@example.org") for n in range(count)
    ]


def entries(job: CertificateZip) -> list[str]:
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        archive = zipfile.ZipFile(handle)
        assert all(archive.read(n).startswith(b"%PDF-") for n in archive.namelist())
        return archive.namelist()


@pytest.mark.django_db
def test_a_zip_is_drawn_in_parts_and_written_once(owner, never_group, publish_to, settings):
    settings.LAUREL_ZIP_PART_SIZE = 2
    credentials = publish_some(publish_to, never_group, 5)
    job = services.request_group_zip(actor=owner, group_key=never_group.key)
    assert zips.build(job.pk) == "written"
    assert zips.build(job.pk) == "nothing to do"  # a second task of the same job
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 5, 5)
    assert [p.status for p in job.parts.all()] == ["done"] * 3
    names = entries(job)
    assert names == sorted(names) and len(names) == 5
    assert all(any(n.endswith(f"-{c.pk}.pdf") for n in names) for c in credentials)


@pytest.mark.django_db
def test_a_part_held_by_a_live_worker_is_left_to_it(owner, never_group, publish_to, settings):
    settings.LAUREL_ZIP_PART_SIZE = 2
    publish_some(publish_to, never_group, 5)
    job = services.request_group_zip(actor=owner, group_key=never_group.key)
    zips._start(job.pk)
    held = zips._claim_part(job.pk)  # another worker, alive
    assert zips.build(job.pk) == "watching"  # drew the other parts, cannot write yet
    job.refresh_from_db()
    assert job.status == "building" and job.done == 3 and not job.file
    zips._draw_part(held)
    assert zips.build(job.pk) == "written"
    assert len(entries(job)) == 5


@pytest.mark.django_db
def test_a_silent_workers_part_is_taken_over_and_counted_once(owner, never_group, publish_to,
                                                              settings):  # fmt: skip
    settings.LAUREL_ZIP_PART_SIZE = 2
    publish_some(publish_to, never_group, 4)
    job = services.request_group_zip(actor=owner, group_key=never_group.key)
    zips._start(job.pk)
    long_ago = timezone.now() - timedelta(seconds=zips.stale_seconds() + 5)
    silent = zips._claim_part(job.pk, now=long_ago)
    assert zips.build(job.pk) == "written"  # took the silent worker's part over
    assert not zips._beat(silent, 2)  # the silent worker wakes up: no longer its part
    job.refresh_from_db()
    assert job.done == job.total == 4 and job.status == "done"
    assert sum(p.done for p in CertificateZipPart.objects.filter(job=job)) == 4


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_share_the_parts_and_write_one_zip(owner, never_group, publish_to,
                                                               settings):  # fmt: skip
    settings.LAUREL_ZIP_PART_SIZE = 3
    publish_some(publish_to, never_group, 12)
    job = services.request_group_zip(actor=owner, group_key=never_group.key)
    outcomes, errors = [], []

    def worker():
        try:
            outcomes.append(zips.build(job.pk))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert outcomes.count("written") == 1
    job.refresh_from_db()
    assert (job.status, job.done) == ("done", 12)
    assert len(entries(job)) == 12


@pytest.mark.django_db
def test_a_zip_starts_a_task_per_worker(owner, never_group, publish_to, settings):
    from django_tasks_db.models import DBTaskResult

    settings.LAUREL_ZIP_WORKERS_PER_JOB = 2
    publish_some(publish_to, never_group, 1)
    before = DBTaskResult.objects.filter(task_path__endswith="build_certificate_zip").count()
    services.request_group_zip(actor=owner, group_key=never_group.key)
    after = DBTaskResult.objects.filter(task_path__endswith="build_certificate_zip").count()
    assert after - before == 2
