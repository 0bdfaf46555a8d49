"""Reads for the issuer's home page: what needs attention, and credentials issued per week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from laurel.credentials.models import Credential
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


def issued_per_week(organization, *, weeks: int = 12, now: datetime | None = None):
    """Credentials published in each of the last `weeks` weeks (Monday to Sunday, UTC).

    Counted by day in the database (one indexed range scan on issued_on), summed by week here.
    """
    today = (now or timezone.now()).astimezone(UTC).date()
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    start = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
    per_day = (
        scoped(Credential, organization)
        .filter(issued_on__gte=start)
        .exclude(status=Credential.Status.DRAFT)
        .annotate(day=TruncDate("issued_on", tzinfo=UTC))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    totals = {first + timedelta(weeks=i): 0 for i in range(weeks)}
    for day, n in per_day:
        monday = day - timedelta(days=day.weekday())
        if monday in totals:
            totals[monday] += n
    return [WeekCount(week_start=week, count=n) for week, n in sorted(totals.items())]
