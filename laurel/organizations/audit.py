"""The audit log: every write records who did what to which object, when, by which door."""

from __future__ import annotations

from laurel.organizations.models import AuditEvent
from laurel.organizations.permissions import Actor


def record(
    actor: Actor, action: str, obj=None, *, data: dict | None = None, organization=None
) -> AuditEvent:
    """Write one AuditEvent; called by services inside their transaction."""
    return AuditEvent.objects.create(
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
