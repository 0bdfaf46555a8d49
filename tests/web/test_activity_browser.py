"""The activity panels in a real browser: a visit and a download on a public page show on
the group's page and on the credential's own page, with the period picked; axe-checked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from laurel.analytics.services import flush
from laurel.credentials.services import create_group, issue
from laurel.organizations.models import Membership
from laurel.organizations.permissions import Actor
from tests.web.conftest import PASSWORD, look, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visit_and_a_download_show_in_the_issuers_activity(page, org_factory, user_factory):
    user = user_factory("owner@academy.example", password=PASSWORD)
    academy = org_factory("Academy of Everything", owner=user)
    owner = Actor(
        organization=academy,
        role="owner",
        user=Membership.objects.get(organization=academy, role="owner").user,
    )
    group = create_group(actor=owner, title="Data Analysis with Python", expiry_unit="never")
    credential = issue(
        actor=owner,
        group_key=group.key,
        recipient_name="Ada Lovelace",
        recipient_email="ada@example.org",
    )
    issue(actor=owner, group_key=group.key, recipient_name="Bob", recipient_email="b@example.org")

    page.goto(f"/credential/{credential.pk}")
    pdf = page.get_by_role("link", name="Download certificate (PDF)")
    expect(pdf).to_be_visible()
    with page.expect_download() as download:
        pdf.click()
    assert download.value.suggested_filename.endswith(".pdf")
    flush()  # the live server counts in this process; write what it holds

    sign_in(page, "owner@academy.example")
    page.wait_for_url(f"**/organizations/{academy.slug}/")
    page.goto(f"/organizations/{academy.slug}/groups/{group.key}")
    panel = page.locator("#activity")
    expect(panel.locator('[data-count="views"]')).to_have_text("1")
    expect(panel.locator('[data-count="downloads"]')).to_have_text("1")
    page.get_by_role("link", name="12 months").click()
    expect(page.get_by_role("link", name="12 months")).to_have_attribute("aria-current", "true")
    look(page, "group-activity")

    page.get_by_role("link", name="Ada Lovelace").click()
    page.wait_for_url(f"**/credentials/{credential.pk}/details")
    expect(page.locator('[data-count="views"]')).to_have_text("1")
    expect(page.locator('[data-download="PDF"]')).to_have_text("PDF 1")
    look(page, "credential-activity")
