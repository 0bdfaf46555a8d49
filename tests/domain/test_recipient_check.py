"""The recipient check (DESIGN.md): every state × the duplication setting, as a table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from laurel.credentials import rules
from laurel.credentials.rules import PriorCredential, recipient_check

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
PAST = NOW - timedelta(days=1)
FUTURE = NOW + timedelta(days=30)

LATEST = {
    "none": None,
    "expired": PriorCredential("old", "published", PAST),
    "expiring exactly now": PriorCredential("old", "published", NOW),
    "active time-bound": PriorCredential("old", "published", FUTURE),
    "active non-expiring": PriorCredential("old", "published", None),
    "revoked": PriorCredential("old", "revoked", FUTURE),
    "revoked non-expiring": PriorCredential("old", "revoked", None),
    "revoked and expired": PriorCredential("old", "revoked", PAST),
}

# (latest, draft pending, duplicates allowed) → (state, action, supersedes, revokes)
TABLE = [
    ("none", False, False, rules.NEW, rules.ISSUE, None, None),
    ("none", False, True, rules.NEW, rules.ISSUE, None, None),
    ("expired", False, False, rules.EXPIRED, rules.SUPERSEDE, "old", None),
    ("expired", False, True, rules.EXPIRED, rules.SUPERSEDE, "old", None),
    ("expiring exactly now", False, False, rules.EXPIRED, rules.SUPERSEDE, "old", None),
    ("active time-bound", False, False, rules.ACTIVE_TIME_BOUND, rules.REPLACE, "old", "old"),
    ("active time-bound", False, True, rules.ACTIVE_TIME_BOUND, rules.REPLACE, "old", "old"),
    ("active non-expiring", False, False, rules.ACTIVE_NON_EXPIRING, rules.BLOCKED, None, None),
    ("active non-expiring", False, True, rules.ACTIVE_NON_EXPIRING, rules.ISSUE, None, None),
    ("revoked", False, False, rules.REVOKED, rules.SUPERSEDE, "old", None),
    ("revoked", False, True, rules.REVOKED, rules.SUPERSEDE, "old", None),
    ("revoked non-expiring", False, False, rules.REVOKED, rules.SUPERSEDE, "old", None),
    ("revoked and expired", False, False, rules.REVOKED, rules.SUPERSEDE, "old", None),
    # A pending draft blocks, whatever came before, unless duplicates are allowed …
    ("none", True, False, rules.DRAFT_PENDING, rules.BLOCKED, None, None),
    ("expired", True, False, rules.DRAFT_PENDING, rules.BLOCKED, None, None),
    ("active time-bound", True, False, rules.DRAFT_PENDING, rules.BLOCKED, None, None),
    ("active non-expiring", True, False, rules.DRAFT_PENDING, rules.BLOCKED, None, None),
    ("revoked", True, False, rules.DRAFT_PENDING, rules.BLOCKED, None, None),
    # … and then the latest credential is treated as if there were no draft.
    ("none", True, True, rules.DRAFT_PENDING, rules.ISSUE, None, None),
    ("expired", True, True, rules.DRAFT_PENDING, rules.SUPERSEDE, "old", None),
    ("active time-bound", True, True, rules.DRAFT_PENDING, rules.REPLACE, "old", "old"),
    ("active non-expiring", True, True, rules.DRAFT_PENDING, rules.ISSUE, None, None),
    ("revoked", True, True, rules.DRAFT_PENDING, rules.SUPERSEDE, "old", None),
]


@pytest.mark.parametrize(
    "latest, draft, duplicates, state, action, supersedes, revokes",
    TABLE,
    ids=[
        f"{row[0]}-{'draft' if row[1] else 'nodraft'}-{'dup' if row[2] else 'nodup'}"
        for row in TABLE
    ],
)
def test_recipient_check_table(latest, draft, duplicates, state, action, supersedes, revokes):
    check = recipient_check(
        latest=LATEST[latest],
        pending_draft_id="draft-1" if draft else None,
        allow_duplicates=duplicates,
        now=NOW,
    )
    assert (check.state, check.action, check.supersedes_id, check.revokes_id) == (
        state,
        action,
        supersedes,
        revokes,
    )
    assert check.blocked == (action == rules.BLOCKED)


def test_every_state_appears_in_the_table():
    assert {row[3] for row in TABLE} == set(rules.STATES)


def test_a_blocking_check_names_what_blocks_it():
    blocked_by_draft = recipient_check(
        latest=None, pending_draft_id="draft-1", allow_duplicates=False, now=NOW
    )
    blocked_by_active = recipient_check(
        latest=LATEST["active non-expiring"], pending_draft_id=None, allow_duplicates=False, now=NOW
    )
    assert blocked_by_draft.existing_id == "draft-1"
    assert blocked_by_active.existing_id == "old"
    assert blocked_by_active.as_dict()["blocked"] is True


@pytest.mark.parametrize(
    "raw, normalized",
    [("Ada@Example.org", "ada@example.org"), ("  ada@example.org\t", "ada@example.org"), ("", "")],
)
def test_emails_compare_case_insensitively_after_trimming(raw, normalized):
    assert rules.normalize_email(raw) == normalized


# --- the expiry policy -------------------------------------------------------------------

ISSUED = datetime(2024, 1, 31, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "unit, amount, expected",
    [
        ("never", None, None),
        ("days", 1, datetime(2024, 2, 1, 9, 30, tzinfo=UTC)),
        ("days", 30, datetime(2024, 3, 1, 9, 30, tzinfo=UTC)),
        ("months", 1, datetime(2024, 2, 29, 9, 30, tzinfo=UTC)),  # clamped to a leap February
        ("months", 13, datetime(2025, 2, 28, 9, 30, tzinfo=UTC)),
        ("years", 1, datetime(2025, 1, 31, 9, 30, tzinfo=UTC)),
        ("years", 2, datetime(2026, 1, 31, 9, 30, tzinfo=UTC)),
    ],
)
def test_valid_until_follows_the_expiry_policy(unit, amount, expected):
    assert rules.valid_until_for(unit=unit, amount=amount, issued_on=ISSUED) == expected


def test_a_leap_day_plus_one_year_lands_on_the_last_day_of_february():
    leap_day = datetime(2024, 2, 29, tzinfo=UTC)
    assert rules.valid_until_for(unit="years", amount=1, issued_on=leap_day) == datetime(
        2025, 2, 28, tzinfo=UTC
    )


@pytest.mark.parametrize("unit, amount", [("days", None), ("months", 0), ("weeks", 2)])
def test_an_incomplete_expiry_policy_is_refused(unit, amount):
    with pytest.raises(ValueError):
        rules.valid_until_for(unit=unit, amount=amount, issued_on=ISSUED)
