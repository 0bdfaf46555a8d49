"""What a credential fills a design's variables with: from its signed document where it
has one (so the certificate shows what was signed, even after the group is renamed)."""

from __future__ import annotations

from laurel.credentials.models import Credential
from laurel.design import Values
from laurel.design.variables import CUSTOM_PREFIX


def custom_field_names(names) -> list[str]:
    """The library's custom field names (without 'custom_') of a group's custom_fields."""
    return [n[len(CUSTOM_PREFIX) :] if n.startswith(CUSTOM_PREFIX) else n for n in names or []]


def credential_values(credential: Credential) -> Values:
    """The values of `credential` (a draft or a published one)."""
    document = credential.document or {}
    subject = document.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    issuer = document.get("issuer") or {}
    return _with_issuer(credential, achievement, issuer, credential.group, credential.organization)


def _with_issuer(credential, achievement, issuer, group, organization) -> Values:
    issuer_name = _text(issuer.get("name")) if isinstance(issuer, dict) else ""
    return Values(
        recipient_name=credential.recipient_name,
        group_title=_text(achievement.get("name")) or group.title,
        code=group.code,
        description=_text(achievement.get("description")) or group.description,
        issued_on=credential.issued_on.date() if credential.issued_on else None,
        valid_until=credential.valid_until.date() if credential.valid_until else None,
        credential_id=credential.pk,
        verification_url=credential.url,
        issuer_name=issuer_name or organization.name,
        custom={
            key[len(CUSTOM_PREFIX) :] if key.startswith(CUSTOM_PREFIX) else key: str(value)
            for key, value in (credential.custom_attributes or {}).items()
        },
    )


def _text(value) -> str:
    if isinstance(value, dict):  # a language map
        value = next(iter(value.values()), "")
    return value if isinstance(value, str) else ""
