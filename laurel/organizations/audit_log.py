"""Reading the audit log: filters and keyset pages (newest first), cheap at any depth.

A page is the `size` events after a cursor (the last event of the previous page, as
"<created_at ISO>~<id>"), read on the (organization, -created_at) index; no OFFSET, no count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Q

from laurel.organizations.models import AuditEvent
from laurel.organizations.tenancy import scoped

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    actor: str = ""  # part of the actor's label (an email, an API key's name)
    since: date | None = None
    until: date | None = None  # inclusive


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    next_cursor: str | None  # None on the last page


def encode_cursor(event: AuditEvent) -> str:
    return f"{event.created_at.isoformat()}~{event.pk}"


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The cursor's (created_at, id), or None when there is none or it is garbled."""
    if not cursor or "~" not in cursor:
        return None
    moment, _, pk = cursor.rpartition("~")
    try:
        created_at = datetime.fromisoformat(moment)
        number = int(pk)
    except ValueError:
        return None
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    return created_at, number


def audit_page(
    organization, filters: AuditFilters, *, cursor: str | None = None, size: int = PAGE_SIZE
) -> AuditPage:
    events = scoped(AuditEvent, organization)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.actor:
        events = events.filter(actor_label__icontains=filters.actor)
    if filters.since:
        events = events.filter(created_at__gte=datetime.combine(filters.since, time.min, UTC))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time.min, UTC)
        events = events.filter(created_at__lt=end)
    after = decode_cursor(cursor)
    if after is not None:
        created_at, pk = after
        events = events.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=pk))
    rows = list(events.order_by("-created_at", "-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return AuditPage(events=rows, next_cursor=encode_cursor(rows[-1]) if more and rows else None)


def audit_actions(organization) -> list[str]:
    """The actions that occur in the organization's log, for the filter's choices."""
    return sorted(set(scoped(AuditEvent, organization).values_list("action", flat=True).distinct()))
