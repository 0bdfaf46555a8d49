"""Issue many credentials of one group in one transaction: the bulk worker's issue path.

`issue_many` gives each row exactly what `services.issue` would give it (a Credential, or
the DomainError that refused it), in row order, and a refused row leaves nothing behind
(its own savepoint rolls back). The rules are `issue`'s own: every row goes through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from laurel.credentials import services
from laurel.credentials.models import Credential
from laurel.organizations.errors import DomainError
from laurel.organizations.permissions import Actor


@dataclass(frozen=True)
class IssueRow:
    name: str
    email: str
    custom_attributes: dict | None = None


@transaction.atomic
def issue_many(
    *,
    actor: Actor,
    group_key: str,
    rows: Sequence[IssueRow],
    draft: bool = False,
    issued_on: datetime | None = None,
    valid_until: datetime | None = None,
    privacy: str | None = None,
    now: datetime | None = None,
) -> list[Credential | DomainError]:
    """One outcome per row, in order: the credential issued, or why it was refused."""
    now = now or timezone.now()
    outcomes: list[Credential | DomainError] = []
    for row in rows:
        try:
            with transaction.atomic():
                outcomes.append(
                    services.issue(
                        actor=actor,
                        group_key=group_key,
                        recipient_name=row.name,
                        recipient_email=row.email,
                        custom_attributes=row.custom_attributes,
                        privacy=privacy,
                        issued_on=issued_on,
                        valid_until=valid_until,
                        draft=draft,
                        now=now,
                    )
                )
        except DomainError as error:
            outcomes.append(error)
    return outcomes
