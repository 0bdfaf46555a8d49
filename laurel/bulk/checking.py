"""The recipient check of single issuance, for a whole file at once.

Each row's state comes from the same pure `rules.recipient_check` the form, the API and
`issue` use (through `rules.check_prior`, as `issue_many` does); only the reads are batched:
the group's credentials for the file's emails (`issue_reads.recipients_credentials`, newest
first, as `recipient_check_for` reads them one email at a time), and the month's quota
figures once (as a bulk batch's `quota.QuotaBatch` reads them). Rows past the quota are
`over_quota`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from laurel.bulk.rows import CheckedRow
from laurel.credentials import rules
from laurel.credentials.issue_reads import recipients_credentials
from laurel.credentials.models import CredentialGroup
from laurel.organizations.models import Organization
from laurel.organizations.quota import QuotaBatch

INVALID = "invalid"
OVER_QUOTA = "over_quota"

# The states a row can have, in the order the review screen lists them.
STATE_LABELS = {
    rules.NEW: "New",
    rules.EXPIRED: "Expired (Renewal)",
    rules.ACTIVE_TIME_BOUND: "Active (time-bound)",
    rules.ACTIVE_NON_EXPIRING: "Active (non-expiring)",
    rules.REVOKED: "Revoked",
    rules.DRAFT_PENDING: "Draft pending",
    OVER_QUOTA: "Over quota",
    INVALID: "Invalid",
}


@dataclass(frozen=True)
class RowStatus:
    """A checked row with its state; `issuable` when submitting would issue it."""

    row: CheckedRow
    state: str
    reason: str
    issuable: bool


def quota_figures(
    organization: Organization, emails: Sequence[str], *, now: datetime
) -> tuple[int, int, set[str]]:
    """(used this month, the limit, which of `emails` are already counted this month): the
    figures a bulk batch's QuotaBatch reads, read here without the lock (nothing is
    counted: the batch counts again under it)."""
    quota = QuotaBatch(organization, emails, now=now)
    return quota.used, quota.limit, quota.counted


def check_recipients(
    group: CredentialGroup, checked: Iterable[CheckedRow], *, now: datetime
) -> list[RowStatus]:
    """Every row with its state: the file's own problems first, then the recipient check,
    then the quota (in row order: the first rows get the month's last places)."""
    checked = list(checked)
    emails = [rules.normalize_email(row.email) for row in checked if row.valid]
    prior = recipients_credentials(group, emails)
    used, limit, counted = quota_figures(group.organization, emails, now=now)
    statuses = []
    for row in checked:
        if not row.valid:
            statuses.append(RowStatus(row, INVALID, row.reason, False))
            continue
        email = rules.normalize_email(row.email)
        check = rules.check_prior(
            prior.get(email, ()), allow_duplicates=group.allow_duplicates, now=now
        )
        if check.blocked:
            statuses.append(RowStatus(row, check.state, _blocked_reason(check.state), False))
            continue
        if email not in counted:
            if used >= limit:
                reason = (
                    f"Over this month's quota: {limit} recipients a month, {used} counted "
                    "(with the rows above)."
                )
                statuses.append(RowStatus(row, OVER_QUOTA, reason, False))
                continue
            used += 1
            counted.add(email)
        statuses.append(RowStatus(row, check.state, _issue_note(check.state), True))
    return statuses


def _blocked_reason(state: str) -> str:
    if state == rules.DRAFT_PENDING:
        return "A draft for this recipient is waiting to be published: skipped."
    return "Already holds a credential of this group that never expires: skipped."


def _issue_note(state: str) -> str:
    return {
        rules.EXPIRED: "Renews the expired credential.",
        rules.ACTIVE_TIME_BOUND: "The current credential will be revoked and replaced.",
        rules.REVOKED: "Issues a fresh credential (the last one was revoked).",
        rules.DRAFT_PENDING: "A draft exists; duplicates are allowed in this group.",
    }.get(state, "")


def summary(statuses: Iterable[RowStatus]) -> dict:
    """The review screen's totals."""
    counts = dict.fromkeys(STATE_LABELS, 0)
    valid = skipped = 0
    for status in statuses:
        counts[status.state] += 1
        valid += status.issuable
        skipped += not status.issuable and status.state not in (INVALID, OVER_QUOTA)
    return {
        "rows": sum(counts.values()),
        "valid": valid,
        "renewals": counts[rules.EXPIRED] + counts[rules.ACTIVE_TIME_BOUND] + counts[rules.REVOKED],
        "skipped": skipped,
        "invalid": counts[INVALID],
        "over_quota": counts[OVER_QUOTA],
        "states": counts,
    }
