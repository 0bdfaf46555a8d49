"""Which design versions a published credential keeps: the versions its group used at the
moment it was published, found from the kept history (every choice of a group's design,
every version with its time) and written down the first time it is drawn.

Nothing is written when a credential is published, so issuing costs no extra statement
whichever door it came by (form, API, bulk); the answer is the same whenever it is asked.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from laurel.credentials.models import Credential
from laurel.designs.models import CredentialDesign, DesignVersion, GroupDesignChange, Kind


def published_at(credential: Credential) -> datetime | None:
    """When `credential` was signed: its issue time, unless the issuer chose the dates (then
    the proof's creation time, to the second, which favours the older version)."""
    if not credential.custom_dates and credential.issued_on:
        return credential.issued_on
    proof = (credential.document or {}).get("proof") or {}
    if isinstance(proof, list):
        proof = proof[0] if proof else {}
    try:
        return datetime.fromisoformat(str(proof["created"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return credential.issued_on


def version_in_use(group_id: int, kind: str, moment: datetime | None) -> DesignVersion | None:
    """The version of the design `group_id` used for `kind` at `moment` (None: built-in)."""
    changes = GroupDesignChange.objects.filter(group_id=group_id, kind=kind)
    if moment is not None:
        changes = changes.filter(changed_at__lte=moment)
    change = changes.order_by("-changed_at", "-id").select_related("design").first()
    if change is None or change.design is None:
        return None
    versions = change.design.versions.order_by("-number")
    return versions.filter(created_at__lte=moment).first() if moment else versions.first()


def pin(credential: Credential) -> CredentialDesign:
    """The versions a published credential keeps, written down on first use."""
    kept = CredentialDesign.objects.filter(credential=credential).first()
    if kept is not None:
        return kept
    moment = published_at(credential)
    kept = CredentialDesign(
        credential=credential,
        certificate_version=version_in_use(credential.group_id, Kind.CERTIFICATE, moment),
        badge_version=version_in_use(credential.group_id, Kind.BADGE, moment),
    )
    try:
        with transaction.atomic():
            kept.save(force_insert=True)
    except IntegrityError:  # drawn twice at once: the other one wrote the same answer
        kept = CredentialDesign.objects.get(credential=credential)
    return kept
