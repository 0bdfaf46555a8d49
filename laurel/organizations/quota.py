"""What the plan allows: the monthly recipient quota (counted as credentials are issued)
and the plan's features."""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from laurel import rows
from laurel.organizations.errors import PlanRequired, QuotaExceeded
from laurel.organizations.models import Organization, QuotaUsage
from laurel.organizations.rules import plan_has_feature, quota_allows, quota_month


def require_plan_feature(organization: Organization, feature: str) -> None:
    """PlanRequired unless the organization's plan includes `feature` (e.g. "bulk_submit")."""
    if not plan_has_feature(organization.plan, feature):
        raise PlanRequired(
            f"Your plan ({organization.get_plan_display()}) does not include "
            f"{feature.replace('_', ' ')}; upgrade to Professional or Enterprise."
        )


def count_recipient(
    *, organization: Organization, email_normalized: str, now: datetime | None = None
) -> bool:
    """Count a recipient against this month's quota; QuotaExceeded when there is no room.

    Call with the organization row locked (laurel.credentials.issue_reads.lock_for_issuing),
    so concurrent issues can never both take the last place. Returns True when the
    recipient was newly counted.
    """
    now = now or timezone.now()
    month = quota_month(now)
    limit = organization.monthly_quota
    if _count_if_room(organization, month, email_normalized, limit=limit, now=now):
        return True
    # Not counted: already counted this month (free), or no room (the rare answer that
    # needs the figures, for its message).
    counts = QuotaUsage.objects.filter(organization=organization, month=month).aggregate(
        used=Count("pk"), already=Count("pk", filter=Q(email_normalized=email_normalized))
    )
    if counts["already"]:
        return False
    raise _exceeded(counts["used"], limit)  # not counted, not free: used >= limit


def _exceeded(used: int, limit: int) -> QuotaExceeded:
    return QuotaExceeded(
        f"Your organization has issued to {used} of its {limit} recipients "
        f"this month; it can issue to new recipients again next month or after upgrading."
    )


class QuotaBatch:
    """`count_recipient` for a batch of recipients: the month's figures read once, each
    recipient counted (or refused) in order in memory by the same rule
    (`rules.quota_allows`), and the new ones written by `save()` in one INSERT.

    Make it, count and save with the organization row locked, in one transaction: the lock
    is what makes the read-then-write atomic (every other count takes the same lock), so
    a batch and single issues racing for the last places never go over.
    """

    def __init__(self, organization: Organization, emails_normalized, *, now: datetime):
        self.organization, self.now = organization, now
        self.month = quota_month(now)
        self.limit = organization.monthly_quota
        usage = QuotaUsage.objects.filter(organization=organization, month=self.month)
        self.used = usage.count()
        self.counted: set[str] = counted_emails(organization, self.month, emails_normalized)
        self.new: list[str] = []
        self.used_as_read, self.counted_as_read = self.used, frozenset(self.counted)
        self.refused = False

    def count(self, email_normalized: str) -> bool:
        """Count one recipient (True when newly counted); QuotaExceeded when no room."""
        already = email_normalized in self.counted
        if not quota_allows(already_counted=already, used=self.used, limit=self.limit):
            self.refused = True
            raise _exceeded(self.used, self.limit)
        if already:
            return False
        self.counted.add(email_normalized)
        self.new.append(email_normalized)
        self.used += 1
        return True

    def counts_alike(self, again: QuotaBatch) -> bool:
        """Whether `again`, the same recipients' figures read later, would have counted
        them as this batch did: the same of them counted already this month, the same
        limit, and the same month's count, or, when none was refused, room under the
        limit for all those it counted (each new count asked for `used < limit`)."""
        if (again.limit, again.counted_as_read) != (self.limit, self.counted_as_read):
            return False
        if again.used_as_read == self.used_as_read:
            return True
        return not self.refused and again.used_as_read + len(self.new) <= self.limit

    def forget(self, email_normalized: str) -> None:
        """Take back a count not saved yet (its credential could not be issued after all)."""
        if email_normalized in self.new:
            self.new.remove(email_normalized)
            self.counted.discard(email_normalized)
            self.used -= 1

    def save(self) -> None:
        """Write the recipients counted since the last save, in one INSERT."""
        if not self.new:
            return
        rows.insert_values(
            QuotaUsage,
            [
                {
                    "organization": self.organization.pk,
                    "month": self.month,
                    "email_normalized": email,
                    "created_at": self.now,
                }
                for email in self.new
            ],
            ignore_conflicts=True,
        )
        self.new = []


IN_LIST = 1000


def counted_emails(organization: Organization, month, emails_normalized) -> set[str]:
    """Which of the emails are counted already in `month` (every door asks it so: an
    issue, a bulk batch, a file's validation): IN lists of a thousand on SQLite; on
    PostgreSQL a join on the unnested array. A quota table that grew since it was last
    analyzed (a month's first big bulk job) reads to PostgreSQL as a few rows,
    and it then tested `email = ANY(the batch's 500 emails)` on every row of the month
    (64 ms a batch at 10,000 rows, profiled); the join hashes them (3 ms)."""
    unique = list(dict.fromkeys(emails_normalized))
    if not unique:
        return set()
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(QuotaUsage._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT u.email_normalized FROM unnest(%s::varchar[]) AS wanted(email) "
                f"JOIN {table} u ON u.organization_id = %s AND u.month = %s "
                "AND u.email_normalized = wanted.email",
                [unique, organization.pk, month],
            )
            return {email for (email,) in cursor.fetchall()}
    usage = QuotaUsage.objects.filter(organization=organization, month=month)
    counted: set[str] = set()
    for start in range(0, len(unique), IN_LIST):
        chunk = unique[start : start + IN_LIST]
        counted.update(
            usage.filter(email_normalized__in=chunk).values_list("email_normalized", flat=True)
        )
    return counted


def _count_if_room(
    organization: Organization, month, email_normalized: str, *, limit: int, now: datetime
) -> bool:
    """Count the recipient in one statement if it is new this month and there is room:
    INSERT ... SELECT ... WHERE (this month's count) < limit ON CONFLICT DO NOTHING (an
    atomic write the ORM cannot express)."""
    table = connection.ops.quote_name(QuotaUsage._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organization_id, month, email_normalized, created_at) "
            f"SELECT %s, %s, %s, %s WHERE (SELECT COUNT(*) FROM {table} "
            f"WHERE organization_id = %s AND month = %s) < %s "
            f"ON CONFLICT (organization_id, month, email_normalized) DO NOTHING RETURNING id",
            [
                organization.pk,
                connection.ops.adapt_datefield_value(month),
                email_normalized,
                connection.ops.adapt_datetimefield_value(now),
                organization.pk,
                connection.ops.adapt_datefield_value(month),
                limit,
            ],
        )
        return cursor.fetchone() is not None
