"""Webhook events from the audit log: every write of the domain records an AuditEvent in
its transaction, so announcing from there covers every door (web, API, bulk, CLI) and
commits or rolls back with the change itself."""

from __future__ import annotations

from django.dispatch import receiver

from laurel.credentials.models import Credential
from laurel.organizations.audit import Recorded, recorded
from laurel.organizations.models import AuditEvent
from laurel.webhooks.models import Event, WebhookSubscription
from laurel.webhooks.services import Announcement, credential_announcement, emit_many

CREDENTIAL_ACTIONS = {
    "credential.issued": Event.CREDENTIAL_ISSUED,
    "credential.published": Event.CREDENTIAL_PUBLISHED,
    "credential.revoked": Event.CREDENTIAL_REVOKED,
}
BULK_JOB_COMPLETED = "bulk_job.completed"


@receiver(recorded, sender=AuditEvent, dispatch_uid="laurel.webhooks.audit")
def announce_audited_changes(
    sender, events: list[Recorded], webhooks_listen: bool | None = None, **kwargs
) -> None:
    """The webhook events of the audit events one service call wrote (in order)."""
    announcements: list[Announcement] = []
    credential_events = [
        event
        for event in events
        if event.organization_id is not None and event.action in CREDENTIAL_ACTIONS
    ]
    credentials = _credentials(credential_events, webhooks_listen)
    for event in events:
        if event.organization_id is None:
            continue
        if event.action in CREDENTIAL_ACTIONS:
            credential = credentials.get((event.organization_id, event.object_id))
            if credential is None:
                continue
            announcements.append(
                credential_announcement(CREDENTIAL_ACTIONS[event.action], credential)
            )
            if event.action == "credential.published" and credential.supersedes_id:
                announcements.append(credential_announcement(Event.CREDENTIAL_RENEWED, credential))
        elif event.action == BULK_JOB_COMPLETED:
            announcements.append(
                Announcement(
                    Event.BULK_JOB_COMPLETED,
                    event.organization_id,
                    {"bulk_job": {"id": event.object_id, **event.data}},
                )
            )
    if announcements:
        emit_many(announcements)


def _credentials(audit_events: list[Recorded], listening: bool | None) -> dict:
    """The credentials the events are about, by (organization, id), when a webhook listens.

    The issue path says whether anyone listens (it read it with its lock); otherwise one
    indexed query asks. The credentials come in one query, each within its organization.
    """
    if not audit_events:
        return {}
    organizations = {event.organization_id for event in audit_events}
    if listening is None:
        listening = WebhookSubscription.objects.filter(
            organization_id__in=organizations, deleted_at__isnull=True
        ).exists()
    if not listening:
        return {}
    ids = {event.object_id for event in audit_events}
    found = Credential.objects.select_related("group", "organization").filter(
        pk__in=ids, organization_id__in=organizations
    )
    return {(credential.organization_id, credential.pk): credential for credential in found}
