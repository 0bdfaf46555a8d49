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


def pin_many(credentials: list[Credential]) -> dict[str, CredentialDesign]:
    """`pin` for many credentials at once (a ZIP's part): the versions each keeps, with
    them loaded, in a few queries whatever their number. The same answer as `pin`."""
    related = ("certificate_version__design", "badge_version__design")
    ids = [c.pk for c in credentials]
    kept = {
        p.credential_id: p
        for p in CredentialDesign.objects.filter(credential_id__in=ids).select_related(*related)
    }
    missing = [c for c in credentials if c.pk not in kept]
    if missing:
        history = _History({c.group_id for c in missing})
        CredentialDesign.objects.bulk_create(
            [
                CredentialDesign(
                    credential=c,
                    certificate_version_id=history.version(c.group_id, Kind.CERTIFICATE, m),
                    badge_version_id=history.version(c.group_id, Kind.BADGE, m),
                )
                for c in missing
                for m in [published_at(c)]
            ],
            ignore_conflicts=True,  # drawn at once elsewhere: the same answer is there
        )
        written = CredentialDesign.objects.filter(credential_id__in=[c.pk for c in missing])
        kept.update({p.credential_id: p for p in written.select_related(*related)})
    return kept


class _History:
    """The design choices of some groups and their designs' versions, read once; answers
    as `version_in_use` does."""

    def __init__(self, group_ids: set[int]) -> None:
        self.changes: dict[tuple[int, str], list[tuple[datetime, int, int | None]]] = {}
        for change in GroupDesignChange.objects.filter(group_id__in=group_ids):
            key = (change.group_id, change.kind)
            self.changes.setdefault(key, []).append(
                (change.changed_at, change.pk, change.design_id)
            )
        design_ids = {d for rows in self.changes.values() for _, _, d in rows if d is not None}
        self.versions: dict[int, list[tuple[int, datetime, int]]] = {}
        for version in DesignVersion.objects.filter(design_id__in=design_ids).only(
            "id", "design_id", "number", "created_at"
        ):
            self.versions.setdefault(version.design_id, []).append(
                (version.number, version.created_at, version.pk)
            )

    def version(self, group_id: int, kind: str, moment: datetime | None) -> int | None:
        changes = sorted(
            c for c in self.changes.get((group_id, kind), []) if moment is None or c[0] <= moment
        )
        if not changes or changes[-1][2] is None:
            return None
        versions = sorted(self.versions.get(changes[-1][2], []), reverse=True)
        for _number, created_at, version_id in versions:
            if moment is None or created_at <= moment:
                return version_id
        return None
