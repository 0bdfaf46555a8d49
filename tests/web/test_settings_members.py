"""Settings → Members: invite (the link shown once), change role, remove, transfer."""

from __future__ import annotations

import pytest

from laurel.mail.models import EmailDelivery
from laurel.organizations.models import Invitation, Membership

pytestmark = pytest.mark.django_db


def url(organization, page):
    return f"/organizations/{organization.slug}/settings/{page}"


def test_members_page_lists_everyone_with_their_role(member_login, actors):
    owner = actors["owner"]
    body = member_login(owner.user).get(url(owner.organization, "members")).content.decode()
    for who in ("owner", "admin", "issuer"):
        assert actors[who].user.email in body
    assert actors["outsider"].user.email not in body
    assert "Make Owner" in body  # the Owner may transfer


def test_an_admin_sees_no_transfer_and_no_action_on_the_owner(member_login, admin, owner):
    response = member_login(admin.user).get(url(admin.organization, "members"))
    body = response.content.decode()
    assert "Make Owner" not in body
    owner_row = Membership.objects.get(user=owner.user)
    assert f"members/{owner_row.pk}/remove" not in body
    assert f"members/{owner_row.pk}/role" not in body


def test_invite_queues_the_email_and_shows_the_link_once(member_login, admin):
    client = member_login(admin.user)
    response = client.post(
        url(admin.organization, "members/invite"), {"email": "Grace@Example.org", "role": "admin"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    invitation = Invitation.objects.get()
    assert invitation.email == "grace@example.org" and invitation.role == "admin"
    link = response.context["invited"].token
    assert f"/invitations/{link}" in body and "shown only now" in body
    assert response["Cache-Control"] == "no-store"
    assert EmailDelivery.objects.get().to_email == "grace@example.org"
    again = client.get(url(admin.organization, "members")).content.decode()
    assert link not in again and "grace@example.org" in again  # pending, link gone


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"email": "not an email", "role": "issuer"}, "email", "is not an email address"),
        ({"email": "", "role": "issuer"}, "email", "required"),
        ({"email": "x@example.org", "role": "owner"}, "role", "valid choice"),
    ],
)
def test_a_bad_invitation_keeps_what_was_typed(member_login, owner, data, field, message):
    response = member_login(owner.user).post(url(owner.organization, "members/invite"), data)
    assert response.status_code == 400
    form = response.context["invite_form"]
    assert message in " ".join(form.errors[field])
    if data["email"]:
        assert f'value="{data["email"]}"' in response.content.decode()
    assert not Invitation.objects.exists()


def test_inviting_a_member_says_so_next_to_the_email(member_login, owner, issuer):
    response = member_login(owner.user).post(
        url(owner.organization, "members/invite"), {"email": issuer.user.email, "role": "admin"}
    )
    assert response.status_code == 400
    assert "already a member" in " ".join(response.context["invite_form"].errors["email"])


def test_change_role_with_the_rows_prefixed_field(member_login, owner, issuer):
    row = Membership.objects.get(user=issuer.user)
    client = member_login(owner.user)
    response = client.post(
        url(owner.organization, f"members/{row.pk}/role"), {f"m{row.pk}-role": "admin"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(pk=row.pk).role == "admin"
    assert "is now Admin" in client.get(response["Location"]).content.decode()


def test_an_admin_changing_the_owner_gets_403(member_login, admin, owner):
    row = Membership.objects.get(user=owner.user)
    response = member_login(admin.user).post(
        url(admin.organization, f"members/{row.pk}/role"), {"role": "issuer"}
    )
    assert response.status_code == 403
    assert Membership.objects.get(pk=row.pk).role == "owner"


def test_the_owner_demoting_themselves_is_told_to_transfer(member_login, owner):
    row = Membership.objects.get(user=owner.user)
    client = member_login(owner.user)
    response = client.post(url(owner.organization, f"members/{row.pk}/role"), {"role": "admin"})
    assert response.status_code == 302
    assert "transferring ownership" in client.get(response["Location"]).content.decode()
    assert Membership.objects.get(pk=row.pk).role == "owner"


def test_remove_asks_first_then_removes(member_login, admin, issuer):
    row = Membership.objects.get(user=issuer.user)
    client = member_login(admin.user)
    page = client.get(url(admin.organization, f"members/{row.pk}/remove"))
    assert page.status_code == 200 and "lose access" in page.content.decode()
    assert Membership.objects.filter(pk=row.pk).exists()
    response = client.post(url(admin.organization, f"members/{row.pk}/remove"))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("who, status", [("admin", 403), ("owner", 409)])
def test_nobody_removes_the_owner(member_login, actors, who, status):
    row = Membership.objects.get(user=actors["owner"].user)
    response = member_login(actors[who].user).post(
        url(row.organization, f"members/{row.pk}/remove")
    )
    assert response.status_code == status
    assert Membership.objects.get(pk=row.pk).role == "owner"


@pytest.mark.parametrize("who, status", [("owner", 200), ("admin", 403), ("issuer", 403)])
def test_only_the_owner_opens_the_transfer_page(member_login, actors, who, status):
    row = Membership.objects.get(user=actors["issuer"].user)
    response = member_login(actors[who].user).get(
        url(row.organization, f"members/{row.pk}/transfer")
    )
    assert response.status_code == status
    if status == 200:
        assert "exactly one Owner" in response.content.decode()


@pytest.mark.parametrize("who, status", [("owner", 302), ("admin", 403), ("issuer", 403)])
def test_transfer_ownership_post(member_login, actors, who, status):
    owner_row = Membership.objects.get(user=actors["owner"].user)
    row = Membership.objects.get(user=actors["issuer"].user)
    response = member_login(actors[who].user).post(
        url(row.organization, f"members/{row.pk}/transfer")
    )
    assert response.status_code == status
    owners = list(Membership.objects.filter(organization=row.organization, role="owner"))
    assert owners == ([row] if status == 302 else [owner_row])
    if status == 302:
        assert Membership.objects.get(pk=owner_row.pk).role == "admin"


def test_transfer_to_another_organizations_member_is_404(member_login, owner, outsider):
    row = Membership.objects.get(user=outsider.user)
    client = member_login(owner.user)
    assert client.get(url(owner.organization, f"members/{row.pk}/transfer")).status_code == 404
    assert client.post(url(owner.organization, f"members/{row.pk}/transfer")).status_code == 404
    assert Membership.objects.get(pk=row.pk).role == "owner"
