"""/invitations/<token>: accept as the invited account; signed out, sign in or sign up and
come back; a link that cannot work gets a clear page with its status, never a 500."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from laurel.organizations import invitations
from laurel.organizations.models import Invitation, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(owner):
    return invitations.invite(actor=owner, email="grace@example.org", role="admin")


def link(invited):
    return f"/invitations/{invited.token}"


def test_signed_out_sees_the_invitation_and_ways_to_sign_in_or_up_that_come_back(client, invited):
    response = client.get(link(invited))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Join Acme Academy" in body and "grace@example.org" in body and "Admin" in body
    back = quote(link(invited), safe="")
    assert f'href="/accounts/login/?next={back}"' in body
    assert f'href="/accounts/signup/?next={back}"' in body
    # Whoever signs up from here with the invited address has read that inbox.
    assert client.session.get("account_verified_email") == "grace@example.org"


def test_signed_out_post_goes_to_sign_in(client, invited):
    response = client.post(link(invited))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert Invitation.objects.get().accepted_at is None


def test_the_invited_account_accepts_with_a_post(member_login, invited, user_factory):
    grace = user_factory("grace@example.org")
    client = member_login(grace)
    page = client.get(link(invited))
    assert page.status_code == 200 and "Accept the invitation" in page.content.decode()
    assert not Membership.objects.filter(user=grace).exists()  # opening changes nothing
    response = client.post(link(invited))
    assert response.status_code == 302
    assert response["Location"] == f"/organizations/{invited.invitation.organization.slug}/"
    assert Membership.objects.get(user=grace).role == "admin"
    assert "Welcome to Acme Academy." in client.get(response["Location"]).content.decode()


def test_another_account_is_told_whom_the_invitation_is_for(member_login, invited, issuer):
    client = member_login(issuer.user)
    for response in (client.get(link(invited)), client.post(link(invited))):
        assert response.status_code == 403
        body = response.content.decode()
        assert "for someone else" in body and "grace@example.org" in body
    assert Invitation.objects.get().accepted_at is None


@pytest.mark.parametrize(
    "change, status, words",
    [
        ({"expires_at": timezone.now() - timedelta(days=1)}, 410, "has expired"),
        ({"accepted_at": timezone.now()}, 410, "already used"),
        ({"revoked_at": timezone.now()}, 410, "withdrawn"),
    ],
)
def test_a_link_that_no_longer_works_says_why(
    client, member_login, invited, user_factory, change, status, words
):
    Invitation.objects.filter(pk=invited.invitation.pk).update(**change)
    assert client.get(link(invited)).status_code == status
    client = member_login(user_factory("grace@example.org"))
    for response in (client.get(link(invited)), client.post(link(invited))):
        assert response.status_code == status
        assert words in response.content.decode()
    assert not Membership.objects.filter(user__email="grace@example.org").exists()


@pytest.mark.parametrize(
    "token", ["nope", "x" * 43, "a" * 500, "%00" * 30, "<script>alert(1)</script>" * 2]
)
def test_an_unknown_link_is_404_with_a_clear_page(client, token):
    response = client.get(f"/invitations/{token}")
    assert response.status_code == 404
    body = response.content.decode()
    assert "not valid" in body and "<script>alert(1)</script>" not in body
