"""The essential paths without JavaScript, in a real browser with scripting switched off:
sign in, issue a credential (and a draft), publish the draft from Under review, revoke a
credential with a reason. htmx only adds to these pages; every one is a plain form."""

from __future__ import annotations

import re

import pytest

from laurel.credentials.models import Credential
from tests.web.conftest import PASSWORD, SCREENSHOTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plain(browser, live_server):
    """A page whose browser runs no script at all (and says so if one tried)."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def test_sign_in_issue_publish_and_revoke_without_javascript(
    plain, org_factory, user_factory, group_factory
):
    owner = user_factory("owner@plain.example", password=PASSWORD)
    organization = org_factory("Plain Old Forms", owner=owner)
    group = group_factory(organization, title="Safety Basics", expiry_unit="never")
    base = f"/organizations/{organization.slug}"

    sign_in(plain, "owner@plain.example")
    plain.wait_for_url(f"**{base}/")

    # Issue: the form posts as is; the recipient check simply does not run.
    plain.goto(f"{base}/credentials/issue?group={group.key}")
    plain.get_by_label("Recipient name").fill("Noa Levi")
    plain.get_by_label("Recipient email").fill("noa@example.org")
    plain.get_by_role("button", name="Issue credential").click()
    plain.wait_for_url(f"**{base}/credentials")
    issued = Credential.objects.get(recipient_email="noa@example.org")
    assert issued.status == Credential.Status.PUBLISHED
    assert plain.get_by_text("Noa Levi").first.is_visible()

    # A draft, then Under review: tick it, Publish now.
    plain.goto(f"{base}/credentials/issue?group={group.key}")
    plain.get_by_label("Recipient name").fill("Olu Adeyemi")
    plain.get_by_label("Recipient email").fill("olu@example.org")
    plain.get_by_role("button", name="Generate as draft").click()
    draft = Credential.objects.get(recipient_email="olu@example.org")
    assert draft.status == Credential.Status.DRAFT
    plain.goto(f"{base}/credentials/review")
    plain.get_by_label("Select Olu Adeyemi").check()
    plain.get_by_role("button", name="Publish now").click()
    plain.wait_for_load_state()
    draft.refresh_from_db()
    assert draft.status == Credential.Status.PUBLISHED

    # Revoke from the list's row action, with a reason.
    plain.goto(f"{base}/credentials")
    plain.locator(f"#credential-{issued.id}").get_by_role("link", name=re.compile("Revoke")).click()
    plain.wait_for_url(re.compile(r"/revoke"))
    plain.get_by_label("Reason").fill("Issued to the wrong person")
    # (axe-core needs scripting: these pages are checked in the other browser tests.)
    SCREENSHOTS.mkdir(exist_ok=True)
    plain.screenshot(path=str(SCREENSHOTS / "no-javascript-revoke-desktop.png"), full_page=True)
    plain.get_by_role("button", name="Revoke credential").click()
    plain.wait_for_url(f"**{base}/credentials**")
    issued.refresh_from_db()
    assert issued.status == Credential.Status.REVOKED
    assert issued.revocation_reason == "Issued to the wrong person"
    assert plain.get_by_text("Revoked the credential of Noa Levi.").is_visible()
