"""Bulk issue in a real browser: upload → review → submit → progress → completed, and
download the failed rows → retry; every page checked by axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from laurel.bulk.models import BulkJob
from laurel.organizations.models import Organization
from tests.helpers.tasks import run_pending_tasks
from tests.web.conftest import PASSWORD, look, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILE = (
    "name,email\n"
    "<script>alert(1)</script>,xss@example.org\n"
    "{{7*7}},braces@example.org\n"
    "Zoë Ibáñez,zoe@example.org\n"
    "محمد الأحمد,mohammed@example.org\n"
    "Nobody,\n"
).encode()


@pytest.fixture
def issuer_page(page, acme, user_factory, never_group, tmp_path):
    from laurel.organizations.models import Membership

    user = user_factory("bulk@example.org", password=PASSWORD)
    Membership.objects.create(user=user, organization=acme, role="issuer")
    sign_in(page, "bulk@example.org")
    path = tmp_path / "class-of-2026.csv"
    path.write_bytes(FILE)
    page.file = path
    return page


def _upload(page, acme, never_group):
    page.goto(f"/organizations/{acme.slug}/credentials/bulk-issue")
    look(page, "bulk-upload")
    page.get_by_label("Credential group").select_option(never_group.key)
    page.get_by_label("Recipient file").set_input_files(str(page.file))
    page.get_by_role("button", name="Validate").click()
    page.wait_for_url("**/credentials/bulk-issue/job_*")


def test_upload_review_submit_progress_completed(issuer_page, acme, never_group):
    page = issuer_page
    _upload(page, acme, never_group)
    assert page.locator('[data-total="valid"]').inner_text() == "4"
    assert page.locator('[data-total="invalid"]').inner_text() == "1"
    assert page.get_by_text("<script>alert(1)</script>").is_visible()
    assert page.get_by_text("{{7*7}}").is_visible()
    look(page, "bulk-review")
    page.get_by_role("link", name="Invalid", exact=True).click()
    # the invalid row's reason shows in the whole table too: wait for the filtered one
    expect(page.locator("#bulk-rows tbody tr")).to_have_count(1)
    assert page.get_by_text("The email address is missing.").is_visible()
    page.get_by_label("Issue and publish now").check()
    page.get_by_role("button", name="Submit 4 credentials").click()
    page.wait_for_url("**/bulk-jobs/job_*")
    assert page.get_by_role("button", name="Cancel job").is_visible()
    look(page, "bulk-job-pending")
    run_pending_tasks()  # the worker, as `laurel worker` runs it
    page.wait_for_selector('[data-status="completed"]', timeout=10_000)  # htmx polling
    assert page.locator('[data-count="succeeded"]').inner_text() == "4"
    assert page.get_by_text("The job is complete").is_visible()
    look(page, "bulk-job-completed")
    page.goto(f"/organizations/{acme.slug}/bulk-jobs")
    look(page, "bulk-jobs")
    assert page.get_by_role("link", name="class-of-2026.csv").is_visible()
    assert page.dialogs == []


def test_download_failed_rows_then_retry(issuer_page, acme, never_group):
    page = issuer_page
    _upload(page, acme, never_group)
    page.get_by_role("button", name="Submit 4 credentials").click()
    page.wait_for_url("**/bulk-jobs/job_*")
    Organization.objects.filter(pk=acme.pk).update(monthly_quota_override=2)
    run_pending_tasks()
    page.reload()
    page.wait_for_selector('[data-status="completed"]')
    assert page.locator('[data-count="failed"]').inner_text() == "2"
    look(page, "bulk-job-with-failures")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download failed rows").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert text.splitlines()[0] == "name,email,row,reason"
    assert text.count("\n") == 3 and "recipients this month" in text
    Organization.objects.filter(pk=acme.pk).update(monthly_quota_override=100)
    page.get_by_role("button", name="Retry failed").click()
    page.wait_for_url("**/bulk-jobs/job_*")
    run_pending_tasks()
    page.wait_for_selector('[data-status="completed"]', timeout=10_000)
    assert page.locator('[data-count="succeeded"]').inner_text() == "2"
    assert BulkJob.objects.count() == 2
    assert page.dialogs == []
