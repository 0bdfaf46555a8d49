"""Invitations by email: an Owner or Admin invites someone with a role; they accept by link.

The link carries a random token; only its SHA-256 is stored, so a copy of the database
cannot be used to join anyone's organization. A token works once, until it expires, and
only for the account whose email it was sent to.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from laurel.organizations import audit
from laurel.organizations.errors import Conflict, DomainError, NotFound, ValidationError
from laurel.organizations.models import Invitation, Membership, Role
from laurel.organizations.permissions import Actor, require
from laurel.organizations.tenancy import get_scoped, scoped

INVITABLE_ROLES = (Role.ADMIN, Role.ISSUER)


def valid_days() -> int:
    return int(getattr(settings, "LAUREL_INVITATION_DAYS", 7))


class InvitationInvalid(NotFound):
    code = "invitation_not_found"
    default_message = (
        "This invitation link is not valid. Check that you opened the whole link from the "
        "email, or ask for a new invitation."
    )


class InvitationExpired(DomainError):
    code = "invitation_expired"
    http_status = 410
    default_message = "This invitation has expired. Ask the organization for a new one."


class InvitationUsed(DomainError):
    code = "invitation_used"
    http_status = 410
    default_message = "This invitation has already been accepted; it works only once."


class InvitationRevoked(DomainError):
    code = "invitation_revoked"
    http_status = 410
    default_message = "This invitation was withdrawn. Ask the organization for a new one."


class InvitationWrongUser(DomainError):
    code = "invitation_wrong_user"
    http_status = 403
    default_message = "This invitation was sent to another email address."


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class Invited:
    invitation: Invitation
    token: str  # the raw token: in the email and shown once to the inviter, never stored
    emailed: bool  # False when the organization has switched emails off


def _clean_email(email) -> str:
    from laurel.credentials import validation

    if not isinstance(email, str) or not email.strip():
        raise ValidationError("Enter the email address of the person to invite.", field="email")
    return validation.email_address(email, field="email").lower()


@transaction.atomic
def invite(*, actor: Actor, email: str, role: str) -> Invited:
    """Invite `email` with `role` (Admin or Issuer) and queue the email with the link.

    An earlier pending invitation of the same address is withdrawn: only the newest link works.
    """
    require(actor, "manage_members")
    email = _clean_email(email)
    if role not in INVITABLE_ROLES:
        raise ValidationError(
            "Invite as Admin or Issuer; the Owner hands over ownership to a member instead.",
            field="role",
        )
    organization = actor.organization
    if scoped(Membership, organization).filter(user__email__iexact=email).exists():
        raise ValidationError(f"{email} is already a member of {organization.name}.", field="email")
    now = timezone.now()
    scoped(Invitation, organization).filter(
        email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        token_hash=token_hash(token),
        invited_by=actor.user if getattr(actor.user, "pk", None) else None,
        created_at=now,
        expires_at=now + timedelta(days=valid_days()),
    )
    from laurel.mail.invitations import queue_invitation_email

    delivery = queue_invitation_email(invitation=invitation, token=token)
    audit.record(actor, "member.invited", invitation, data={"email": email, "role": role})
    return Invited(invitation=invitation, token=token, emailed=delivery is not None)


def invitation_for_token(token: str, *, now=None) -> Invitation:
    """The invitation this link carries, if it can still be accepted; else the error that
    says why (invalid, expired, used, withdrawn)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise InvitationInvalid()
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        raise InvitationInvalid()
    _require_pending(invitation, now)
    return invitation


def _require_pending(invitation: Invitation, now=None) -> None:
    status = invitation.status(now)
    if status == "accepted":
        raise InvitationUsed()
    if status == "revoked":
        raise InvitationRevoked()
    if status == "expired":
        raise InvitationExpired()


def email_matches(invitation: Invitation, user) -> bool:
    """Whether `user` is the person invited (their account email, case-insensitively)."""
    return (getattr(user, "email", "") or "").strip().lower() == invitation.email.lower()


@transaction.atomic
def accept_invitation(*, token: str, user) -> Membership:
    """`user` joins the organization with the invitation's role; the link is then used up."""
    found = invitation_for_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    invitation.organization = found.organization
    _require_pending(invitation)  # read again under the lock: a double click joins once
    if not email_matches(invitation, user):
        raise InvitationWrongUser(
            f"This invitation was sent to {invitation.email}, and you are signed in as "
            f"{user.email}. Sign out, then sign in or sign up as {invitation.email}."
        )
    organization = invitation.organization
    existing = scoped(Membership, organization).filter(user=user).first()
    if existing is None:
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    user=user, organization=organization, role=invitation.role
                )
        except IntegrityError:  # joined meanwhile by another way
            membership = scoped(Membership, organization).get(user=user)
    else:
        membership = existing
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    joined = Actor(organization=organization, role=membership.role, user=user)
    audit.record(
        joined,
        "member.joined",
        membership,
        data={"invitation_id": invitation.pk, "role": membership.role, "user_id": user.pk},
    )
    return membership


@transaction.atomic
def revoke_invitation(*, actor: Actor, invitation_id: int) -> Invitation:
    """Withdraw a pending invitation: its link stops working."""
    require(actor, "manage_members")
    invitation = get_scoped(
        Invitation.objects.select_for_update(), actor.organization, pk=invitation_id
    )
    if invitation.accepted_at is not None:
        raise Conflict("This invitation has been accepted; remove the member instead.")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record(actor, "invitation.revoked", invitation, data={"email": invitation.email})
    return invitation


def pending_invitations(organization, *, now=None) -> list[Invitation]:
    """Invitations still waiting for an answer (not accepted, withdrawn or expired)."""
    return list(
        scoped(Invitation, organization)
        .filter(
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now or timezone.now(),
        )
        .select_related("invited_by")
        .order_by("-created_at", "-id")
    )


def is_invited(email: str, *, now=None) -> bool:
    """Whether an invitation to any organization waits for this address (sign-up then
    need not found an organization of its own)."""
    return Invitation.objects.filter(
        email__iexact=(email or "").strip(),
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now or timezone.now(),
    ).exists()
