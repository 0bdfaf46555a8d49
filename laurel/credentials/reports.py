"""Reads for the issuer's home page: what needs attention, the jobs running, and credentials
issued per week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from laurel.credentials.models import Credential, PublishBatch
from laurel.mail.models import EmailDelivery
from laurel.organizations.tenancy import scoped


@dataclass(frozen=True)
class WeekCount:
    week_start: date  # a Monday (UTC)
    count: int


@dataclass(frozen=True)
class Attention:
    drafts: int
    failed_emails: int


def attention(organization) -> Attention:
    """Drafts waiting for review and emails that failed for good, for the home page."""
    drafts = scoped(Credential, organization).filter(status=Credential.Status.DRAFT).count()
    failed = scoped(EmailDelivery, organization).filter(status=EmailDelivery.Status.FAILED)
    return Attention(drafts=drafts, failed_emails=failed.count())


@dataclass(frozen=True)
class RunningJobs:
    """Background work of the organization not finished yet (waiting or under way)."""

    publishing: int  # publish batches (Under review → Publish now)
    bulk: int  # bulk issuing jobs
    zips: int  # ZIPs of certificates being built

    @property
    def total(self) -> int:
        return self.publishing + self.bulk + self.zips


def running_jobs(organization) -> RunningJobs:
    from laurel.bulk.selectors import running_count
    from laurel.designs.models import CertificateZip

    batches = scoped(PublishBatch, organization).filter(
        status__in=(PublishBatch.Status.PENDING, PublishBatch.Status.PROCESSING)
    )
    zips = scoped(CertificateZip, organization).filter(
        status__in=(CertificateZip.Status.PENDING, CertificateZip.Status.BUILDING)
    )
    return RunningJobs(
        publishing=batches.count(), bulk=running_count(organization), zips=zips.count()
    )


def issued_per_week(organization, *, weeks: int = 12, now: datetime | None = None):
    """Credentials published in each of the last `weeks` weeks (Monday to Sunday, UTC).

    One query, one range scan of the (organization, issued_on, status) index that reads no
    table row: a count per week as a filtered aggregate, no date function per row.
    """
    today = (now or timezone.now()).astimezone(UTC).date()
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    mondays = [first + timedelta(weeks=i) for i in range(weeks)]
    starts = [datetime.combine(day, datetime.min.time(), tzinfo=UTC) for day in mondays]
    ends = [*starts[1:], starts[-1] + timedelta(weeks=1)]
    counts = (
        scoped(Credential, organization)
        .filter(issued_on__gte=starts[0], issued_on__lt=ends[-1])
        .exclude(status=Credential.Status.DRAFT)
        .aggregate(
            **{
                f"week{i}": Count("issued_on", filter=Q(issued_on__gte=start, issued_on__lt=end))
                for i, (start, end) in enumerate(zip(starts, ends, strict=True))
            }
        )
    )
    return [WeekCount(week_start=day, count=counts[f"week{i}"]) for i, day in enumerate(mondays)]
