"""Sign up founds a pending organization, unless the person was invited to one."""

from __future__ import annotations

from laurel.organizations.invitations import invite
from laurel.organizations.models import Membership, Organization
from tests.web.conftest import PASSWORD


def _sign_up(client, email, organization=""):
    return client.post(
        "/accounts/signup/",
        {
            "organization": organization,
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def test_sign_up_founds_a_pending_organization_owned_by_the_new_account(client, db):
    response = _sign_up(client, "ada@newco.example", "New Co")
    assert response.status_code == 302
    organization = Organization.objects.get(name="New Co")
    assert organization.status == Organization.Status.PENDING
    membership = Membership.objects.get(organization=organization)
    assert (membership.user.email, membership.role) == ("ada@newco.example", "owner")


def test_sign_up_without_an_organization_name_is_refused_next_to_the_field(client, db):
    response = _sign_up(client, "ada@newco.example")
    assert response.status_code == 200
    assert "Name the organization you issue credentials for." in response.content.decode()
    assert not Organization.objects.filter(memberships__user__email="ada@newco.example").exists()


def test_an_invited_person_signs_up_without_founding_an_organization(client, owner):
    invite(actor=owner, email="grace@example.org", role="issuer")
    before = Organization.objects.count()
    response = _sign_up(client, "grace@example.org")
    assert response.status_code == 302
    assert Organization.objects.count() == before
