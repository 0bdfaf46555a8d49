"""What an issuer reads back: totals per credential and per group, by kind, over a period.

Every read is one aggregate on an indexed prefix: a credential's rows by the unique
(credential, day, kind) index, a group's from GroupDailyCount (one row per day and kind,
however many credentials the group has).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laurel.analytics.models import DOWNLOADS, DailyCount, GroupDailyCount, Kind
from laurel.credentials.models import Credential, CredentialGroup


@dataclass(frozen=True)
class Totals:
    """How often a credential (or every credential of a group) was seen and used."""

    views: int = 0
    downloads: int = 0
    linkedin_adds: int = 0
    verifications: int = 0
    by_kind: dict[str, int] | None = None

    @classmethod
    def from_kinds(cls, counts: dict[str, int]) -> Totals:
        return cls(
            views=counts.get(Kind.PAGE_VIEW, 0),
            downloads=sum(counts.get(kind, 0) for kind in DOWNLOADS),
            linkedin_adds=counts.get(Kind.LINKEDIN_ADD, 0),
            verifications=counts.get(Kind.VERIFICATION, 0),
            by_kind=dict(counts),
        )


def credential_totals(
    credential: Credential, *, since: date | None = None, until: date | None = None
) -> Totals:
    """The credential's totals, optionally between two days (inclusive)."""
    return Totals.from_kinds(_sum(DailyCount.objects.filter(credential=credential), since, until))


def group_totals(
    group: CredentialGroup, *, since: date | None = None, until: date | None = None
) -> Totals:
    """The totals of every credential of the group."""
    return Totals.from_kinds(_sum(GroupDailyCount.objects.filter(group=group), since, until))


def totals_by_credential(group: CredentialGroup) -> dict[str, Totals]:
    """{credential id: Totals} for the group's credentials that were counted at all."""
    rows = (
        DailyCount.objects.filter(group=group)
        .values_list("credential_id", "kind")
        .annotate(total=Sum("count"))
    )
    kinds: dict[str, dict[str, int]] = {}
    for credential_id, kind, total in rows:
        kinds.setdefault(credential_id, {})[kind] = total
    return {credential_id: Totals.from_kinds(counts) for credential_id, counts in kinds.items()}


def _sum(queryset, since: date | None, until: date | None) -> dict[str, int]:
    if since is not None:
        queryset = queryset.filter(day__gte=since)
    if until is not None:
        queryset = queryset.filter(day__lte=until)
    return dict(queryset.values_list("kind").annotate(total=Sum("count")).order_by())


@dataclass(frozen=True)
class Period:
    """A span the issuer picks: the last N days (today included), or all time."""

    key: str
    label: str
    days: int | None

    def since(self, today: date | None = None) -> date | None:
        if self.days is None:
            return None
        return (today or timezone.now().date()) - timedelta(days=self.days - 1)


PERIODS = (
    Period("7d", _("7 days"), 7),
    Period("30d", _("30 days"), 30),
    Period("365d", _("12 months"), 365),
    Period("all", _("All time"), None),
)
DEFAULT_PERIOD = PERIODS[1]


def period(key: str | None) -> Period:
    """The period named `key`; anything else (nothing, a typo) is the default, 30 days."""
    return next((found for found in PERIODS if found.key == key), DEFAULT_PERIOD)
