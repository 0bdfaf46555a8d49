"""Reads of groups and credentials; every one is scoped to an organization."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from laurel.credentials import validation
from laurel.credentials.issue_reads import recipient_credentials
from laurel.credentials.models import Credential, CredentialGroup, StatusList
from laurel.credentials.rules import RecipientCheck, check_prior, normalize_email
from laurel.organizations.errors import GroupNotFound
from laurel.organizations.models import Organization
from laurel.organizations.tenancy import get_scoped, scoped


def get_group(organization: Organization, *, key: str) -> CredentialGroup:
    """The organization's group with this public key, or GroupNotFound."""
    return get_scoped(CredentialGroup, organization, error=GroupNotFound, key=key)


def groups(organization: Organization) -> QuerySet[CredentialGroup]:
    return scoped(CredentialGroup, organization).order_by("title", "id")


def get_credential(organization: Organization, *, credential_id: str) -> Credential:
    """The organization's credential with this id, or NotFound (also for another org's id)."""
    return get_scoped(
        Credential.objects.select_related("group", "organization", "supersedes"),
        organization,
        pk=credential_id,
    )


def credentials(
    organization: Organization,
    *,
    group: CredentialGroup | None = None,
    email: str | None = None,
    status: str | None = None,
    privacy: str | None = None,
    issued_after: datetime | None = None,
    issued_before: datetime | None = None,
) -> QuerySet[Credential]:
    """The organization's credentials, newest first, filtered as asked."""
    queryset = scoped(Credential, organization).select_related("group")
    if group is not None:
        queryset = queryset.filter(group=group)
    if email:
        queryset = queryset.filter(recipient_email_normalized=normalize_email(email))
    if status:
        queryset = queryset.filter(status=status)
    if privacy:
        queryset = queryset.filter(privacy=privacy)
    if issued_after:
        issued_after = validation.moment(issued_after, field="issued_after")
        queryset = queryset.filter(issued_on__gte=issued_after)
    if issued_before:
        issued_before = validation.moment(issued_before, field="issued_before")
        queryset = queryset.filter(issued_on__lt=issued_before)
    return queryset.order_by("-created_at", "id")


def public_credential(credential_id: str) -> Credential | None:
    """A credential by its unguessable id for the public pages (any organization)."""
    return (
        Credential.objects.select_related("group", "organization").filter(pk=credential_id).first()
    )


def status_list_by_id(list_id: str) -> StatusList | None:
    """A status list by its public id (what /status/<list-id> serves)."""
    return StatusList.objects.select_related("organization").filter(list_id=list_id).first()


def recipient_check_for(
    group: CredentialGroup,
    email: str,
    *,
    now: datetime | None = None,
    exclude_id: str | None = None,
) -> RecipientCheck:
    """The recipient check for (group, email) from what is stored (the banner, the API).

    One query: a recipient has few credentials per group, so all of them are read and
    `rules.check_prior` picks the latest non-draft one and the latest draft.
    """
    found = recipient_credentials(group, normalize_email(email), exclude_id=exclude_id)
    return check_prior(found, allow_duplicates=group.allow_duplicates, now=now or timezone.now())
