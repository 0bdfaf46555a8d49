"""A recipient in a real browser: sign in by code, the wallet, the public profile, a
correction request resolved by the issuer; every page checked by axe-core."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from laurel.organizations.models import Membership
from tests.web.conftest import PASSWORD, look, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_from_outbox() -> str:
    found = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.M)
    assert found, mail.outbox[-1].body
    return found.group(1)


def test_recipient_signs_in_by_code_lists_asks_for_a_correction_and_gets_it(
    page, browser, live_server, acme, never_group, yearly_group, issue_to, user_factory
):
    misspelt = issue_to(never_group, name="Ada Lovelcae")
    issue_to(yearly_group, name="<script>alert(1)</script> {{7*7}}", privacy="private")
    boss = user_factory("boss@acme.example", password=PASSWORD)
    Membership.objects.create(user=boss, organization=acme, role="admin")
    mail.outbox.clear()

    page.goto("/recipients/sign-in")
    look(page, "recipient-sign-in")
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_role("button", name="Email me a sign-in code").click()
    page.wait_for_url("**/recipients/sign-in/code")
    look(page, "recipient-sign-in-code")
    page.get_by_label("Code").fill(code_from_outbox())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/wallet")
    card = page.locator(f"#credential-{misspelt.pk}")
    expect(card.get_by_role("heading", name="Python Foundations")).to_be_visible()
    expect(page.get_by_text("<script>alert(1)</script> {{7*7}}")).to_be_visible()
    page.locator(f"#credential-{misspelt.pk} summary").click()
    look(page, "wallet")

    card.get_by_role("button", name="Show on my profile").click()
    expect(card.get_by_text("On your public profile")).to_be_visible()
    page.get_by_role("link", name="Public profile").click()
    page.wait_for_url("**/wallet/profile")
    page.get_by_label("Name to show").fill("Ada Lovelace")
    page.get_by_label("Profile address").fill("ada-lovelace")
    page.get_by_label("Turn my public profile on").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="ada-lovelace")).to_be_visible()
    look(page, "profile-settings")

    stranger = browser.new_context(base_url=live_server.url).new_page()
    stranger.goto("/u/ada-lovelace")
    expect(stranger.get_by_role("heading", name="Ada Lovelace")).to_be_visible()
    expect(stranger.get_by_role("heading", name="Python Foundations")).to_be_visible()
    assert stranger.get_by_text("First Aid").count() == 0  # private: never on the profile
    look(stranger, "public-profile")

    page.goto("/wallet")
    card.get_by_role("link", name="Ask for a correction").click()
    page.get_by_label("Correct name").fill("Ada Lovelace")
    page.get_by_label("Message to the issuer").fill("My surname is misspelt.")
    look(page, "correction-request")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url("**/wallet")
    expect(card.get_by_text("waiting for the issuer")).to_be_visible()

    issuer = browser.new_context(base_url=live_server.url).new_page()
    sign_in(issuer, "boss@acme.example")
    issuer.wait_for_url(f"**/organizations/{acme.slug}/")
    issuer.get_by_role("link", name="Correction requests").first.click()
    issuer.wait_for_url("**/corrections/")
    look(issuer, "issuer-corrections")
    issuer.get_by_role("link", name="Answer").click()
    look(issuer, "issuer-correction")
    issuer.get_by_role("button", name="Re-issue credential").click()
    expect(issuer.get_by_text("Re-issued to Ada Lovelace")).to_be_visible()
    look(issuer, "issuer-correction-resolved")

    page.reload()
    expect(page.get_by_text("Ada Lovelace", exact=True).first).to_be_visible()
    expect(page.locator(f"#credential-{misspelt.pk}").get_by_text("Superseded")).to_be_visible()
    expect(page.get_by_text("Re-issued").first).to_be_visible()
    look(page, "wallet-after-correction")
    stranger.reload()
    # The new credential, still listed.
    expect(stranger.get_by_role("heading", name="Python Foundations")).to_be_visible()
    assert page.dialogs == []
