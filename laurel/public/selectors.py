"""Public reads: an issuer's profile and public groups, and what the sitemap lists."""

from __future__ import annotations

from django.db.models import QuerySet

from laurel.credentials.models import Credential, CredentialGroup, Privacy
from laurel.organizations.models import Organization


def public_issuer(slug: str) -> Organization | None:
    """An issuer that may be shown: any organization that was approved (pending ones are not)."""
    return (
        Organization.objects.filter(slug=slug).exclude(status=Organization.Status.PENDING).first()
    )


def public_groups(organization: Organization) -> QuerySet[CredentialGroup]:
    """The groups whose credentials are public by default: what an issuer shows the world."""
    return CredentialGroup.objects.filter(
        organization=organization, default_privacy=Privacy.PUBLIC
    ).order_by("title", "id")


def public_group(organization: Organization, key: str) -> CredentialGroup | None:
    return public_groups(organization).filter(key=key).first()


def listed_credentials() -> QuerySet[Credential]:
    """Credentials whose page is public: published or revoked, public, with a document."""
    return (
        Credential.objects.filter(privacy=Privacy.PUBLIC)
        .exclude(status=Credential.Status.DRAFT)
        .exclude(document__isnull=True)
        .only("id", "updated_at")
        .order_by("id")
    )


def listed_issuers() -> QuerySet[Organization]:
    return (
        Organization.objects.exclude(status=Organization.Status.PENDING)
        .only("slug", "created_at")
        .order_by("slug")
    )
