"""The quota holds under bulk as under single issuance: a bulk job and single issues
racing (threads, their own connections) for the month's last places never go over."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from laurel.bulk import processing
from laurel.credentials.models import Credential
from laurel.credentials.services import issue
from laurel.organizations.errors import QuotaExceeded
from laurel.organizations.models import Organization, QuotaUsage
from tests.bulk.jobs import recipient_csv, submitted_job

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = 30


def test_a_bulk_job_and_single_issues_never_go_over_the_quota(owner, never_group, acme):
    Organization.objects.filter(pk=acme.pk).update(monthly_quota_override=LIMIT)
    acme.refresh_from_db()
    job = submitted_job(owner, never_group, recipient_csv(25, seed=1))  # room for all 25
    refused = []

    def bulk():
        try:
            processing.run_job(job.pk)
        finally:
            connection.close()

    def single(n):
        try:
            issue(
                actor=owner,
                group_key=never_group.key,
                recipient_name=f"Single {n}",
                recipient_email=f"single{n}@example.org",
            )
        except QuotaExceeded:
            refused.append(n)
        finally:
            connection.close()

    threads = [threading.Thread(target=bulk)]
    threads += [threading.Thread(target=single, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    job.refresh_from_db()
    assert QuotaUsage.objects.filter(organization=acme).count() == LIMIT
    assert Credential.objects.filter(organization=acme).count() == LIMIT
    assert job.succeeded + (20 - len(refused)) == LIMIT
    assert job.succeeded + job.failed == 25
    assert set(job.rows.filter(outcome="failed").values_list("error_code", flat=True)) <= {
        "quota_exceeded"
    }
