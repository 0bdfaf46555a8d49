"""Webhook events from the audit log: every write of the domain records an AuditEvent in
its transaction, so announcing from there covers every door (web, API, bulk, CLI) and
commits or rolls back with the change itself."""

from __future__ import annotations

from django.dispatch import receiver

from laurel.credentials.models import Credential
from laurel.organizations.audit import recorded
from laurel.organizations.models import AuditEvent
from laurel.webhooks.models import Event, WebhookSubscription
from laurel.webhooks.services import emit, emit_credential_event

CREDENTIAL_ACTIONS = {
    "credential.issued": Event.CREDENTIAL_ISSUED,
    "credential.published": Event.CREDENTIAL_PUBLISHED,
    "credential.revoked": Event.CREDENTIAL_REVOKED,
}
BULK_JOB_COMPLETED = "bulk_job.completed"


@receiver(recorded, sender=AuditEvent, dispatch_uid="laurel.webhooks.audit")
def announce_audited_change(
    sender, event: AuditEvent, webhooks_listen: bool | None = None, **kwargs
) -> None:
    if event.organization_id is None:
        return
    if event.action in CREDENTIAL_ACTIONS:
        _announce_credential(event, webhooks_listen)
    elif event.action == BULK_JOB_COMPLETED:
        emit(
            Event.BULK_JOB_COMPLETED,
            organization_id=event.organization_id,
            data={"bulk_job": {"id": event.object_id, **event.data}},
        )


def _announce_credential(audit_event: AuditEvent, listening: bool | None) -> None:
    # The issue path says whether anyone listens (it read it with its lock); otherwise one
    # indexed query asks.
    if listening is None:
        listening = WebhookSubscription.objects.filter(
            organization_id=audit_event.organization_id, deleted_at__isnull=True
        ).exists()
    if not listening:
        return
    credential = (
        Credential.objects.select_related("group", "organization")
        .filter(pk=audit_event.object_id, organization_id=audit_event.organization_id)
        .first()
    )
    if credential is None:
        return
    emit_credential_event(CREDENTIAL_ACTIONS[audit_event.action], credential)
    if audit_event.action == "credential.published" and credential.supersedes_id:
        emit_credential_event(Event.CREDENTIAL_RENEWED, credential)
