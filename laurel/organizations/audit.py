"""The audit log: every write records who did what to which object, when, by which door.

Every AuditEvent is written here, and the events one call writes announce themselves
together with the `recorded` signal once written (inside the service's transaction), so
that listeners — webhooks — see every change from every door (and a bulk batch's
thousand events cost its listener a few queries, not a few thousand).
"""

from __future__ import annotations

from typing import NamedTuple

from django.dispatch import Signal
from django.utils import timezone

from laurel import rows
from laurel.organizations.models import AuditEvent
from laurel.organizations.permissions import Actor

# Sent once per write with `events` (a Recorded for each AuditEvent just written, in order),
# and `webhooks_listen`: whether a live webhook subscription exists, when the service read
# it with its lock (laurel.credentials.issue_reads.IssuingContext), else None (the listener
# asks).
recorded = Signal()


class Recorded(NamedTuple):
    """What the `recorded` signal says of an AuditEvent just written (not an instance:
    a bulk batch writes two events a credential, and a model instance each cost more than
    its row's INSERT)."""

    organization_id: int | None
    action: str
    object_type: str
    object_id: str
    data: dict


def record(
    actor: Actor, action: str, obj=None, *, data: dict | None = None, organization=None
) -> Recorded:
    """Write one AuditEvent; called by services inside their transaction."""
    return record_many(actor, [(action, obj, data)], organization=organization)[0]


def record_many(
    actor: Actor,
    events: list[tuple[str, object, dict | None]],
    *,
    organization=None,
    webhooks_listen: bool | None = None,
) -> list[Recorded]:
    """Write several AuditEvents (action, object, data) of one actor in one INSERT (their
    ids stay unread: nothing refers to an audit event)."""
    organization = organization or actor.organization
    organization_id = organization.pk if organization is not None else None
    written = [
        Recorded(
            organization_id,
            action,
            type(obj).__name__ if obj is not None else "",
            str(obj.pk) if obj is not None else "",
            data or {},
        )
        for action, obj, data in events
    ]
    who = {
        "organization": organization_id,
        "actor_user": getattr(actor.user, "pk", None),
        "actor_api_key": actor.api_key.pk if actor.api_key is not None else None,
        "actor_label": actor.label[:200],
        "door": actor.door,
        "created_at": timezone.now(),
    }
    rows.insert_values(
        AuditEvent,
        [
            {
                **who,
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "data": e.data,
            }
            for e in written
        ],
    )
    recorded.send(sender=AuditEvent, events=written, webhooks_listen=webhooks_listen)
    return written
