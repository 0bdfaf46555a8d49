"""Organization settings in a real browser: invite and accept in a second browser, change
a role, create an API key and see it once, rotate the signing key, subscribe a webhook;
every settings page checked by axe-core and screenshotted at desktop and phone widths."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from laurel.organizations.models import ApiKey, Membership, SigningKey
from laurel.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from tests.web.conftest import DESKTOP, look, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE = "<script>alert(1)</script> {{7*7}}"


@pytest.fixture
def ada(org_factory, user_factory):
    """The Owner of an organization whose name would run script if it were not escaped."""
    from tests.web.conftest import PASSWORD

    user = user_factory("ada@acme.example", password=PASSWORD)
    organization = org_factory(f"Acme {HOSTILE}", owner=user)
    return user, organization


def settings(organization, page=""):
    return f"/organizations/{organization.slug}/settings/{page}"


def test_invite_then_accept_as_the_invitee_in_a_second_browser(
    page, browser, live_server, ada, user_factory
):
    from tests.web.conftest import PASSWORD

    user, organization = ada
    sign_in(page, user.email)
    page.wait_for_url("**/organizations/**")
    page.goto(settings(organization, "members"))
    look(page, "settings-members")
    page.get_by_label("Email address").fill("Grace@Example.org")
    page.get_by_label("Role", exact=True).select_option("admin")
    page.get_by_role("button", name="Invite", exact=True).click()
    page.get_by_text("Invitation sent to grace@example.org").wait_for()
    look(page, "settings-members-invited")
    invitation_link = page.get_by_label("Invitation link").input_value()
    assert re.search(r"/invitations/[\w-]{40,}$", invitation_link)

    user_factory("grace@example.org", password=PASSWORD)
    other = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    try:
        invitee = other.new_page()
        invitee.goto(invitation_link)
        assert invitee.get_by_role("heading", name=f"Join Acme {HOSTILE}").is_visible()
        look(invitee, "invitation-signed-out")
        invitee.get_by_role("link", name="Sign in to accept").click()
        invitee.get_by_label("Email").fill("grace@example.org")
        invitee.get_by_label("Password").fill(PASSWORD)
        invitee.get_by_role("button", name="Sign In").click()
        invitee.wait_for_url(re.compile(r"/invitations/"))
        look(invitee, "invitation-accept")
        invitee.get_by_role("button", name="Accept the invitation").click()
        invitee.wait_for_url(f"**/organizations/{organization.slug}/")
        assert invitee.get_by_text(f"Welcome to Acme {HOSTILE}.").is_visible()
        assert Membership.objects.get(user__email="grace@example.org").role == "admin"

        invitee.goto(invitation_link)  # a second time: used up
        assert invitee.get_by_role("heading", name="This invitation was already used").is_visible()
        look(invitee, "invitation-used")
    finally:
        other.close()

    page.reload()
    grace = Membership.objects.get(user__email="grace@example.org")
    page.get_by_label("Role of grace@example.org").select_option("issuer")
    page.locator(f"form[action$='members/{grace.pk}/role'] button").click()
    page.get_by_text("grace@example.org is now Issuer.").wait_for()
    assert Membership.objects.get(pk=grace.pk).role == "issuer"

    page.get_by_role("link", name="Remove grace@example.org").click()
    look(page, "settings-member-remove")
    page.goto(settings(organization, f"members/{grace.pk}/transfer"))
    look(page, "settings-member-transfer")
    assert page.dialogs == []


def test_a_signed_out_invitee_signs_up_from_the_link_and_joins(page, ada):
    from laurel.organizations import invitations
    from laurel.organizations.permissions import Actor
    from tests.web.conftest import PASSWORD

    user, organization = ada
    actor = Actor(organization=organization, role="owner", user=user)
    invited = invitations.invite(actor=actor, email="newcomer@example.org", role="issuer")
    page.goto(f"/invitations/{invited.token}")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Organization name").fill("Newcomer's own")
    page.get_by_label("Email").fill("newcomer@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    # The address came with the link, so it needs no confirmation email: back to accept.
    page.wait_for_url(re.compile(r"/invitations/"))
    page.get_by_role("button", name="Accept the invitation").click()
    page.wait_for_url(f"**/organizations/{organization.slug}/")
    assert (
        Membership.objects.get(user__email="newcomer@example.org", organization=organization).role
        == "issuer"
    )


def test_api_key_is_shown_once_and_signing_key_rotates(page, ada):
    user, organization = ada
    sign_in(page, user.email)
    page.wait_for_url("**/organizations/**")
    page.goto(settings(organization, "api-keys"))
    look(page, "settings-api-keys-empty")
    page.get_by_label("Name").fill(f"LMS {HOSTILE}")
    page.get_by_label("Role").select_option("admin")
    page.get_by_role("button", name="Create API key").click()
    raw_key = page.get_by_label("Your new API key").input_value()
    assert raw_key.startswith("crd_live_")
    page.get_by_role("button", name="Copy").click()
    page.get_by_role("button", name="Copied").wait_for()
    look(page, "settings-api-key-created")
    page.goto(settings(organization, "api-keys"))
    assert raw_key not in page.content()
    assert page.get_by_text(ApiKey.objects.get().display_prefix).is_visible()
    look(page, "settings-api-keys")

    old = SigningKey.objects.get(organization=organization)
    page.goto(settings(organization, "keys"))
    look(page, "settings-signing-keys")
    page.get_by_role("link", name="Rotate key").click()
    assert page.get_by_text("Credentials already issued still verify").is_visible()
    look(page, "settings-signing-key-rotate")
    page.get_by_role("button", name="Rotate key").click()
    page.get_by_text("Signing key rotated").wait_for()
    old.refresh_from_db()
    assert old.status == "retired"
    assert page.get_by_role("cell", name="Retired").is_visible()
    look(page, "settings-signing-keys-rotated")
    assert page.dialogs == []


def test_subscribe_a_webhook_and_read_its_log(page, ada):
    user, organization = ada
    sign_in(page, user.email)
    page.wait_for_url("**/organizations/**")
    page.goto(settings(organization, "webhooks"))
    look(page, "settings-webhooks-empty")
    page.get_by_label("Endpoint URL").fill("not a url")
    page.get_by_role("button", name="Subscribe").click()
    assert page.get_by_text("absolute http:// or https:// URL").is_visible()
    assert page.get_by_label("Endpoint URL").input_value() == "not a url"
    look(page, "settings-webhooks-error")
    page.get_by_label("Endpoint URL").fill("https://93.184.215.14/laurel")
    page.get_by_label("Credential expired").uncheck()
    page.get_by_role("button", name="Subscribe").click()
    page.get_by_text("Subscribed https://93.184.215.14/laurel").wait_for()
    look(page, "settings-webhook-created")
    subscription = WebhookSubscription.objects.get()
    assert "credential.expired" not in subscription.events
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        organization=organization,
        event_id="evt_demo",
        event="credential.issued",
        payload={},
        status="failed",
        attempts=3,
        last_status_code=502,
        last_error="HTTP 502",
        last_attempt_at=timezone.now() - timedelta(minutes=21),
    )
    started = timezone.now() - timedelta(minutes=30)
    for number, code, error in [
        (1, None, "ConnectionError: refused"),
        (2, 500, "HTTP 500"),
        (3, 502, "HTTP 502"),
    ]:
        WebhookAttempt.objects.create(
            delivery=delivery,
            organization=organization,
            number=number,
            status_code=code,
            error=error,
            duration_ms=40 * number,
            attempted_at=started + timedelta(minutes=number * number),
        )
    page.goto(settings(organization, "webhooks"))
    page.get_by_role("link", name="Delivery log").first.click()
    last_answer = page.locator("td[data-label='Last answer']")
    assert last_answer.get_by_text("HTTP 502").is_visible()
    assert not page.get_by_text("ConnectionError: refused").is_visible()  # folded
    page.get_by_text("3 attempts").click()  # a <details>: no script needed
    assert page.get_by_text("ConnectionError: refused").is_visible()
    assert page.get_by_text("120 ms").is_visible()
    look(page, "settings-webhook-log")
    page.get_by_role("button", name="Resend").click()
    page.get_by_text("Delivery queued to be sent again.").wait_for()
    assert page.dialogs == []


def test_every_settings_page_as_owner_and_as_issuer(page, ada, user_factory):
    from tests.web.conftest import PASSWORD

    user, organization = ada
    sign_in(page, user.email)
    page.wait_for_url("**/organizations/**")
    for section in ("general", "plan", "audit"):
        page.goto(settings(organization, section))
        look(page, f"settings-{section}")
    page.goto(settings(organization, "general"))
    page.get_by_label("Website").fill("javascript:alert(1)")
    page.get_by_role("button", name="Save changes").click()
    assert page.get_by_label("Website").input_value() == "javascript:alert(1)"
    look(page, "settings-general-error")
    page.get_by_label("Website").fill("https://acme.example")
    page.get_by_label("Send email notifications to recipients and invitees").uncheck()
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Organization settings saved.").wait_for()
    organization.refresh_from_db()
    assert organization.url == "https://acme.example" and organization.emails_enabled is False
    page.goto(settings(organization, "audit") + "?action=organization.settings_changed")
    assert page.get_by_role("cell", name="organization.settings_changed").first.is_visible()
    look(page, "settings-audit-filtered")
    page.goto("/invitations/not-a-real-invitation-token-at-all")
    look(page, "invitation-invalid")

    issuer = user_factory("ivy@acme.example", password=PASSWORD)
    Membership.objects.create(user=issuer, organization=organization, role="issuer")
    page.context.clear_cookies()
    sign_in(page, issuer.email)
    page.wait_for_url("**/organizations/**")
    for section in ("general", "members", "api-keys", "keys", "webhooks"):
        page.goto(settings(organization, section))
        assert page.get_by_text("Read only").is_visible()
        look(page, f"settings-{section}-issuer")
    assert page.get_by_role("button", name="Subscribe").count() == 0
    assert page.dialogs == []
