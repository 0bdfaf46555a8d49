"""Issue one credential in a real browser: the live recipient check as the email is typed,
each banner (prepared through the services), the red one's disabled buttons, names in any
script, and the page that says what is missing before an organization can issue."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from laurel.credentials import services
from laurel.credentials.models import Credential
from laurel.organizations.models import Membership, SigningKey
from laurel.organizations.permissions import Actor
from tests.web.conftest import PASSWORD, look, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "ada@example.org"


@pytest.fixture
def academy(org_factory, user_factory):
    """An approved organization whose owner can sign in, with a yearly and a lifelong group."""
    user = user_factory("owner@academy.example", password=PASSWORD)
    organization = org_factory("Academy of Everything", owner=user)
    return organization


@pytest.fixture
def academy_owner(academy):
    user = Membership.objects.get(organization=academy, role="owner").user
    return Actor(organization=academy, role="owner", user=user)


@pytest.fixture
def groups(academy, group_factory):
    return {
        "yearly": group_factory(
            academy,
            title="First Aid",
            code="FA-1",
            expiry_unit="years",
            expiry_amount=1,
            custom_fields=["custom_grade"],
        ),
        "never": group_factory(academy, title="Python Foundations", expiry_unit="never"),
    }


def open_form(page, organization, group) -> None:
    sign_in(page, "owner@academy.example")
    page.wait_for_url(f"**/organizations/{organization.slug}/")
    page.goto(f"/organizations/{organization.slug}/credentials/issue?group={group.key}")


def type_email(page, email: str) -> None:
    field = page.get_by_label("Recipient email")
    field.click()
    field.press_sequentially(email, delay=10)


def test_issue_to_a_new_recipient_from_the_group_page(page, academy, groups):
    sign_in(page, "owner@academy.example")
    page.wait_for_url(f"**/organizations/{academy.slug}/")
    page.goto(f"/organizations/{academy.slug}/credentials/issue")
    page.get_by_label("Search groups by name").fill("first")
    expect(page.locator("#group-choices li")).to_have_count(1)
    look(page, "issue-pick-group")
    page.get_by_role("link", name=re.compile("First Aid")).click()
    page.wait_for_url(re.compile(r"credentials/issue\?group="))
    page.get_by_label("Recipient name").fill("مريم العربية")
    type_email(page, EMAIL)
    banner = page.locator("#recipient-check .alert-success")
    banner.wait_for()
    assert "First-time recipient." in banner.inner_text()
    page.get_by_label("Evidence URL").fill("https://example.org/evidence/1")
    page.get_by_label("Grade").fill("A")
    look(page, "issue-form-new-recipient")
    page.get_by_role("button", name="Issue credential").click()
    page.wait_for_url(f"**/organizations/{academy.slug}/credentials")
    credential = Credential.objects.get(group=groups["yearly"])
    assert credential.status == Credential.Status.PUBLISHED
    assert credential.recipient_name == "مريم العربية"
    assert credential.custom_attributes == {"custom_grade": "A"}
    assert page.get_by_text("Credential issued to مريم العربية.").is_visible()
    page.goto(f"/organizations/{academy.slug}/groups/{groups['yearly'].key}")
    assert page.get_by_text("مريم العربية").first.is_visible()
    assert page.dialogs == []


def prepare(state: str, owner: Actor, groups: dict):
    def give(group, **extra):
        return services.issue(
            actor=owner, group_key=group.key, recipient_name="Ada", recipient_email=EMAIL, **extra
        )

    if state == "new":
        return groups["yearly"]
    if state == "expired":
        give(groups["yearly"], issued_on=timezone.now() - timedelta(days=800))
        return groups["yearly"]
    if state == "active_time_bound":
        give(groups["yearly"])
        return groups["yearly"]
    if state == "active_non_expiring":
        give(groups["never"])
        return groups["never"]
    if state == "revoked":
        services.revoke(actor=owner, credential_id=give(groups["never"]).id, reason="mistake")
        return groups["never"]
    if state == "draft_pending":
        give(groups["never"], draft=True)
        return groups["never"]
    raise AssertionError(state)


BANNERS = {
    "new": ("success", "First-time recipient.", False),
    "expired": ("info", "Renewing an expired credential.", False),
    "active_time_bound": (
        "warning",
        "An active credential exists. It will be revoked and a new one issued.",
        False,
    ),
    "active_non_expiring": ("danger", "Recipient already has this credential.", True),
    "revoked": ("info", "Issuing replaces a revoked credential.", False),
    "draft_pending": ("warning", "A draft for this recipient is waiting to be published.", True),
}


@pytest.mark.parametrize("state", list(BANNERS))
def test_typing_the_email_shows_the_recipient_check_banner(
    page, academy, academy_owner, groups, state
):
    group = prepare(state, academy_owner, groups)
    open_form(page, academy, group)
    page.get_by_label("Recipient name").fill("Ada")
    issue_button = page.get_by_role("button", name="Issue credential")
    draft_button = page.get_by_role("button", name="Generate as draft")
    assert issue_button.is_enabled()
    type_email(page, EMAIL.upper())
    tone, title, blocked = BANNERS[state]
    banner = page.locator(f"#recipient-check .alert-{tone}")
    banner.wait_for()
    assert title in banner.inner_text()
    if blocked:
        expect(issue_button).to_be_disabled()
    assert issue_button.is_disabled() is blocked
    assert draft_button.is_disabled() is blocked
    if state == "draft_pending":
        draft = Credential.objects.get(status=Credential.Status.DRAFT)
        link = page.get_by_role("link", name="Open the draft")
        assert link.get_attribute("href").endswith(f"/credentials/review/{draft.id}")
    look(page, f"issue-banner-{state}")

    # Another address clears the way again.
    field = page.get_by_label("Recipient email")
    field.fill("")
    type_email(page, "someone.else@example.org")
    page.locator("#recipient-check .alert-success").wait_for()
    assert issue_button.is_enabled()


def test_the_red_banner_survives_a_reload_and_the_server_refuses_anyway(
    page, academy, academy_owner, groups
):
    prepare("active_non_expiring", academy_owner, groups)
    open_form(page, academy, groups["never"])
    page.get_by_label("Recipient name").fill("Ada")
    page.get_by_label("Recipient email").fill(EMAIL)
    # Submitted before the check answers (as without JavaScript): the service refuses.
    with page.expect_navigation():
        page.locator("form.issue-form").evaluate("form => form.submit()")
    assert page.get_by_text("Credential already exists for this recipient").is_visible()
    assert page.locator("#recipient-check .alert-danger").is_visible()
    # The page's own check (on load) disables the buttons for what was typed.
    expect(page.get_by_role("button", name="Issue credential")).to_be_disabled()
    assert page.get_by_label("Recipient email").input_value() == EMAIL
    look(page, "issue-refused-existing")
    assert Credential.objects.filter(group=groups["never"]).count() == 1


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "{{7*7}}", "王小明 🎓", "שלום"])
def test_names_show_as_themselves_and_run_nothing(page, academy, groups, group_factory, name):
    group = group_factory(academy, title=f"{name} course")
    open_form(page, academy, group)
    page.get_by_label("Recipient name").fill(name)
    type_email(page, "n@example.org")
    page.locator("#recipient-check .alert-success").wait_for()
    page.get_by_role("button", name="Generate as draft").click()
    page.wait_for_url(f"**/organizations/{academy.slug}/credentials")
    assert page.get_by_text(f"Draft saved for {name}.").is_visible()
    page.goto(f"/organizations/{academy.slug}/groups/{group.key}")
    assert page.get_by_role("heading", name=f"{name} course").is_visible()
    assert page.locator(".recipient-name", has_text=name).is_visible()
    assert "49" not in page.locator("table").inner_text()
    assert page.dialogs == []
    assert Credential.objects.get(group=group).recipient_name == name


def test_a_pending_organization_sees_what_is_missing_instead_of_a_form(
    page, org_factory, user_factory
):
    user = user_factory("owner@pending.example", password=PASSWORD)
    pending = org_factory("Pending Academy", owner=user, approved=False)
    sign_in(page, "owner@pending.example")
    page.wait_for_url(f"**/organizations/{pending.slug}/")
    page.goto(f"/organizations/{pending.slug}/credentials/issue")
    assert page.get_by_text("Your organization is waiting for approval").is_visible()
    assert page.get_by_label("Recipient email").count() == 0
    look(page, "issue-prerequisite-approval")


def test_without_a_signing_key_the_page_links_to_the_keys(page, academy, groups):
    SigningKey.objects.filter(organization=academy).update(
        status="retired", retired_at=timezone.now()
    )
    open_form(page, academy, groups["never"])
    assert page.get_by_text("No signing key").is_visible()
    link = page.get_by_role("link", name="Generate a key")
    assert link.get_attribute("href") == f"/organizations/{academy.slug}/settings/keys"
    look(page, "issue-prerequisite-key")


def test_when_the_quota_is_used_up_the_page_says_so(page, org_factory, user_factory, group_factory):
    user = user_factory("owner@small.example", password=PASSWORD)
    small = org_factory("Small Academy", owner=user, monthly_quota=0)
    group_factory(small, title="Course")
    sign_in(page, "owner@small.example")
    page.wait_for_url(f"**/organizations/{small.slug}/")
    page.goto(f"/organizations/{small.slug}/credentials/issue")
    assert page.get_by_text("This month's quota is used up").is_visible()
    assert page.get_by_role("link", name="See your plan").is_visible()
    look(page, "issue-prerequisite-quota")
