"""The audit log: every write records who did what to which object, when, by which door.

Every AuditEvent is written here, and the events one call writes announce themselves
together with the `recorded` signal once written (inside the service's transaction), so
that listeners — webhooks — see every change from every door (and a bulk batch's
thousand events cost its listener a few queries, not a few thousand).
"""

from __future__ import annotations

from django.dispatch import Signal
from django.utils import timezone

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
    organization = organization or actor.organization
    who = {
        "organization_id": organization.pk if organization is not None else None,
        "actor_user_id": getattr(actor.user, "pk", None),
        "actor_api_key_id": actor.api_key.pk if actor.api_key is not None else None,
        "actor_label": actor.label[:200],
        "door": actor.door,
        "created_at": timezone.now(),
    }
    written = [_event(who, action, obj, data) for action, obj, data in events]
    rows.insert(written)
    recorded.send(sender=AuditEvent, events=written, webhooks_listen=webhooks_listen)
    return written


_COLUMNS = [field.attname for field in AuditEvent._meta.concrete_fields]


def _event(who: dict, action: str, obj, data: dict | None) -> AuditEvent:
    """One AuditEvent, made from its values in the model's field order: Model.__init__ is
    several times quicker given positional values than keywords (a bulk batch makes two
    events a credential)."""
    values = {
        **who,
        "id": None,
        "action": action,
        "object_type": type(obj).__name__ if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
        "data": data or {},
    }
    return AuditEvent(*[values[name] for name in _COLUMNS])
