"""Reads for recipients: a person's credentials are those issued to one of their verified
email addresses, from any organization. This module is the one place that decides it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from laurel.credentials.models import Credential, Privacy
from laurel.credentials.rules import SUPERSEDED_REASON, normalize_email
from laurel.organizations.errors import NotFound
from laurel.organizations.tenancy import get_scoped, scoped
from laurel.recipients.models import CorrectionRequest, ProfileListing, RecipientProfile


def verified_emails(user) -> list[str]:
    """The user's verified addresses, normalised as credentials store them."""
    from allauth.account.models import EmailAddress

    if not getattr(user, "is_authenticated", False):
        return []
    emails = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return sorted({normalize_email(email) for email in emails})


def holds(user, credential) -> bool:
    """Whether `credential` was issued to one of the user's verified addresses: the rule
    that shows a private credential to its recipient (an unverified address never does).

    The addresses are read once per user object (a page asks for several files).
    """
    if not getattr(user, "is_authenticated", False):
        return False
    emails = getattr(user, "_laurel_verified_emails", None)
    if emails is None:
        emails = frozenset(verified_emails(user))
        user._laurel_verified_emails = emails
    return credential.recipient_email_normalized in emails


def recipient_credentials(user) -> QuerySet[Credential]:
    """Every non-draft credential issued to one of the user's verified emails, newest first."""
    return (
        Credential.objects.filter(recipient_email_normalized__in=verified_emails(user))
        .exclude(status=Credential.Status.DRAFT)
        .select_related("group", "organization")
        .order_by("-issued_on", "-created_at", "id")
    )


def recipient_credential(user, credential_id: str) -> Credential:
    """One of the user's credentials, or NotFound (a stranger's id looks like a missing one)."""
    credential = recipient_credentials(user).filter(pk=str(credential_id)).first()
    if credential is None:
        raise NotFound()
    return credential


@dataclass(frozen=True)
class WalletEntry:
    credential: Credential
    status: str  # valid | expired | revoked | superseded
    listed: bool
    open_correction: CorrectionRequest | None
    superseded_by_id: str | None


def credential_state(credential: Credential, *, now=None) -> str:
    """What the recipient reads on a credential: valid, expired, revoked or superseded."""
    if credential.status == Credential.Status.REVOKED:
        if credential.revocation_reason.startswith(SUPERSEDED_REASON):
            return "superseded"
        return "revoked"
    return "expired" if credential.is_expired(now) else "valid"


def wallet(user) -> list[WalletEntry]:
    """The wallet page: each credential with its state, listing and open correction."""
    credentials = list(recipient_credentials(user))
    ids = [credential.pk for credential in credentials]
    listed = set(
        ProfileListing.objects.filter(user=user, credential_id__in=ids, visible=True).values_list(
            "credential_id", flat=True
        )
    )
    open_corrections = {
        correction.credential_id: correction
        for correction in CorrectionRequest.objects.filter(
            credential_id__in=ids, status=CorrectionRequest.Status.OPEN
        )
    }
    newer = dict(
        Credential.objects.filter(supersedes_id__in=ids)
        .exclude(status=Credential.Status.DRAFT)
        .values_list("supersedes_id", "id")
    )
    now = timezone.now()
    return [
        WalletEntry(
            credential=credential,
            status=credential_state(credential, now=now),
            listed=credential.pk in listed,
            open_correction=open_corrections.get(credential.pk),
            superseded_by_id=newer.get(credential.pk),
        )
        for credential in credentials
    ]


def profile_for(user) -> RecipientProfile | None:
    return RecipientProfile.objects.filter(user=user).first()


def public_profile(slug: str) -> RecipientProfile | None:
    """A profile its owner has turned on, or None (what /u/<slug> answers 404 for)."""
    return RecipientProfile.objects.filter(slug=slug, is_public=True).select_related("user").first()


def listed_credentials(profile: RecipientProfile) -> list[Credential]:
    """What a public profile shows: listed, public, published credentials still the
    recipient's (issued to one of their verified emails); never a private one."""
    return list(
        recipient_credentials(profile.user).filter(
            privacy=Privacy.PUBLIC,
            status=Credential.Status.PUBLISHED,
            profile_listings__user=profile.user,
            profile_listings__visible=True,
        )
    )


def recipient_corrections(user) -> QuerySet[CorrectionRequest]:
    return CorrectionRequest.objects.filter(requested_by=user).select_related(
        "credential", "credential__group"
    )


# --- the issuer's side: scoped to the organization ------------------------------------


def corrections(organization, *, status: str | None = None) -> QuerySet[CorrectionRequest]:
    queryset = scoped(CorrectionRequest, organization).select_related(
        "credential", "credential__group", "requested_by", "new_credential"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-id")


def get_correction(organization, correction_id) -> CorrectionRequest:
    """The organization's correction request, or NotFound (also for another org's id)."""
    return get_scoped(
        CorrectionRequest.objects.select_related(
            "credential", "credential__group", "requested_by", "new_credential"
        ),
        organization,
        pk=correction_id,
    )
