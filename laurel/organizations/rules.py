"""Organization rules as pure functions: quota, plan features, roles."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

# What each plan may do beyond issuing one credential at a time.
PLAN_FEATURES: dict[str, frozenset[str]] = {
    "free": frozenset(),
    "professional": frozenset({"bulk_submit"}),
    "enterprise": frozenset({"bulk_submit"}),
}


def monthly_quota(*, plan: str, override: int | None, plan_quotas: Mapping[str, int]) -> int:
    """Unique recipients per calendar month: the staff override, else the plan's."""
    if override is not None:
        return override
    return plan_quotas[plan]


def quota_month(moment: datetime) -> date:
    """The first day of `moment`'s calendar month in UTC (quota months are UTC)."""
    utc = moment.astimezone(UTC)
    return date(utc.year, utc.month, 1)


def quota_allows(*, already_counted: bool, used: int, limit: int) -> bool:
    """A recipient already counted this month is free; a new one needs room."""
    return already_counted or used < limit


def plan_has_feature(plan: str, feature: str) -> bool:
    return feature in PLAN_FEATURES.get(plan, frozenset())
