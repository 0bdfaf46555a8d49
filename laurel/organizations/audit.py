"""The audit log: every write records who did what to which object, when, by which door.

Every AuditEvent is written here, and the events one call writes announce themselves
together with the `recorded` signal once written (inside the service's transaction), so
that listeners — webhooks — see every change from every door (and a bulk batch's
thousand events cost its listener a few queries, not a few thousand).
"""

from __future__ import annotations

from django.dispatch import Signal

from laurel import rows
from laurel.organizations.models import AuditEvent
from laurel.organizations.permissions import Actor

# Sent once per write with `events` (the AuditEvents just written, in order), and `webhooks_listen`:
# whether a live webhook subscription exists, when the service read it with its lock
# (laurel.credentials.issue_reads.IssuingContext), else None (the listener asks).
recorded = Signal()


def record(
    actor: Actor, action: str, obj=None, *, data: dict | None = None, organization=None
) -> AuditEvent:
    """Write one AuditEvent; called by services inside their transaction."""
    return record_many(actor, [(action, obj, data)], organization=organization)[0]


def record_many(
    actor: Actor,
    events: list[tuple[str, object, dict | None]],
    *,
    organization=None,
    webhooks_listen: bool | None = None,
) -> list[AuditEvent]:
    """Write several AuditEvents (action, object, data) of one actor in one INSERT (their
    ids stay unread: nothing refers to an audit event)."""
    written = [_event(actor, action, obj, data, organization) for action, obj, data in events]
    rows.insert(written)
    recorded.send(sender=AuditEvent, events=written, webhooks_listen=webhooks_listen)
    return written


def _event(actor: Actor, action: str, obj, data: dict | None, organization) -> AuditEvent:
    return AuditEvent(
        organization=organization or actor.organization,
        actor_user=actor.user if getattr(actor.user, "pk", None) else None,
        actor_api_key=actor.api_key,
        actor_label=actor.label[:200],
        door=actor.door,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=data or {},
    )
