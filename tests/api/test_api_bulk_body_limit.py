"""The bulk endpoints take a whole recipient list as JSON: up to
LAUREL_API_BULK_MAX_BODY_BYTES (16 MiB), past both the API's 1 MiB and Django's in-memory
limit; beyond it, and on every other endpoint past 1 MiB, a 413 in the API's words."""

from __future__ import annotations

import json

import pytest
from django.conf import settings as django_settings

from laurel.bulk.models import BulkJob, BulkRow
from laurel.credentials.models import Credential
from laurel.organizations.models import Organization

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024


def ten_thousand(group) -> dict:
    """10,000 recipients with long names: about 2.8 MB of JSON."""
    return {
        "group": group.key,
        "recipients": [
            {"name": f"Recipient {n:05d} " + "Ñandú " * 30, "email": f"r{n}@example.org"}
            for n in range(10_000)
        ],
    }


def test_ten_thousand_recipients_as_json_are_accepted(api, acme_keys, acme, never_group):
    Organization.objects.filter(pk=acme.pk).update(monthly_quota_override=100_000)
    body = json.dumps(ten_thousand(never_group))
    assert len(body.encode()) > max(
        django_settings.LAUREL_API_MAX_BODY_BYTES, django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )
    checked = api.post("/api/v1/bulk-jobs/validate", acme_keys.key("admin"), body)
    assert checked.status_code == 200, checked.json()
    assert checked.json()["summary"]["valid"] == 10_000
    submitted = api.post("/api/v1/bulk-jobs", acme_keys.key("admin"), body)
    assert submitted.status_code == 202, submitted.json()
    job = BulkJob.objects.get(pk=submitted.json()["id"])
    assert job.total == 10_000 and job.status == BulkJob.Status.PENDING
    assert BulkRow.objects.filter(job=job, outcome="pending").count() == 10_000


def test_a_body_past_the_bulk_limit_is_a_clear_413_and_creates_nothing(
    api, acme_keys, never_group, settings
):
    settings.LAUREL_API_BULK_MAX_BODY_BYTES = 64 * 1024
    body = json.dumps(ten_thousand(never_group))
    for path in ("/api/v1/bulk-jobs", "/api/v1/bulk-jobs/validate", "/v1/bulk-jobs"):
        response = api.post(path, acme_keys.key("admin"), body)
        assert response.status_code == 413, (path, response.content[:200])
        assert response.json()["error_code"] == "request_too_large"
        assert "64 KiB" in response.json()["error"]
    assert not BulkJob.objects.exists() and not Credential.objects.exists()


def test_the_default_bulk_limit_is_16_mib(api, acme_keys):
    assert django_settings.LAUREL_API_BULK_MAX_BODY_BYTES == 16 * MiB
    response = api.post("/api/v1/bulk-jobs", acme_keys.key("admin"), b" " * (16 * MiB + 1))
    assert response.status_code == 413
    assert "16384 KiB" in response.json()["error"]
    assert not BulkJob.objects.exists()


def test_other_endpoints_keep_the_api_limit(api, acme_keys, never_group):
    padding = "x" * (django_settings.LAUREL_API_MAX_BODY_BYTES + 1)
    body = {"group_key": never_group.key, "recipient": {"name": padding, "email": "a@b.org"}}
    for path in ("/api/v1/credentials", "/api/v1/bulk-jobs/some-job/cancel"):
        response = api.post(path, acme_keys.key("admin"), body)
        assert response.status_code == 413, path
        assert response.json()["error_code"] == "request_too_large"
        assert "1024 KiB" in response.json()["error"]
    assert not Credential.objects.exists()
