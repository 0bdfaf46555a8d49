"""Members: change a role, remove a member, hand ownership over.

An organization always has exactly one Owner: nobody becomes Owner except by a transfer
(which makes the old Owner an Admin in the same transaction), the Owner cannot be removed
or demoted, and an Admin cannot touch the Owner at all.
"""

from __future__ import annotations

from django.db import transaction

from laurel.organizations import audit
from laurel.organizations.errors import Conflict, Forbidden, ValidationError
from laurel.organizations.models import Membership, Organization, Role
from laurel.organizations.permissions import Actor, require
from laurel.organizations.tenancy import get_scoped

ASSIGNABLE_ROLES = (Role.ADMIN, Role.ISSUER)


def _member(actor: Actor, membership_id) -> Membership:
    return get_scoped(
        Membership.objects.select_for_update().select_related("user"),
        actor.organization,
        pk=membership_id,
    )


@transaction.atomic
def change_role(*, actor: Actor, membership_id: int, role: str) -> Membership:
    """Make a member an Admin or an Issuer (the Owner changes only by a transfer)."""
    require(actor, "manage_members")
    if role not in ASSIGNABLE_ROLES:
        raise ValidationError(
            "A member is an Admin or an Issuer; make someone the Owner by transferring ownership.",
            field="role",
        )
    membership = _member(actor, membership_id)
    if membership.role == Role.OWNER:
        if not actor.may("transfer_ownership"):
            raise Forbidden("An admin cannot change the Owner's role.")
        raise Conflict("The Owner's role changes only by transferring ownership to a member.")
    before = membership.role
    if before != role:
        membership.role = role
        membership.save(update_fields=["role"])
        audit.record(
            actor, "member.role_changed", membership, data={"before": before, "after": role}
        )
    return membership


@transaction.atomic
def remove_member(*, actor: Actor, membership_id: int) -> Membership:
    """Take a member out of the organization (never the Owner)."""
    require(actor, "manage_members")
    membership = _member(actor, membership_id)
    if membership.role == Role.OWNER:
        if not actor.may("transfer_ownership"):
            raise Forbidden("An admin cannot remove the Owner.")
        raise Conflict("The Owner cannot be removed; transfer ownership to another member first.")
    data = {"user_id": membership.user_id, "email": membership.user.email, "role": membership.role}
    audit.record(actor, "member.removed", membership, data=data)
    membership.delete()
    return membership


@transaction.atomic
def transfer_ownership(*, actor: Actor, membership_id: int) -> Membership:
    """The Owner hands ownership to another member, and becomes an Admin."""
    require(actor, "transfer_ownership")
    organization = Organization.objects.select_for_update().get(pk=actor.organization.pk)
    target = _member(actor, membership_id)
    if target.role == Role.OWNER:
        raise Conflict(f"{target.user.email} is already the Owner.")
    previous = list(
        Membership.objects.select_for_update().filter(organization=organization, role=Role.OWNER)
    )
    for owner in previous:
        owner.role = Role.ADMIN
        owner.save(update_fields=["role"])
    target.role = Role.OWNER
    target.save(update_fields=["role"])
    audit.record(
        actor,
        "organization.ownership_transferred",
        organization,
        data={
            "from_user_ids": [owner.user_id for owner in previous],
            "to_user_id": target.user_id,
            "to_email": target.user.email,
        },
    )
    return target
