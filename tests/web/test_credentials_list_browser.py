"""The credentials list in a real browser: filters, revoke as Admin, resend and its cooldown,
CSV export; every page checked by axe-core and photographed at desktop and phone widths."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from laurel.credentials import services
from laurel.credentials.models import Credential
from laurel.mail.models import EmailDelivery
from laurel.organizations.models import Membership
from laurel.organizations.permissions import Actor
from tests.web.conftest import PASSWORD, look, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = [
    ("Ada Lovelace", "ada@example.org"),
    ("<script>alert(1)</script>", "script@example.org"),
    ("{{7*7}}", "braces@example.org"),
    ("محمد الخوارزمي", "khwarizmi@example.org"),
    ("דנה כהן", "dana@example.org"),
    ("王芳", "wang@example.org"),
    ("प्रिया शर्मा", "priya@example.org"),
    ("Zoë 🎓 Núñez", "zoe@example.org"),
]


def member(organization, user_factory, email, role):
    user = user_factory(email, password=PASSWORD)
    Membership.objects.create(user=user, organization=organization, role=role)
    return Actor(organization=organization, role=role, user=user)


@pytest.fixture
def stocked(acme, never_group, yearly_group, user_factory):
    """Acme with an admin who can sign in, and credentials in every state the list shows."""
    admin = member(acme, user_factory, "admin@acme.example", "admin")
    system = Actor.system(acme)
    made = {}
    for name, email in NAMES:
        made[email] = services.issue(
            actor=system, group_key=never_group.key, recipient_name=name, recipient_email=email
        )
    past = timezone.now() - timedelta(days=400)
    made["old"] = services.issue(
        actor=system,
        group_key=yearly_group.key,
        recipient_name="Grace Hopper",
        recipient_email="grace@navy.example",
        issued_on=past,
        valid_until=past + timedelta(days=365),
    )
    made["renewal"] = services.issue(
        actor=system,
        group_key=yearly_group.key,
        recipient_name="Grace Hopper",
        recipient_email="grace@navy.example",
    )
    made["draft"] = services.issue(
        actor=system,
        group_key=never_group.key,
        recipient_name="Alan Turing",
        recipient_email="alan@example.org",
        draft=True,
    )
    EmailDelivery.objects.filter(credential_id=made["ada@example.org"].id).update(
        status="failed", error="550 5.1.1 <ada@example.org>: Recipient address rejected"
    )
    EmailDelivery.objects.filter(credential_id=made["wang@example.org"].id).update(
        status="sent", sent_at=timezone.now() - timedelta(days=1)
    )
    return admin, made


def open_list(page, organization):
    page.goto(f"/organizations/{organization.slug}/credentials")


def test_list_filters_and_revoke_as_admin_with_a_reason(page, stocked, acme):
    admin, made = stocked
    sign_in(page, "admin@acme.example")
    page.wait_for_url(f"**/organizations/{acme.slug}/")
    open_list(page, acme)
    assert page.get_by_role("heading", name="Credentials", exact=True).is_visible()
    for name, _ in NAMES:
        assert page.get_by_text(name, exact=True).first.is_visible()
    assert page.get_by_text("550 5.1.1 <ada@example.org>: Recipient address rejected").is_visible()
    assert page.get_by_text("Renews an earlier credential").is_visible()
    assert page.get_by_text("Renewed by a newer credential").is_visible()
    look(page, "credentials-list")

    # The live search (htmx): results change without a reload, and the URL follows.
    page.get_by_label("Search").fill("grace@")
    page.wait_for_url(re.compile(r"q=grace"))
    page.wait_for_function("document.querySelectorAll('#credential-results tbody tr').length == 2")
    assert page.get_by_text("Ada Lovelace").count() == 0
    look(page, "credentials-list-filtered")
    page.get_by_text("Renewed by a newer credential").click()
    page.wait_for_url(re.compile(rf"q={re.escape(made['renewal'].id)}"))
    assert page.locator("#credential-results tbody tr").count() == 1

    page.get_by_label("Search").fill("nobody-at-all")
    page.get_by_text("No credentials match").wait_for()
    look(page, "credentials-list-no-match")

    # Without JavaScript's help the filters are a plain GET form: status filter.
    page.goto(f"/organizations/{acme.slug}/credentials?status=expired")
    assert page.locator("#credential-results tbody tr").count() == 1
    assert page.locator("#credential-results").get_by_text("Expired", exact=True).is_visible()

    open_list(page, acme)
    row = page.locator(f"#credential-{made['dana@example.org'].id}")
    row.get_by_role("link", name=re.compile("Revoke")).click()
    page.wait_for_url(re.compile(r"/revoke\?next="))
    assert page.get_by_text("It cannot be undone.").is_visible()
    assert page.get_by_text("The public page shows the credential as revoked").is_visible()
    look(page, "credential-revoke")
    page.get_by_role("button", name="Revoke credential").click()
    assert page.get_by_text("This field is required.").is_visible()  # a reason is asked for
    page.get_by_label("Reason").fill("Issued to the wrong person")
    page.get_by_role("button", name="Revoke credential").click()
    page.wait_for_url(re.compile(r"/credentials$"))
    assert page.get_by_text("Revoked the credential of דנה כהן.").is_visible()
    row = page.locator(f"#credential-{made['dana@example.org'].id}")
    assert row.get_by_text("Revoked", exact=True).is_visible()
    assert row.get_by_role("link", name=re.compile("Revoke")).count() == 0
    credential = Credential.objects.get(pk=made["dana@example.org"].id)
    assert credential.status == "revoked"
    assert credential.revocation_reason == "Issued to the wrong person"
    page.goto(f"/credential/{credential.id}")
    assert page.get_by_text("The issuer revoked this credential").first.is_visible()
    assert page.dialogs == []


def test_resend_then_meet_the_cooldown(page, stocked, acme):
    admin, made = stocked
    sign_in(page, "admin@acme.example")
    page.wait_for_url(f"**/organizations/{acme.slug}/")
    open_list(page, acme)
    failed = page.locator(f"#credential-{made['ada@example.org'].id}")
    cooling = page.locator(f"#credential-{made['wang@example.org'].id}")
    available = (timezone.now() + timedelta(days=6)).strftime("%-d %b %Y")
    assert cooling.get_by_role("button", name=f"Resend from {available}").is_disabled()
    failed.get_by_role("button", name=re.compile("Resend email")).click()
    page.get_by_text("The email is on its way again.").wait_for()
    failed = page.locator(f"#credential-{made['ada@example.org'].id}")
    assert failed.get_by_text("Queued").is_visible()
    later = (timezone.now() + timedelta(days=7)).strftime("%-d %b %Y")
    assert failed.get_by_role("button", name=f"Resend from {later}").is_disabled()
    kinds = EmailDelivery.objects.filter(credential_id=made["ada@example.org"].id)
    assert sorted(kinds.values_list("kind", flat=True)) == ["issuance", "resend"]
    look(page, "credentials-list-after-resend")
    assert page.dialogs == []


def test_issuer_finds_no_revoke_or_resend(page, stocked, acme, user_factory):
    member(acme, user_factory, "issuer@acme.example", "issuer")
    sign_in(page, "issuer@acme.example")
    page.wait_for_url(f"**/organizations/{acme.slug}/")
    open_list(page, acme)
    assert page.locator(".recipient-name", has_text="Ada Lovelace").is_visible()
    assert page.get_by_role("link", name=re.compile("^Revoke")).count() == 0
    assert page.get_by_role("button", name=re.compile("^Resend")).count() == 0
    admin, made = stocked
    answer = page.goto(
        f"/organizations/{acme.slug}/credentials/{made['ada@example.org'].id}/revoke"
    )
    assert answer.status == 403


def test_export_csv_downloads_the_filtered_list(page, stocked, acme):
    admin, made = stocked
    services.issue(
        actor=admin,
        group_key=made["old"].group.key,
        recipient_name='=HYPERLINK("http://evil.example","Click")',
        recipient_email="formula@example.org",
    )
    sign_in(page, "admin@acme.example")
    page.wait_for_url(f"**/organizations/{acme.slug}/")
    page.goto(f"/organizations/{acme.slug}/credentials?group={made['old'].group.key}")
    with page.expect_download() as caught:
        page.get_by_role("link", name="Export CSV").click()
    download = caught.value
    assert download.suggested_filename.startswith(f"credentials-{acme.slug}-")
    text = open(download.path(), encoding="utf-8-sig").read()
    lines = text.strip().splitlines()
    assert len(lines) == 1 + 3  # the header, Grace's two, and the formula one
    assert '\'=HYPERLINK(""http://evil.example"",""Click"")' in text
    assert "Ada Lovelace" not in text


def test_an_empty_list(page, org_factory, user_factory):
    empty = org_factory("Fresh Start", owner=user_factory("fresh@start.example", PASSWORD))
    sign_in(page, "fresh@start.example")
    page.wait_for_url(f"**/organizations/{empty.slug}/")
    open_list(page, empty)
    assert page.get_by_text("No credentials yet").is_visible()
    look(page, "credentials-list-empty")
