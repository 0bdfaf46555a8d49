"""Credential use cases: the only way groups and credentials are written.

Every front door (web form, API, bulk worker, CLI) calls these, so a credential issued by
any of them passes the same prerequisites, recipient check and quota. Each service runs in
one transaction, records an AuditEvent, and returns a model or raises a DomainError.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from laurel.credentials import rules, validation
from laurel.credentials.issue_reads import IssuingContext, lock_for_issuing
from laurel.credentials.models import Credential, CredentialGroup
from laurel.credentials.selectors import get_group, recipient_check_for
from laurel.credentials.signing import signed_document
from laurel.credentials.status_lists import allocate_slot, set_bit
from laurel.mail.models import EmailDelivery
from laurel.mail.services import queue_issuance_email
from laurel.organizations import audit
from laurel.organizations.errors import (
    Cooldown,
    CredentialExists,
    EmailsDisabled,
    GroupNotFound,
    InvalidStatus,
    NoSigningKey,
    OrganizationNotApproved,
    ValidationError,
)
from laurel.organizations.models import Organization, SigningKey
from laurel.organizations.permissions import Actor, require
from laurel.organizations.quota import count_recipient
from laurel.organizations.tenancy import get_scoped
from laurel.vc.errors import VCError

DRAFT_EXISTS = (
    "A draft for this recipient is waiting to be published; publish or delete it, "
    "or allow duplicates in the group settings."
)

# --- groups ----------------------------------------------------------------------------

GROUP_FIELDS = validation.GROUP_FIELDS


@transaction.atomic
def create_group(*, actor: Actor, **fields) -> CredentialGroup:
    """A new credential group (the Achievement); fields as in GROUP_FIELDS, title required."""
    require(actor, "manage_groups")
    group = CredentialGroup.objects.create(
        organization=actor.organization, **validation.group_fields(fields)
    )
    audit.record(actor, "group.created", group, data={"title": group.title, "key": group.key})
    return group


@transaction.atomic
def update_group(*, actor: Actor, group_key: str, **fields) -> CredentialGroup:
    """Change a group's fields; credentials already signed keep what they were signed with."""
    require(actor, "manage_groups")
    group = get_group(actor.organization, key=group_key)
    clean = validation.group_fields(fields, current=group)
    for field, value in clean.items():
        setattr(group, field, value)
    group.save()
    audit.record(actor, "group.updated", group, data={"fields": sorted(clean)})
    return group


# --- issuing ---------------------------------------------------------------------------


def require_issuing_prerequisites(
    actor: Actor, context: IssuingContext, action: str = "issue"
) -> SigningKey:
    """Approved, an active signing key, a role that may `action` — in that order.

    `context` is what lock_for_issuing read after the lock; returns the key that signs.
    """
    if context.organization.status != Organization.Status.APPROVED:
        raise OrganizationNotApproved()
    if context.signing_key is None:
        raise NoSigningKey()
    require(actor, action)
    return context.signing_key


def _blocked(check: rules.RecipientCheck) -> CredentialExists:
    message = DRAFT_EXISTS if check.state == rules.DRAFT_PENDING else None
    return CredentialExists(message, state=check.state, existing_id=check.existing_id)


def _check_and_count(
    organization: Organization,
    group: CredentialGroup,
    email: str,
    *,
    now: datetime,
    exclude_id: str | None = None,
) -> rules.RecipientCheck:
    """The recipient check for (group, email) — CredentialExists when it blocks — then the
    recipient counted against the quota (QuotaExceeded when there is no room). Called with
    the organization locked, by an issue and by a draft given a new email."""
    check = recipient_check_for(group, email, now=now, exclude_id=exclude_id)
    if check.blocked:
        raise _blocked(check)
    count_recipient(
        organization=organization, email_normalized=rules.normalize_email(email), now=now
    )
    return check


def _dates(group: CredentialGroup, issued_on: datetime, valid_until: datetime | None):
    """(issued_on, valid_until): the policy's expiry unless the issuer gave one."""
    if valid_until is None:
        valid_until = rules.valid_until_for(
            unit=group.expiry_unit, amount=group.expiry_amount, issued_on=issued_on
        )
    return issued_on, valid_until


@transaction.atomic
def issue(
    *,
    actor: Actor,
    group_key: str,
    recipient_name: str,
    recipient_email: str,
    evidence_url: str | None = "",
    privacy: str | None = None,
    custom_attributes: dict | None = None,
    issued_on: datetime | None = None,
    valid_until: datetime | None = None,
    draft: bool = False,
    now: datetime | None = None,
) -> Credential:
    """Issue one credential: prerequisites → recipient check → quota → supersede → store.

    With `draft=True` it stays a draft; otherwise it is published (signed) at once.
    issued_on / valid_until, when given, override the publish time and the group's policy.
    """
    now = now or timezone.now()
    context = lock_for_issuing(actor.organization, group_key=group_key)
    key = require_issuing_prerequisites(actor, context, "issue")
    group = context.group
    if group is None:
        raise GroupNotFound()
    name, email = validation.recipient(recipient_name, recipient_email)
    attributes = validation.custom_attributes(group, custom_attributes)
    evidence = validation.url(evidence_url, field="evidence_url")
    chosen_privacy = validation.privacy(privacy, default=group.default_privacy)
    custom_issued_on, custom_valid_until = validation.dates(issued_on, valid_until)

    check = _check_and_count(context.organization, group, email, now=now)
    start, end = _dates(group, custom_issued_on or now, custom_valid_until)
    credential = Credential(
        organization=context.organization,
        group=group,
        recipient_name=name,
        recipient_email=email,
        recipient_email_normalized=rules.normalize_email(email),
        issued_on=start,
        valid_until=end,
        custom_dates=custom_issued_on is not None or custom_valid_until is not None,
        privacy=chosen_privacy,
        evidence_url=evidence,
        custom_attributes=attributes,
        supersedes_id=check.supersedes_id,
    )
    issued = {"state": check.state, "draft": draft, "supersedes": check.supersedes_id}
    if draft:
        credential.save()
        _record(actor, context, [("credential.issued", credential, issued)])
    else:  # signed before it is stored: one INSERT, no UPDATE
        _publish(actor, context, credential, key=key, now=now, issued=issued)
    return credential


# --- changing a credential -------------------------------------------------------------

# What a draft may change; a published credential may change its valid_until alone, a
# revoked one nothing (update_credential).
DRAFT_FIELDS = (
    "recipient_name",
    "recipient_email",
    "evidence_url",
    "privacy",
    "custom_attributes",
    "issued_on",
    "valid_until",
)


@transaction.atomic
def update_credential(
    *, actor: Actor, credential_id: str, now: datetime | None = None, **changes
) -> Credential:
    """Change a credential; what may change depends on its status, decided here for every
    door (API dialects, web form):

    - a draft: any of DRAFT_FIELDS (a new email is checked and counted again);
    - a published credential: `valid_until` alone (None = never expires), signed again;
    - anything else, or a revoked credential: InvalidStatus.
    """
    unknown = set(changes) - set(DRAFT_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationError(f"A draft has no field {name!r} to change.", field=name)
    now = now or timezone.now()
    context = lock_for_issuing(actor.organization)
    credential = _locked_credential(context.organization, credential_id)
    if credential.status == Credential.Status.DRAFT:
        require(actor, "update_draft")
        _edit_draft(actor, context, credential, changes, now=now)
    elif set(changes) == {"valid_until"}:
        key = require_issuing_prerequisites(actor, context, "publish")
        if credential.status != Credential.Status.PUBLISHED:
            raise InvalidStatus(
                f"Only a published credential's expiry can change; this one is {credential.status}."
            )
        _change_expiry(actor, credential, changes["valid_until"], key=key, now=now)
    else:
        raise InvalidStatus(f"Only drafts can be edited; this credential is {credential.status}.")
    return credential


def _edit_draft(
    actor: Actor, context: IssuingContext, credential: Credential, changes: dict, *, now
) -> None:
    group = credential.group
    name, email = validation.recipient(
        changes.get("recipient_name", credential.recipient_name),
        changes.get("recipient_email", credential.recipient_email),
    )
    if rules.normalize_email(email) != credential.recipient_email_normalized:
        check = _check_and_count(
            context.organization, group, email, now=now, exclude_id=credential.id
        )
        credential.supersedes_id = check.supersedes_id
    credential.recipient_name, credential.recipient_email = name, email
    credential.recipient_email_normalized = rules.normalize_email(email)
    if "evidence_url" in changes:
        credential.evidence_url = validation.url(changes["evidence_url"], field="evidence_url")
    if "privacy" in changes:
        credential.privacy = validation.privacy(changes["privacy"], default=credential.privacy)
    if "custom_attributes" in changes:
        credential.custom_attributes = validation.custom_attributes(
            group, changes["custom_attributes"]
        )
    if "issued_on" in changes or "valid_until" in changes:
        start, end = validation.dates(
            changes.get("issued_on", credential.issued_on if credential.custom_dates else None),
            changes.get("valid_until", credential.valid_until if credential.custom_dates else None),
        )
        credential.custom_dates = start is not None or end is not None
        credential.issued_on, credential.valid_until = _dates(group, start or now, end)
    credential.save()
    audit.record(actor, "credential.draft_updated", credential, data={"fields": sorted(changes)})


def _change_expiry(
    actor: Actor, credential: Credential, valid_until, *, key: SigningKey, now: datetime
) -> None:
    """Set when a published credential expires (None = never) and sign it again."""
    valid_until = validation.moment(valid_until, field="valid_until")
    if valid_until is not None and valid_until <= credential.issued_on:
        raise ValidationError(
            "valid_until must be after the credential was issued.", field="valid_until"
        )
    before = credential.valid_until
    credential.valid_until = valid_until
    credential.custom_dates = True
    credential.document = _sign(credential, key=key, now=now)
    credential.save()
    audit.record(
        actor,
        "credential.expiry_changed",
        credential,
        data={
            "before": before.isoformat() if before else None,
            "after": valid_until.isoformat() if valid_until else None,
        },
    )


@transaction.atomic
def delete_draft(*, actor: Actor, credential_id: str) -> None:
    """Delete an unpublished draft (a recipient counted this month stays counted)."""
    require(actor, "update_draft")
    credential = _locked_credential(actor.organization, credential_id)
    if credential.status != Credential.Status.DRAFT:
        raise InvalidStatus(f"Only drafts can be deleted; this credential is {credential.status}.")
    audit.record(
        actor, "credential.draft_deleted", credential, data={"email": credential.recipient_email}
    )
    credential.delete()


# --- publish ---------------------------------------------------------------------------


@transaction.atomic
def publish(*, actor: Actor, credential_id: str, now: datetime | None = None) -> Credential:
    """Sign a draft and publish it: dates, status-list slot, signed document, email."""
    now = now or timezone.now()
    context = lock_for_issuing(actor.organization)
    credential = _locked_credential(context.organization, credential_id)
    key = require_issuing_prerequisites(actor, context, "publish")
    if credential.status != Credential.Status.DRAFT:
        raise InvalidStatus(
            f"Only drafts can be published; this credential is {credential.status}."
        )
    _publish(actor, context, credential, key=key, now=now)
    return credential


def _publish(
    actor: Actor,
    context: IssuingContext,
    credential: Credential,
    *,
    key: SigningKey,
    now: datetime,
    issued: dict | None = None,
) -> None:
    """Sign and store `credential`; `issued` (the issue's audit data) when it is not
    stored yet, being issued and published at once."""
    # The group and the key belong to the locked organization: give them that row, so
    # signing does not read it again for the DID and the achievement id.
    credential.group.organization = context.organization
    key.organization = context.organization
    if not credential.custom_dates:
        credential.issued_on, credential.valid_until = _dates(credential.group, now, None)
    _retire_superseded(actor, context, credential, now=now)
    credential.status_list, credential.status_list_index = allocate_slot(
        context.organization, now=now
    )
    credential.status = Credential.Status.PUBLISHED
    credential.document = _sign(credential, key=key, now=now)
    credential.save()
    published = {
        "status_list": credential.status_list.list_id,
        "index": credential.status_list_index,
    }
    events = [("credential.published", credential, published)]
    if issued is not None:
        events.insert(0, ("credential.issued", credential, issued))
    _record(actor, context, events)
    queue_issuance_email(credential=credential)


def _record(actor: Actor, context: IssuingContext, events: list) -> None:
    """Audit events of the issue path, with what the context knows (whether webhooks
    listen: the webhook announcer then asks nothing when nobody does)."""
    audit.record_many(
        actor, events, organization=context.organization, webhooks_listen=context.webhooks_listen
    )


def _retire_superseded(
    actor: Actor, context: IssuingContext, credential: Credential, *, now: datetime
) -> None:
    """A renewal of a still-valid time-bound credential revokes it (reason: superseded)."""
    if credential.supersedes_id is None:
        return
    old = Credential.objects.select_for_update().filter(pk=credential.supersedes_id).first()
    if old is None:  # deleted since the check (a draft, say): nothing to retire
        return
    if old.status == Credential.Status.PUBLISHED and not old.is_expired(now):
        _revoke(actor, old, reason=rules.SUPERSEDED_REASON, now=now, context=context)


# --- revoke, resend --------------------------------------------------------------------


@transaction.atomic
def revoke(
    *, actor: Actor, credential_id: str, reason: str = "", now: datetime | None = None
) -> Credential:
    """Revoke a published credential (Owner/Admin): its status-list bit is set at once."""
    require(actor, "revoke")
    reason = validation.text(
        reason, field="reason", max_length=validation.max_length(Credential, "revocation_reason")
    )
    credential = _locked_credential(actor.organization, credential_id)
    if credential.status != Credential.Status.PUBLISHED:
        raise InvalidStatus(
            f"Only published credentials can be revoked; this one is {credential.status}."
        )
    _revoke(actor, credential, reason=reason, now=now or timezone.now())
    return credential


def _revoke(
    actor: Actor,
    credential: Credential,
    *,
    reason: str,
    now: datetime,
    context: IssuingContext | None = None,
) -> None:
    credential.status = Credential.Status.REVOKED
    credential.revoked_at = now
    credential.revocation_reason = reason
    credential.save(update_fields=["status", "revoked_at", "revocation_reason", "updated_at"])
    if credential.status_list_id is not None:
        set_bit(credential.status_list, credential.status_list_index, True, now=now)
    event = [("credential.revoked", credential, {"reason": reason})]
    if context is not None:  # a renewal: the issue's context knows who listens
        _record(actor, context, event)
    else:
        audit.record_many(actor, event)


@transaction.atomic
def resend_email(*, actor: Actor, credential_id: str, now: datetime | None = None):
    """Send the issuance email again (Owner/Admin); once a week unless the last one failed."""
    require(actor, "resend_email")
    now = now or timezone.now()
    credential = _locked_credential(actor.organization, credential_id)
    if credential.status != Credential.Status.PUBLISHED:
        raise InvalidStatus(
            f"Only published credentials are emailed; this one is {credential.status}."
        )
    last = (
        EmailDelivery.objects.filter(credential=credential).order_by("-created_at", "-id").first()
    )
    available_at = rules.resend_available_at(
        last_status=last.status if last else None,
        last_at=(last.sent_at or last.created_at) if last else None,
        cooldown=timedelta(days=settings.LAUREL_RESEND_COOLDOWN_DAYS),
        now=now,
    )
    if available_at is not None:  # the same rule the credentials list shows
        raise Cooldown(
            f"The email was sent less than {settings.LAUREL_RESEND_COOLDOWN_DAYS} days ago; "
            f"it can be sent again after {available_at:%Y-%m-%d %H:%M} UTC.",
            retry_after=int((available_at - now).total_seconds()) + 1,
        )
    credential.organization = Organization.objects.get(pk=credential.organization_id)
    delivery = queue_issuance_email(credential=credential, kind=EmailDelivery.Kind.RESEND)
    if delivery is None:
        raise EmailsDisabled()
    audit.record(actor, "credential.email_resent", credential, data={"delivery_id": delivery.pk})
    return delivery


def _sign(credential: Credential, *, key: SigningKey, now: datetime) -> dict:
    """The signed document; what laurel.vc refuses becomes a one-line validation error."""
    try:
        return signed_document(credential, key=key, now=now)
    except VCError as error:
        raise ValidationError(f"The credential could not be signed: {error}") from None


def _locked_credential(organization: Organization, credential_id: str) -> Credential:
    """The organization's credential, locked for this transaction; NotFound otherwise."""
    if not isinstance(credential_id, str):
        credential_id = str(credential_id)
    credential = get_scoped(Credential.objects.select_for_update(), organization, pk=credential_id)
    credential.organization = organization  # the caller's (possibly locked) row
    return credential
