"""Sign up, staff approval, sign in, in a real browser; every page checked by axe-core."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from laurel.organizations.models import Organization
from laurel.organizations.services import approve_organization
from tests.web.conftest import PASSWORD, look, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_confirm_email_wait_for_approval_then_issue_ready(page):
    page.goto("/")
    look(page, "front")
    page.get_by_role("link", name="Sign up").first.click()
    look(page, "sign-up")
    page.get_by_label("Organization name").fill("Académie Ωmega <b>")
    page.get_by_label("Email").fill("ada@omega.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    look(page, "verification-sent")

    organization = Organization.objects.get(name="Académie Ωmega <b>")
    assert organization.status == Organization.Status.PENDING
    confirm = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body)
    assert confirm, mail.outbox[-1].body
    page.goto(confirm.group(0).replace("http://testserver", ""))
    look(page, "confirm-email")
    page.get_by_role("button", name="Confirm").click()

    sign_in(page, "ada@omega.example")
    page.wait_for_url(f"**/organizations/{organization.slug}/")
    assert page.get_by_text("waiting for approval").is_visible()
    look(page, "home-pending")

    approve_organization(organization=organization)
    page.reload()
    assert page.get_by_text("waiting for approval").count() == 0
    assert page.get_by_role("heading", name="Credentials issued per week").is_visible()
    assert page.get_by_text("Académie Ωmega <b>").first.is_visible()
    look(page, "home")
    assert page.dialogs == []


def test_sign_in_page_and_password_reset_by_email(page, user_factory):
    user_factory("grace@example.org", password=PASSWORD)
    page.goto("/accounts/login/")
    look(page, "sign-in")
    page.get_by_label("Email").fill("grace@example.org")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign In").click()
    assert page.get_by_text("not correct").first.is_visible()
    look(page, "sign-in-error")

    page.goto("/accounts/password/reset/")
    look(page, "password-reset")
    page.get_by_label("Email").fill("grace@example.org")
    page.get_by_role("button", name="Reset My Password").click()
    page.wait_for_url("**/password/reset/done/")
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    page.goto(link.group(0).replace("http://testserver", ""))
    page.get_by_label("New Password", exact=True).fill("an even longer new passphrase")
    page.get_by_label("New Password (again)").fill("an even longer new passphrase")
    page.get_by_role("button", name="Change Password").click()
    sign_in(page, "grace@example.org", "an even longer new passphrase")
    page.wait_for_url("**/wallet")  # no organization: a recipient
    assert page.get_by_text("grace@example.org").first.is_visible()
