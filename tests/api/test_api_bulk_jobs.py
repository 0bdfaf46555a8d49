"""/api/v1/bulk-jobs: validate, submit (JSON and multipart, Idempotency-Key), follow,
rows, cancel, retry."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from laurel.bulk.models import BulkJob
from laurel.credentials.models import Credential
from tests.bulk.jobs import recipient_csv
from tests.helpers.tasks import run_pending_tasks

RECIPIENTS = [
    {"name": "Ada", "email": "ada@example.org"},
    {"name": "Bob", "email": "bob@example.org", "custom_attributes": {}},
    {"name": "", "email": "nameless@example.org"},
    {"name": "Ada again", "email": "ADA@example.org"},
]


def test_validate_a_json_list_reports_every_row_and_creates_nothing(api, acme_keys, never_group):
    response = api.post(
        "/api/v1/bulk-jobs/validate",
        acme_keys.key("issuer"),
        {"group": never_group.key, "recipients": RECIPIENTS},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["summary"]["valid"] == 2 and body["summary"]["invalid"] == 2
    statuses = [(row["row"], row["status"]) for row in body["rows"]]
    assert statuses == [(1, "new"), (2, "new"), (3, "invalid"), (4, "invalid")]
    assert "Duplicate of row 1" in body["rows"][3]["reason"]
    assert not BulkJob.objects.exists()


def test_validate_a_multipart_file(api, acme_keys, never_group):
    upload = SimpleUploadedFile("people.csv", recipient_csv(5), content_type="text/csv")
    response = api.client.post(
        "/api/v1/bulk-jobs/validate",
        {"group": never_group.key, "file": upload},
        headers={"Authorization": f"Bearer {acme_keys.key('admin')}"},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["summary"]["valid"] == 5


def test_a_file_that_cannot_be_read_is_a_clear_400(api, acme_keys, never_group):
    upload = SimpleUploadedFile("people.csv", b"\x00\x01\x02PK\x03\x04" * 50)
    response = api.client.post(
        "/api/v1/bulk-jobs/validate",
        {"group": never_group.key, "file": upload},
        headers={"Authorization": f"Bearer {acme_keys.key('admin')}"},
    )
    assert response.status_code == 400
    assert response.json()["success"] is False and response.json()["error"]


@pytest.mark.django_db(transaction=True)
def test_submit_follow_and_list_a_job(api, acme_keys, never_group):
    key = acme_keys.key("issuer")
    headers = {"Idempotency-Key": "job-1"}
    body = {"group": never_group.key, "recipients": RECIPIENTS, "privacy": "private"}
    response = api.call("POST", "/api/v1/bulk-jobs", key, body, headers=headers)
    assert response.status_code == 202, response.json()
    job = response.json()
    assert job["status"] == "pending" and job["total"] == 4 and job["skipped"] == 2
    again = api.call("POST", "/api/v1/bulk-jobs", key, body, headers=headers)
    assert again.status_code == 202 and again.json()["id"] == job["id"]
    assert BulkJob.objects.count() == 1
    run_pending_tasks()
    done = api.get(f"/api/v1/bulk-jobs/{job['id']}", key).json()
    assert (done["status"], done["succeeded"], done["progress"]) == ("completed", 2, 100)
    assert set(Credential.objects.values_list("privacy", flat=True)) == {"private"}
    listed = api.get("/api/v1/bulk-jobs", key).json()
    assert [j["id"] for j in listed["data"]] == [job["id"]]
    rows = api.get(f"/api/v1/bulk-jobs/{job['id']}/rows?status=issued", key).json()
    assert [row["email"] for row in rows["data"]] == ["ada@example.org", "bob@example.org"]
    assert all(row["credential_id"] for row in rows["data"])
    cancel = api.post(f"/api/v1/bulk-jobs/{job['id']}/cancel", key)
    assert cancel.status_code == 400 and cancel.json()["error_code"] == "invalid_status"
    retry = api.post(f"/api/v1/bulk-jobs/{job['id']}/retry-failed", key)
    assert retry.status_code == 400  # no failed row


def test_submit_needs_a_plan_with_bulk(api, org_factory, group_factory):
    from tests.api.conftest import keys_for

    free = org_factory("Free School", plan="free")
    group = group_factory(free)
    keys = keys_for(free)
    body = {"group": group.key, "recipients": RECIPIENTS[:1]}
    response = api.post("/api/v1/bulk-jobs", keys.key("admin"), body)
    assert response.status_code == 402, response.json()
    assert not BulkJob.objects.exists()
    assert api.post("/api/v1/bulk-jobs/validate", keys.key("admin"), body).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"group": "x"},
        {"group": "x", "recipients": "nope"},
        {"group": 1, "recipients": []},
        "not json",
    ],
)
def test_bad_bodies_are_400(api, acme_keys, body):
    response = api.post("/api/v1/bulk-jobs", acme_keys.key("admin"), body)
    assert response.status_code == 400, response.json()
    assert not BulkJob.objects.exists()


def test_more_than_ten_thousand_recipients_are_refused(api, acme_keys, never_group):
    body = {"group": never_group.key, "recipients": [{"name": "a", "email": "a@b.c"}] * 10_001}
    response = api.post("/api/v1/bulk-jobs/validate", acme_keys.key("admin"), body)
    assert response.status_code in (400, 413)
