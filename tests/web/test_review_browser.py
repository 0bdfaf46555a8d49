"""Generate drafts, review one in the recipient's view, edit it, publish some and watch the
bar reach the end without a reload: in Chromium, every page checked by axe-core."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect

from laurel.credentials import publishing
from laurel.credentials.models import Credential, PublishBatch
from laurel.credentials.services import issue, publish, revoke
from tests.helpers.tasks import run_pending_tasks
from tests.web.conftest import PASSWORD, look, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE = "<script>alert(1)</script>"
NAMES = [
    HOSTILE,
    "{{7*7}}",
    "فاطمة الزهراء",
    "דוד כהן",
    "王小明",
    "अनन्या शर्मा",
    "Zoë 🎓 Ångström",
    "Nguyễn Văn Thắng",
]


@pytest.fixture
def reviewer(user_factory, org_factory, group_factory):
    user = user_factory("rita@example.org", password=PASSWORD)
    organization = org_factory("Académie Ωmega", owner=user)
    group = group_factory(
        organization,
        title="Data Science Foundations",
        custom_fields=["custom_grade", "custom_hours"],
        expiry_unit="years",
        expiry_amount=2,
        skills=[
            {"name": "Statistics", "url": "https://example.org/skills/statistics"},
            {"name": "Python", "url": "https://example.org/skills/python"},
        ],
    )
    from laurel.organizations.permissions import Actor

    actor = Actor(organization=organization, role="owner", user=user)
    drafts = [
        issue(
            actor=actor,
            group_key=group.key,
            recipient_name=name,
            recipient_email=f"recipient{n}@example.org",
            custom_attributes={"custom_grade": "A", "custom_hours": str(10 + n)},
            evidence_url="https://example.org/portfolio" if n == 0 else "",
            draft=True,
        )
        for n, name in enumerate(NAMES)
    ]
    return organization, actor, drafts


def test_review_a_draft_edit_it_publish_some_and_watch_the_bar(page, reviewer):
    organization, _, drafts = reviewer
    review_url = f"/organizations/{organization.slug}/credentials/review"
    sign_in(page, "rita@example.org")
    page.wait_for_url(f"**/organizations/{organization.slug}/")

    page.goto(review_url)
    expect(page.get_by_role("heading", name="Under review")).to_be_visible()
    for name in NAMES:  # every script, and markup, shows as itself
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    look(page, "review-list")

    page.get_by_role("link", name=HOSTILE, exact=True).click()
    page.wait_for_url(f"**{review_url}/{drafts[0].pk}")
    card = page.locator(".credential-card")
    expect(card.get_by_text(HOSTILE, exact=True)).to_be_visible()
    expect(card.get_by_role("heading", name="Data Science Foundations")).to_be_visible()
    expect(card.get_by_text("Awarded to")).to_be_visible()
    expect(card.get_by_role("link", name="Statistics")).to_be_visible()
    expect(card.get_by_role("link", name="View the evidence")).to_be_visible()
    expect(card.get_by_text("Not published yet")).to_be_visible()
    look(page, "review-draft")

    page.get_by_role("link", name="Edit details").click()
    page.wait_for_url("**/edit")
    expect(page.get_by_label("Recipient name")).to_have_value(HOSTILE)
    look(page, "review-edit")
    page.get_by_label("Evidence URL").fill("portfolio, page 3")
    page.get_by_label("Grade").fill("A+")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("evidence_url must be an http(s) URL")).to_be_visible()
    expect(page.get_by_label("Grade")).to_have_value("A+")  # what was typed stays
    look(page, "review-edit-error")
    page.get_by_label("Evidence URL").fill("https://example.org/portfolio/3")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(f"**{review_url}/{drafts[0].pk}")
    expect(page.get_by_text("The draft was saved.")).to_be_visible()
    expect(page.locator(".credential-card").get_by_text("A+", exact=True)).to_be_visible()

    page.get_by_role("link", name="Back to drafts under review").click()
    page.wait_for_url(f"**{review_url}")
    publish_now = page.get_by_role("button", name="Publish now")
    expect(publish_now).to_be_disabled()  # nothing chosen yet
    page.get_by_label("Select every draft on this page").check()
    page.get_by_label("Select 王小明").uncheck()
    expect(page.get_by_text("7 selected")).to_be_visible()
    publish_now.click()

    page.wait_for_url(re.compile(r"/credentials/review/batches/\d+$"))
    batch = PublishBatch.objects.get()
    assert batch.total == 7 and batch.status == "pending"
    expect(page.get_by_role("heading", name="Waiting to start")).to_be_visible()
    look(page, "review-batch-waiting")
    page.evaluate("window.stillTheSamePage = true")

    for _ in range(3):  # a worker's first steps, taken here in the test's thread
        publishing.publish_next(batch_id=batch.pk)
    bar = page.get_by_role("progressbar", name="Credentials done")
    expect(bar).to_have_attribute("value", "3", timeout=10_000)
    expect(page.get_by_role("heading", name="Publishing…")).to_be_visible()
    look(page, "review-batch-processing")
    run_pending_tasks()  # the worker, here in the test's thread: the rest of the batch

    expect(page.get_by_role("heading", name="Publishing finished")).to_be_visible(timeout=10_000)
    assert page.evaluate("window.stillTheSamePage") is True  # updated without a reload
    expect(bar).to_have_attribute("value", "7")
    expect(bar).to_have_attribute("max", "7")
    expect(page.get_by_text("All 7 credentials are published")).to_be_visible()
    expect(page.get_by_role("link", name="View credentials")).to_have_attribute(
        "href", f"/organizations/{organization.slug}/credentials"
    )
    look(page, "review-batch-done")
    statuses = {c.recipient_name: c.status for c in Credential.objects.all()}
    assert statuses.pop("王小明") == "draft"
    assert set(statuses.values()) == {"published"}

    page.goto(review_url)
    page.get_by_label("Search drafts by recipient name or email").fill("nobody")
    expect(page.get_by_text("No drafts match “nobody”")).to_be_visible()
    look(page, "review-search-empty")
    page.get_by_label("Search drafts by recipient name or email").fill("王")
    page.get_by_role("link", name="王小明", exact=True).click()
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_url(f"**{review_url}")
    expect(page.get_by_text("Nothing waiting for review")).to_be_visible()
    look(page, "review-empty")
    assert page.dialogs == []


def test_a_stalled_batch_resumes_and_lists_what_failed_and_why(page, reviewer):
    organization, actor, drafts = reviewer
    publish(actor=actor, credential_id=drafts[1].pk)
    revoke(actor=actor, credential_id=drafts[1].pk, reason="Issued by mistake")
    batch = publishing.publish_selected(actor=actor, credential_ids=[d.pk for d in drafts[:7]])
    long_ago = timezone.now() - publishing.STALLED_AFTER * 3
    PublishBatch.objects.filter(pk=batch.pk).update(created_at=long_ago)
    DBTaskResult.objects.all().delete()  # the worker that had it died with its task

    sign_in(page, "rita@example.org")
    page.wait_for_url(f"**/organizations/{organization.slug}/")
    page.goto(f"/organizations/{organization.slug}/credentials/review/batches/{batch.pk}")
    expect(page.get_by_text("Publishing has stopped")).to_be_visible()
    look(page, "review-batch-stalled")
    page.get_by_role("button", name="Resume publishing").click()
    expect(page.get_by_text("Publishing continues where it stopped.")).to_be_visible()
    run_pending_tasks()

    expect(page.get_by_text("1 credential could not be published")).to_be_visible(timeout=10_000)
    failures = page.get_by_role("table", name="Credentials that could not be published")
    expect(failures.get_by_role("link", name="{{7*7}}", exact=True)).to_be_visible()
    expect(failures.get_by_text("this credential is revoked")).to_be_visible()
    look(page, "review-batch-failures")
    assert page.dialogs == []
