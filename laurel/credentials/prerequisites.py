"""What stands between an actor and issuing, asked without raising (for pages that explain it).

The issue service raises the first unmet prerequisite when it runs; a page wants to know it
before offering a form that would fail. The answer comes from the same checks the service
makes (require_issuing_prerequisites, the quota rule), never from a copy of them.
"""

from __future__ import annotations

from datetime import datetime

from laurel.credentials.issue_reads import IssuingContext
from laurel.organizations.errors import DomainError, QuotaExceeded
from laurel.organizations.permissions import Actor
from laurel.organizations.rules import quota_allows
from laurel.organizations.selectors import active_signing_key, quota_status


def issuing_blocker(
    actor: Actor, *, action: str = "issue", now: datetime | None = None
) -> DomainError | None:
    """The error issuing would raise before looking at a recipient, or None when ready.

    In the service's order: approval, signing key, role; then the month's quota, as it
    stands for a recipient not yet counted this month.
    """
    from laurel.credentials.services import require_issuing_prerequisites

    organization = actor.organization
    context = IssuingContext(
        organization=organization,
        signing_key=active_signing_key(organization),
        group=None,
        webhooks_listen=False,
    )
    try:
        require_issuing_prerequisites(actor, context, action)
    except DomainError as error:
        return error
    quota = quota_status(organization, now=now)
    if not quota_allows(already_counted=False, used=quota.used, limit=quota.limit):
        return QuotaExceeded()
    return None
