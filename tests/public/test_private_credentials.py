"""Nothing of a private credential leaks through any URL; its recipient sees everything."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

SECRETS = ("Secret Person", "secret@example.org", "Python Foundations")


def _user_with(user_factory, email: str, *, verified: bool):
    from allauth.account.models import EmailAddress

    user = user_factory(email)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def _assert_nothing_of(credential, response) -> None:
    body = response.content
    for secret in (*SECRETS, credential.group.key):
        assert secret.encode() not in body, (response.request["PATH_INFO"], secret)
    for marker in (b"og:", b"twitter:", b"iTXt", b"openbadges", b'"proof"'):
        assert marker not in body, (response.request["PATH_INFO"], marker)


def _recipient_with_a_public_profile(user_factory, issue_one, yearly_group, private_credential):
    """The private credential's recipient, whose public profile lists another credential
    (and, as if by a bug elsewhere, has a listing row for the private one too)."""
    from laurel.recipients.models import ProfileListing
    from laurel.recipients.services import set_listing, update_profile

    user = _user_with(user_factory, "secret@example.org", verified=True)
    shown = issue_one(yearly_group, name="S. P.", email="secret@example.org")
    update_profile(user=user, slug="sp-profile", display_name="S. P.", is_public=True)
    set_listing(user=user, credential_id=shown.pk, visible=True)
    ProfileListing.objects.create(user=user, credential=private_credential, visible=True)
    return shown


def test_nothing_of_a_private_credential_leaks_through_any_url(
    client, private_credential, user_factory, issue_one, yearly_group
):
    assert private_credential.group.default_privacy == "public"  # the group itself is listed
    shown = _recipient_with_a_public_profile(
        user_factory, issue_one, yearly_group, private_credential
    )
    profile = client.get("/u/sp-profile").content
    assert shown.pk.encode() in profile  # the profile is on and lists the public one
    base = f"/credential/{private_credential.pk}"
    re_next = re.compile(rb"\?next=[^\"]*")
    for path in (
        base,
        f"{base}.json",
        f"{base}.png",
        f"{base}.svg",
        f"{base}.pdf",
        f"{base}/certificate.png",
        f"{base}/badge.png",  # the badge design's picture (the design work)
        f"{base}/embed",
        f"{base}/preview.png",
        f"{base}/qr.svg",
        f"{base}/linkedin",
        f"/verify?reference={private_credential.pk}",
        f"/verify?reference={private_credential.url}",
        "/sitemap.xml",
        "/u/sp-profile",
        f"/issuers/{private_credential.organization.slug}",
        f"/issuers/{private_credential.organization.slug}/achievements",
    ):
        response = client.get(path)
        assert response.status_code in (200, 403, 404), path
        # The id the visitor typed comes back only in the sign-in link's next=.
        body = re_next.sub(b"", response.content)
        assert b"Secret Person" not in body, path
        assert b"secret@example.org" not in body, path
        assert private_credential.pk.encode() not in body or path.startswith("/verify"), path
        if path.startswith(base):
            _assert_nothing_of(private_credential, response)
            assert response.status_code in (403, 404), path
    page = client.get(base)
    assert b"Private credential" in page.content
    assert page["Cache-Control"] == "private, no-store"
    verify = client.get(f"/verify?reference={private_credential.pk}").content
    assert b"Private credential" in verify
    assert b"data-check=" not in verify


def test_a_posted_id_of_a_private_credential_shows_the_notice_only(client, private_credential):
    response = client.post("/verify", {"reference": private_credential.pk})
    assert b"Private credential" in response.content
    assert b"Secret Person" not in response.content
    assert b"data-check=" not in response.content


def test_the_signed_in_recipient_sees_everything(
    client, user_factory, member_login, private_credential
):
    member_login(_user_with(user_factory, "Secret@Example.org", verified=True))
    base = f"/credential/{private_credential.pk}"
    page = client.get(base)
    assert page.status_code == 200
    assert b"Secret Person" in page.content
    assert b"og:image" not in page.content  # never in Open Graph, even for its recipient
    assert page["Cache-Control"] == "private, no-store"
    for suffix in (
        ".json",
        ".png",
        ".svg",
        ".pdf",
        "/certificate.png",
        "/embed",
        "/qr.svg",
        "/preview.png",
    ):
        assert client.get(f"{base}{suffix}").status_code == 200, suffix
    assert b"Download certificate (PDF)" in page.content
    verified = client.get(f"/verify?reference={private_credential.pk}").content
    assert b'data-check="proof" data-outcome="passed"' in verified


def test_someone_else_signed_in_gets_the_notice(
    client, user_factory, member_login, private_credential
):
    member_login(user_factory("other@example.org"))
    response = client.get(f"/credential/{private_credential.pk}")
    assert response.status_code == 403
    assert b"Secret Person" not in response.content


def test_the_sitemap_lists_public_pages_and_issuers_only(
    client, valid_credential, private_credential, draft_credential, org_factory
):
    pending = org_factory("Pending School", approved=False)
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"/credential/{valid_credential.pk}<" in sitemap
    assert private_credential.pk not in sitemap
    assert draft_credential.pk not in sitemap
    assert f"/issuers/{valid_credential.organization.slug}<" in sitemap
    assert pending.slug not in sitemap


def test_a_recipient_sees_a_private_credential_sent_to_any_of_their_verified_emails(
    client, user_factory, member_login, private_credential
):
    from allauth.account.models import EmailAddress

    user = _user_with(user_factory, "ada@work.example", verified=True)
    EmailAddress.objects.create(user=user, email="SECRET@example.org", verified=True)
    member_login(user)
    base = f"/credential/{private_credential.pk}"
    page = client.get(base)
    assert page.status_code == 200
    assert b"Secret Person" in page.content
    for suffix in (".json", ".png", ".pdf", "/embed"):
        assert client.get(f"{base}{suffix}").status_code == 200, suffix
    verified = client.get(f"/verify?reference={private_credential.pk}").content
    assert b"Secret Person" in verified


def test_an_unverified_email_never_opens_a_private_credential(
    client, user_factory, member_login, private_credential
):
    from allauth.account.models import EmailAddress

    # Even the account's own address, while unconfirmed, and an unconfirmed secondary one.
    user = _user_with(user_factory, "secret@example.org", verified=False)
    EmailAddress.objects.create(user=user, email="other@example.org", verified=True)
    member_login(user)
    base = f"/credential/{private_credential.pk}"
    for suffix in ("", ".json", ".png", ".svg", ".pdf", "/certificate.png", "/embed"):
        response = client.get(f"{base}{suffix}")
        assert response.status_code == 403, suffix
        assert b"Secret Person" not in response.content, suffix
    assert b"Secret Person" not in client.get(f"/verify?reference={private_credential.pk}").content
    other = _user_with(user_factory, "mallory@example.org", verified=True)
    EmailAddress.objects.create(user=other, email="secret@example.org", verified=False)
    member_login(other)
    assert client.get(base).status_code == 403
