"""Members: change a role, remove, transfer ownership — every actor × target, as tables.

The invariants: exactly one Owner at all times; the Owner is neither removed nor demoted
except by a transfer; an Admin cannot touch the Owner; only the Owner transfers.
"""

from __future__ import annotations

import pytest

from laurel.organizations import membership as members
from laurel.organizations.errors import Conflict, Forbidden, NotFound, ValidationError
from laurel.organizations.models import AuditEvent, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(actors, user_factory):
    """The actors, plus a second admin of acme (so an admin can act on another admin)."""
    second = user_factory()
    Membership.objects.create(user=second, organization=actors["owner"].organization, role="admin")
    return actors


def _membership(cast, target):
    if target == "admin2":
        return Membership.objects.filter(role="admin").exclude(user=cast["admin"].user).get()
    if target == "outsider":  # the owner's membership in globex
        return Membership.objects.get(user=cast["outsider"].user)
    return Membership.objects.get(user=cast[target].user, organization=cast["owner"].organization)


def _owners(organization):
    return list(Membership.objects.filter(organization=organization, role="owner"))


@pytest.mark.parametrize(
    "who, target, role, outcome",
    [
        ("owner", "admin", "issuer", None),
        ("owner", "issuer", "admin", None),
        ("admin", "issuer", "admin", None),
        ("admin", "admin2", "issuer", None),
        ("admin", "admin", "issuer", None),  # an admin may step down
        ("owner", "issuer", "issuer", None),  # no change is no harm
        ("admin", "owner", "admin", Forbidden),
        ("admin", "owner", "issuer", Forbidden),
        ("owner", "owner", "admin", Conflict),  # only a transfer changes the Owner
        ("issuer", "admin", "issuer", Forbidden),
        ("issuer", "issuer", "admin", Forbidden),
        ("owner", "issuer", "owner", ValidationError),  # never a second Owner
        ("admin", "issuer", "owner", ValidationError),
        ("owner", "issuer", "superuser", ValidationError),
        ("owner", "outsider", "issuer", NotFound),  # another organization's membership
        ("admin", "outsider", "issuer", NotFound),
    ],
)
def test_change_role(cast, who, target, role, outcome):
    actor = cast[who]
    row = _membership(cast, target)
    before = row.role
    if outcome is None:
        changed = members.change_role(actor=actor, membership_id=row.pk, role=role)
        assert changed.role == role
        assert Membership.objects.get(pk=row.pk).role == role
        audited = AuditEvent.objects.filter(action="member.role_changed", object_id=str(row.pk))
        assert audited.count() == (0 if before == role else 1)
    else:
        with pytest.raises(outcome):
            members.change_role(actor=actor, membership_id=row.pk, role=role)
        assert Membership.objects.get(pk=row.pk).role == before
    assert len(_owners(actor.organization)) == 1


@pytest.mark.parametrize(
    "who, target, outcome",
    [
        ("owner", "admin", None),
        ("owner", "issuer", None),
        ("admin", "issuer", None),
        ("admin", "admin2", None),
        ("admin", "admin", None),  # an admin may leave
        ("admin", "owner", Forbidden),
        ("owner", "owner", Conflict),
        ("issuer", "admin", Forbidden),
        ("issuer", "issuer", Forbidden),
        ("issuer", "owner", Forbidden),
        ("owner", "outsider", NotFound),
    ],
)
def test_remove_member(cast, who, target, outcome):
    actor = cast[who]
    row = _membership(cast, target)
    if outcome is None:
        members.remove_member(actor=actor, membership_id=row.pk)
        assert not Membership.objects.filter(pk=row.pk).exists()
        event = AuditEvent.objects.get(action="member.removed")
        assert event.data == {"user_id": row.user_id, "email": row.user.email, "role": row.role}
    else:
        with pytest.raises(outcome):
            members.remove_member(actor=actor, membership_id=row.pk)
        assert Membership.objects.filter(pk=row.pk).exists()
    assert len(_owners(cast["owner"].organization)) == 1


@pytest.mark.parametrize(
    "who, target, outcome",
    [
        ("owner", "admin", None),
        ("owner", "issuer", None),
        ("owner", "owner", Conflict),
        ("owner", "outsider", NotFound),
        ("admin", "issuer", Forbidden),
        ("admin", "admin", Forbidden),
        ("issuer", "issuer", Forbidden),
    ],
)
def test_transfer_ownership(cast, who, target, outcome):
    actor = cast[who]
    organization = cast["owner"].organization
    row = _membership(cast, target)
    old_owner = _owners(organization)[0]
    if outcome is None:
        members.transfer_ownership(actor=actor, membership_id=row.pk)
        assert [m.pk for m in _owners(organization)] == [row.pk]
        assert Membership.objects.get(pk=old_owner.pk).role == "admin"
        event = AuditEvent.objects.get(action="organization.ownership_transferred")
        assert event.data["to_user_id"] == row.user_id
        assert event.data["from_user_ids"] == [old_owner.user_id]
    else:
        with pytest.raises(outcome):
            members.transfer_ownership(actor=actor, membership_id=row.pk)
        assert [m.pk for m in _owners(organization)] == [old_owner.pk]
        assert not AuditEvent.objects.filter(action="organization.ownership_transferred").exists()


def test_the_old_owner_as_admin_cannot_take_ownership_back(cast):
    from laurel.organizations.permissions import Actor

    owner, admin = cast["owner"], cast["admin"]
    members.transfer_ownership(actor=owner, membership_id=_membership(cast, "admin").pk)
    demoted = Actor(organization=owner.organization, role="admin", user=owner.user)
    new_owner = Membership.objects.get(user=admin.user)
    with pytest.raises(Forbidden):
        members.remove_member(actor=demoted, membership_id=new_owner.pk)
    with pytest.raises(Forbidden):
        members.transfer_ownership(actor=demoted, membership_id=_membership(cast, "issuer").pk)
