"""Credential rules as pure functions: the recipient check and the expiry policy.

No database here: the front doors' banners, the bulk review table and the issue service
all ask these functions, and tests cover them with tables of cases.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

# States (DESIGN.md "Recipient check").
NEW = "new"
EXPIRED = "expired"
ACTIVE_TIME_BOUND = "active_time_bound"
ACTIVE_NON_EXPIRING = "active_non_expiring"
REVOKED = "revoked"
DRAFT_PENDING = "draft_pending"
STATES = (NEW, EXPIRED, ACTIVE_TIME_BOUND, ACTIVE_NON_EXPIRING, REVOKED, DRAFT_PENDING)

# What issuing does.
ISSUE = "issue"  # issue, nothing to link
SUPERSEDE = "supersede"  # issue, `supersedes` = the old one (expired or revoked)
REPLACE = "replace"  # revoke the old one (reason: superseded), issue, `supersedes` = it
BLOCKED = "blocked"  # 409 credential_exists

SUPERSEDED_REASON = "superseded"


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively after trimming."""
    return (email or "").strip().lower()


@dataclass(frozen=True)
class PriorCredential:
    """What the check needs to know of an earlier credential of the group."""

    id: str
    status: str  # "draft" | "published" | "revoked"
    valid_until: datetime | None


@dataclass(frozen=True)
class RecipientCheck:
    state: str
    action: str
    supersedes_id: str | None = None  # the credential the new one renews
    revokes_id: str | None = None  # the credential issuing revokes (REPLACE)
    existing_id: str | None = None  # the credential or draft that blocks, or that exists

    @property
    def blocked(self) -> bool:
        return self.action == BLOCKED

    def as_dict(self) -> dict:
        return {
            "state": self.state,
            "action": self.action,
            "blocked": self.blocked,
            "supersedes_id": self.supersedes_id,
            "revokes_id": self.revokes_id,
            "existing_id": self.existing_id,
        }


def latest_state(latest: PriorCredential | None, now: datetime) -> str:
    """The state of the most recent non-draft credential."""
    if latest is None:
        return NEW
    if latest.status == "revoked":
        return REVOKED
    if latest.valid_until is None:
        return ACTIVE_NON_EXPIRING
    if latest.valid_until <= now:
        return EXPIRED
    return ACTIVE_TIME_BOUND


def recipient_check(
    *,
    latest: PriorCredential | None,
    pending_draft_id: str | None,
    allow_duplicates: bool,
    now: datetime,
) -> RecipientCheck:
    """What issuing to (group, email) would do.

    `latest` is the most recent non-draft credential of the group for the email,
    `pending_draft_id` an unpublished draft for them if any. A pending draft is reported
    first (it is what the issuer is about to duplicate); with duplicates allowed, issuing
    then treats the latest credential as it would without the draft.
    """
    state = latest_state(latest, now)
    if pending_draft_id is not None:
        if not allow_duplicates:
            return RecipientCheck(DRAFT_PENDING, BLOCKED, existing_id=pending_draft_id)
        outcome = _outcome(state, latest, allow_duplicates=True)
        return RecipientCheck(
            DRAFT_PENDING,
            outcome.action,
            supersedes_id=outcome.supersedes_id,
            revokes_id=outcome.revokes_id,
            existing_id=pending_draft_id,
        )
    return _outcome(state, latest, allow_duplicates=allow_duplicates)


def check_prior(
    found: Iterable[PriorCredential], *, allow_duplicates: bool, now: datetime
) -> RecipientCheck:
    """The recipient check from every credential of the group for the email, drafts too,
    newest first (what `issue_reads` reads, for one email or for a batch): the latest
    non-draft credential and the latest draft are picked here, then `recipient_check`."""
    latest = draft_id = None
    for credential in found:
        if credential.status == "draft":
            draft_id = draft_id or credential.id
        elif latest is None:
            latest = credential
    return recipient_check(
        latest=latest, pending_draft_id=draft_id, allow_duplicates=allow_duplicates, now=now
    )


def _outcome(
    state: str, latest: PriorCredential | None, *, allow_duplicates: bool
) -> RecipientCheck:
    if state == NEW:
        return RecipientCheck(NEW, ISSUE)
    assert latest is not None
    if state in (EXPIRED, REVOKED):
        return RecipientCheck(state, SUPERSEDE, supersedes_id=latest.id, existing_id=latest.id)
    if state == ACTIVE_TIME_BOUND:
        return RecipientCheck(
            state, REPLACE, supersedes_id=latest.id, revokes_id=latest.id, existing_id=latest.id
        )
    # ACTIVE_NON_EXPIRING: a duplicate, when allowed, stands beside it.
    return RecipientCheck(state, ISSUE if allow_duplicates else BLOCKED, existing_id=latest.id)


# --- expiry policy ---------------------------------------------------------------------

EXPIRY_UNITS = ("never", "days", "months", "years")


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus whole calendar months, the day clamped to the target month's end."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def valid_until_for(*, unit: str, amount: int | None, issued_on: datetime) -> datetime | None:
    """When a credential issued on `issued_on` expires under the group's policy (None = never)."""
    if unit == "never":
        return None
    if not amount or amount < 1:
        raise ValueError(f"an expiry in {unit} needs a positive amount")
    if unit == "days":
        return issued_on + timedelta(days=amount)
    if unit == "months":
        return add_months(issued_on, amount)
    if unit == "years":
        return add_months(issued_on, 12 * amount)
    raise ValueError(f"unknown expiry unit {unit!r}")


# --- resending the issuance email -------------------------------------------------------


def resend_available_at(
    *, last_status: str | None, last_at: datetime | None, cooldown: timedelta, now: datetime
) -> datetime | None:
    """When the issuance email may be sent again: None means now.

    `last_status` and `last_at` describe the latest email to the recipient (when it was
    sent, or queued if not yet). Never emailed, or the last one failed: now. Otherwise
    once the cooldown after it has passed.
    """
    if last_status is None or last_at is None or last_status == "failed":
        return None
    available = last_at + cooldown
    return available if available > now else None
