"""Bulk issue pages × roles with the Django client (the browser tests are in
test_bulk_browser.py)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from laurel.bulk.models import BulkJob
from tests.bulk.jobs import recipient_csv, submitted_job

ROLES = ["owner", "admin", "issuer"]


def base(org):
    return f"/organizations/{org.slug}/"


@pytest.mark.parametrize("role", ROLES)
def test_every_role_uploads_reviews_and_submits(member_login, actors, acme, never_group, role):
    client = member_login(actors[role].user)
    assert client.get(base(acme) + "credentials/bulk-issue").status_code == 200
    upload = SimpleUploadedFile("people.csv", recipient_csv(3, extra="Nobody,\n"))
    response = client.post(
        base(acme) + "credentials/bulk-issue", {"group": never_group.key, "file": upload}
    )
    assert response.status_code == 302
    job = BulkJob.objects.get()
    review = client.get(response["Location"])
    assert review.status_code == 200 and b"Invalid" in review.content
    failed_only = client.get(
        response["Location"] + "?status=invalid", headers={"HX-Request": "true"}
    )
    assert failed_only.status_code == 200 and b"<html" not in failed_only.content
    submitted = client.post(response["Location"], {"mode": "publish", "privacy": ""})
    assert submitted.status_code == 302
    job.refresh_from_db()
    assert job.status == "pending"
    page = client.get(base(acme) + f"bulk-jobs/{job.pk}")
    assert page.status_code == 200 and b"Cancel job" in page.content
    assert client.get(base(acme) + "bulk-jobs").status_code == 200
    assert client.get(base(acme)).context["jobs_running"] == 1


def test_a_bad_file_is_shown_next_to_the_field(member_login, owner, acme, never_group):
    client = member_login(owner.user)
    upload = SimpleUploadedFile("people.pdf", b"%PDF-1.4")
    response = client.post(
        base(acme) + "credentials/bulk-issue", {"group": never_group.key, "file": upload}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not BulkJob.objects.exists()


def test_templates_download(member_login, owner, acme, custom_group):
    client = member_login(owner.user)
    csv = client.get(base(acme) + f"credentials/bulk-issue/template.csv?group={custom_group.key}")
    assert csv.status_code == 200 and b"custom_grade" in csv.content
    xlsx = client.get(base(acme) + "credentials/bulk-issue/template.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(base(acme) + "credentials/bulk-issue/template.pdf").status_code == 404


def test_a_free_plan_sees_which_plan_submits(member_login, org_factory, group_factory):
    from laurel.organizations.models import Membership

    free = org_factory("Free School", plan="free")
    group = group_factory(free)
    client = member_login(Membership.objects.get(organization=free).user)
    upload = SimpleUploadedFile("people.csv", recipient_csv(2))
    response = client.post(
        base(free) + "credentials/bulk-issue", {"group": group.key, "file": upload}
    )
    review = client.get(response["Location"])
    assert b"Professional or Enterprise" in review.content
    assert review.context["can_submit"] is False
    refused = client.post(response["Location"], {"mode": "publish"})
    assert refused.status_code == 400
    assert BulkJob.objects.get().status == "validated"


def test_another_organizations_job_is_404_and_signed_out_redirects(
    member_login, client, outsider, owner, acme, never_group
):
    job = submitted_job(owner, never_group, recipient_csv(2))
    paths = [
        f"bulk-jobs/{job.pk}",
        f"bulk-jobs/{job.pk}/failed.csv",
        f"credentials/bulk-issue/{job.pk}",
    ]
    for path in paths:
        assert client.get(base(acme) + path).status_code == 302  # signed out → sign in
    theirs = member_login(outsider.user)
    globex = outsider.organization
    for path in paths:
        assert theirs.get(base(globex) + path).status_code == 404
    for path in (f"bulk-jobs/{job.pk}/cancel", f"bulk-jobs/{job.pk}/retry"):
        assert theirs.post(base(globex) + path).status_code == 404
    job.refresh_from_db()
    assert job.cancel_requested_at is None
