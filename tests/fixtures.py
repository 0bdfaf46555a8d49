"""The cast, as a pytest plugin (registered in tests/conftest.py): reuse it in any test.

- `org_factory(name=..., plan=..., approved=True, monthly_quota=None, emails_enabled=True)`
  → an Organization (approved ones have an active signing key), with an owner.
- `group_factory(organization, **fields)` → a CredentialGroup (service-made).
- `acme`: an approved Professional organization with an owner, an admin and an issuer;
  `owner`, `admin`, `issuer` are their Actors (`owner.user` is the User);
  `outsider`: the owner of another approved organization ("Globex").
- `never_group` (never expires), `yearly_group` (1 year) in acme;
  `custom_group` with custom fields custom_grade and custom_hours.
- `actors`: {"owner", "admin", "issuer", "outsider"} → Actor, for role tables.
- `resolve_did(org)` → a `resolve` callback for laurel.vc.proof.verify_proof from the
  organization's DID document (every active and retired key).
"""

from __future__ import annotations

import itertools

import pytest

_counter = itertools.count(1)


@pytest.fixture
def user_factory(db):
    from django.contrib.auth import get_user_model

    def make(email: str | None = None, password: str | None = None):
        """A user; without a password it cannot log in (and skips the slow password hash)."""
        n = next(_counter)
        email = email or f"person{n}@example.org"
        user = get_user_model().objects.create_user(username=email, email=email, password=password)
        if password is not None:  # one who can sign in has confirmed their email
            from laurel.ops.accounts import mark_email_verified

            mark_email_verified(user)
        return user

    return make


@pytest.fixture
def org_factory(db, user_factory):
    from laurel.organizations.models import Door
    from laurel.organizations.permissions import Actor
    from laurel.organizations.services import create_organization, update_organization_settings

    def make(
        name: str | None = None,
        *,
        plan: str = "professional",
        approved: bool = True,
        monthly_quota: int | None = None,
        emails_enabled: bool = True,
        owner=None,
    ):
        name = name or f"Organization {next(_counter)}"
        owner = owner or user_factory()
        organization = create_organization(
            name=name,
            owner=owner,
            plan=plan,
            monthly_quota_override=monthly_quota,
            approved=approved,
            door=Door.SYSTEM,
        )
        if not emails_enabled:
            update_organization_settings(actor=Actor.system(organization), emails_enabled=False)
            organization.refresh_from_db()
        return organization

    return make


@pytest.fixture
def group_factory(db):
    from laurel.credentials.services import create_group
    from laurel.organizations.permissions import Actor

    def make(organization, **fields):
        fields.setdefault("title", f"Course {next(_counter)}")
        fields.setdefault("description", "A course about something worth knowing.")
        fields.setdefault("criteria", "Completed every module and passed the final assessment.")
        return create_group(actor=Actor.system(organization), **fields)

    return make


def _member_actor(organization, user, role):
    from laurel.organizations.models import Membership
    from laurel.organizations.permissions import Actor

    Membership.objects.get_or_create(user=user, organization=organization, defaults={"role": role})
    return Actor(organization=organization, role=role, user=user)


@pytest.fixture
def acme(org_factory):
    return org_factory("Acme Academy", plan="professional")


@pytest.fixture
def owner(acme):
    from laurel.organizations.models import Membership
    from laurel.organizations.permissions import Actor

    membership = Membership.objects.get(organization=acme, role="owner")
    return Actor(organization=acme, role="owner", user=membership.user)


@pytest.fixture
def admin(acme, user_factory):
    return _member_actor(acme, user_factory(), "admin")


@pytest.fixture
def issuer(acme, user_factory):
    return _member_actor(acme, user_factory(), "issuer")


@pytest.fixture
def globex(org_factory):
    return org_factory("Globex Institute", plan="enterprise")


@pytest.fixture
def outsider(globex):
    """The owner of another organization: every act of theirs on acme's objects is not_found."""
    from laurel.organizations.models import Membership
    from laurel.organizations.permissions import Actor

    membership = Membership.objects.get(organization=globex, role="owner")
    return Actor(organization=globex, role="owner", user=membership.user)


@pytest.fixture
def actors(owner, admin, issuer, outsider):
    return {"owner": owner, "admin": admin, "issuer": issuer, "outsider": outsider}


@pytest.fixture
def never_group(acme, group_factory):
    return group_factory(acme, title="Python Foundations", expiry_unit="never")


@pytest.fixture
def yearly_group(acme, group_factory):
    return group_factory(acme, title="First Aid", expiry_unit="years", expiry_amount=1)


@pytest.fixture
def custom_group(acme, group_factory):
    return group_factory(acme, title="Data Science", custom_fields=["custom_grade", "custom_hours"])


@pytest.fixture
def resolve_did():
    from laurel.organizations.selectors import did_document
    from laurel.vc.did import resolver_for

    def make(organization):
        return resolver_for(did_document(organization))

    return make
