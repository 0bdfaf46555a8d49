"""The signed OB 3.0 document of a credential, built and signed with laurel.vc."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist

from laurel.credentials.models import Credential, CredentialGroup
from laurel.organizations.models import Organization, SigningKey


def issuer_profile(organization: Organization):
    from laurel.vc.credential import IssuerProfile

    return IssuerProfile(
        id=organization.did,
        name=organization.name,
        url=organization.url or None,
        email=organization.email or None,
        image=organization.image or None,
    )


def badge_url(credential: Credential, *, url: str | None = None) -> str:
    """Where the credential's badge is: the image of its group's badge design (the version
    the credential keeps), the picture Open Badges bakes into /credential/<id>.png.
    (`url`: the credential's own, when the caller has it already.)"""
    return f"{url or credential.url}/badge.png"


def achievement_image(credential: Credential, *, url: str | None = None) -> str:
    """The credential's `achievement.image`: its badge, unless the issuer gave the group an
    image URL and chose no badge design for it."""
    group = credential.group
    if group.image and not _has_badge_design(group):
        return group.image
    return badge_url(credential, url=url)


def _has_badge_design(group: CredentialGroup) -> bool:
    try:
        return group.designs.badge_id is not None  # laurel.designs' GroupDesign
    except ObjectDoesNotExist:
        return False


def achievement(group: CredentialGroup, *, image: str | None = None):
    """The group as laurel.vc's AchievementInfo; `image` in place of the group's own."""
    from laurel.vc.credential import AchievementInfo, Skill

    skills = tuple(
        Skill(
            name=skill["name"],
            url=skill["url"],
            description=skill.get("description") or None,
            framework=skill.get("framework") or None,
            code=skill.get("code") or None,
        )
        for skill in group.skills or []
    )
    return AchievementInfo(
        id=group.achievement_id,
        name=group.title,
        description=group.description or group.title,
        criteria=group.criteria or group.description or group.title,
        image=image or group.image or None,
        achievement_type=group.achievement_type or "Certificate",
        skills=skills,
    )


def signed_document(credential: Credential, *, key: SigningKey, now: datetime) -> dict:
    """Build the OpenBadgeCredential for a credential about to be published, and sign it."""
    (document,) = signed_documents([credential], key=key, now=now)
    if isinstance(document, Exception):
        raise document
    return document


def signed_documents(credentials, *, key: SigningKey, now: datetime) -> list:
    """`signed_document` for each credential, in order: the signed document, or the VCError
    that refused it (one bad credential does not stop the others). The issuer profile,
    each group's achievement, the private key and its verification method are made once
    for all."""
    from laurel.vc.signer import sign_requests

    return sign_requests(
        signing_requests(credentials),
        private_key=key.private_key(),
        verification_method=key.verification_method,
        created=now,
    )


def signing_requests(credentials) -> list[dict]:
    """What `laurel.vc.issue.signed_credential` is given for each credential (but the key
    and the time): plain values that a signing process can be sent."""
    from laurel.vc.credential import Recipient, StatusEntry

    issuers: dict[int, object] = {}
    achievements: dict[int, object] = {}
    list_urls: dict[int, str] = {}  # a status list's URL reads a setting: once a list
    base_url = settings.LAUREL_BASE_URL
    requests: list[dict] = []
    for credential in credentials:
        url = Credential.url_of(credential.id, base_url=base_url)
        organization = credential.organization
        if organization.pk not in issuers:
            issuers[organization.pk] = issuer_profile(organization)
        group = credential.group
        if group.pk not in achievements:
            achievements[group.pk] = achievement(group)
        info = achievements[group.pk]
        image = achievement_image(credential, url=url)
        if image != info.image:
            info = dataclasses.replace(info, image=image)
        status = ()
        status_list = credential.status_list
        if status_list is not None:
            if status_list.pk not in list_urls:
                list_urls[status_list.pk] = status_list.url
            status = (
                StatusEntry(list_url=list_urls[status_list.pk], index=credential.status_list_index),
            )
        requests.append(
            {
                "credential_id": url,
                "issuer": issuers[organization.pk],
                "achievement": info,
                "recipient": Recipient(
                    name=credential.recipient_name, email=credential.recipient_email
                ),
                "valid_from": credential.issued_on,
                "valid_until": credential.valid_until,
                "evidence_url": credential.evidence_url or None,
                "custom_attributes": credential.custom_attributes or None,
                "status": status,
            }
        )
    return requests
