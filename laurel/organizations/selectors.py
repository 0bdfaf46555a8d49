"""Reads of organizations that are more than a one-liner. All go through tenancy.scoped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from laurel.organizations.errors import NotFound
from laurel.organizations.models import (
    ApiKey,
    AuditEvent,
    Door,
    Membership,
    Organization,
    QuotaUsage,
    SigningKey,
)
from laurel.organizations.permissions import Actor
from laurel.organizations.quota import counted_emails
from laurel.organizations.rules import quota_month
from laurel.organizations.tenancy import scoped


def actor_for_user(*, user, organization: Organization, door: str = Door.WEB) -> Actor:
    """The user's Actor in `organization`; NotFound when they are not a member."""
    membership = (
        Membership.objects.filter(user=user, organization=organization)
        .select_related("organization")
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if membership is None:
        raise NotFound()
    return Actor(organization=membership.organization, role=membership.role, user=user, door=door)


def actor_by_slug(*, user, slug: str, door: str = Door.WEB) -> tuple[Actor, list[Organization]]:
    """The user's Actor in the organization `slug`, and every organization they belong to
    (by name, for the switcher), in one query; NotFound when the organization does not
    exist or they are not a member of it (the same answer: one cannot tell them apart)."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name", "organization__id")
    )
    membership = next((m for m in memberships if m.organization.slug == slug), None)
    if membership is None:
        raise NotFound()
    actor = Actor(organization=membership.organization, role=membership.role, user=user, door=door)
    return actor, [m.organization for m in memberships]


def lock_organization(organization: Organization) -> Organization:
    """The organization row, locked until this transaction ends (SELECT ... FOR NO KEY
    UPDATE on PostgreSQL, as lock_for_issuing: foreign-key checks of other transactions
    do not wait for it; SQLite's IMMEDIATE write transaction already serializes writers).

    What must be read with the lock held is read after it, in its own statement: a
    statement that waited for the lock still sees the other tables as they were when it
    started. The issue path has its own lock that reads its context after it
    (laurel.credentials.issue_reads.lock_for_issuing).
    """
    return Organization.objects.select_for_update(no_key=True).get(pk=organization.pk)


def organizations_for_user(user) -> list[Organization]:
    return list(Organization.objects.filter(memberships__user=user).order_by("name"))


def members(organization: Organization) -> list[Membership]:
    return list(scoped(Membership, organization).select_related("user").order_by("created_at"))


def active_signing_key(organization: Organization) -> SigningKey | None:
    return scoped(SigningKey, organization).filter(status=SigningKey.Status.ACTIVE).first()


def signing_keys(organization: Organization) -> list[SigningKey]:
    """Every key, active and retired (the DID document lists them all)."""
    return list(scoped(SigningKey, organization).order_by("created_at", "id"))


def did_document(organization: Organization) -> dict:
    """What /issuers/<slug>/did.json serves: every active and retired key."""
    from laurel.vc.did import VerificationKey, did_web_document

    keys = [
        VerificationKey(
            key_id=key.key_id,
            public_key_multibase=key.public_key_multibase,
            retired_at=key.retired_at,
        )
        for key in signing_keys(organization)
    ]
    return did_web_document(organization.did, keys)


@dataclass(frozen=True)
class QuotaStatus:
    month: date  # first day of the month, UTC
    limit: int
    used: int

    @property
    def left(self) -> int:
        return max(self.limit - self.used, 0)


def quota_status(organization: Organization, *, now: datetime | None = None) -> QuotaStatus:
    """Unique recipients counted this calendar month (UTC), the limit, and what is left."""
    month = quota_month(now or timezone.now())
    used = scoped(QuotaUsage, organization).filter(month=month).count()
    return QuotaStatus(month=month, limit=organization.monthly_quota, used=used)


def recipients_counted(
    organization: Organization, emails_normalized, *, now: datetime | None = None
) -> set[str]:
    """Which of these (normalized) emails already count this month (they cost nothing)."""
    return counted_emails(organization, quota_month(now or timezone.now()), emails_normalized)


def api_keys(organization: Organization) -> list[ApiKey]:
    return list(scoped(ApiKey, organization).order_by("-created_at", "-id"))


def audit_events(organization: Organization, *, limit: int = 100) -> list[AuditEvent]:
    return list(scoped(AuditEvent, organization).order_by("-created_at", "-id")[:limit])


def plan_quotas() -> dict[str, int]:
    return dict(settings.LAUREL_PLAN_QUOTAS)
