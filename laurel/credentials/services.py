"""Credential use cases: the only way groups and credentials are written.

Every front door (web form, API, bulk worker, CLI) calls these, so a credential issued by
any of them passes the same prerequisites, recipient check and quota. Each service runs in
one transaction, records an AuditEvent, and returns a model or raises a DomainError.

Row locks are taken in one order, so that two services never wait for each other
(PostgreSQL would abort one of them with a deadlock): the organization first, then
credentials, then status lists. Whatever locks a credential and then a status list
(publish, revoke, a renewal's supersede) holds the organization's lock already; only
taking slots without it (a bulk chunk's reservation) locks a status list alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from laurel import rows as db_rows
from laurel.credentials import rules, validation
from laurel.credentials.issue_reads import IssuingContext, lock_for_issuing
from laurel.credentials.models import Credential, CredentialGroup, StatusList
from laurel.credentials.selectors import get_group, recipient_check_for
from laurel.credentials.signing import signed_document, signed_documents
from laurel.credentials.status_lists import allocate_slots, set_bit, set_bits
from laurel.mail.models import EmailDelivery
from laurel.mail.services import queue_issuance_email, queue_issuance_emails
from laurel.organizations import audit
from laurel.organizations.errors import (
    Cooldown,
    CredentialExists,
    DomainError,
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
from laurel.organizations.selectors import lock_organization
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


def admit(check: rules.RecipientCheck, count: Callable[[], object]) -> rules.RecipientCheck:
    """The issue rule once the recipient check is known: a blocked check refuses
    (CredentialExists), otherwise `count()` counts the recipient against the quota
    (QuotaExceeded when there is no room). Pure: the check and the counter come from the
    caller (one issue's own reads, or a batch's), so `issue`, `issue_many` and a draft
    given a new email decide alike."""
    if check.blocked:
        raise _blocked(check)
    count()
    return check


def _check_and_count(
    organization: Organization,
    group: CredentialGroup,
    email: str,
    *,
    now: datetime,
    exclude_id: str | None = None,
) -> rules.RecipientCheck:
    """`admit` with the stored recipient check for (group, email) and the quota's own
    count. Called with the organization locked, by an issue and by a draft given a new email."""
    return admit(
        recipient_check_for(group, email, now=now, exclude_id=exclude_id),
        lambda: count_recipient(
            organization=organization, email_normalized=rules.normalize_email(email), now=now
        ),
    )


def _dates(group: CredentialGroup, issued_on: datetime, valid_until: datetime | None):
    """(issued_on, valid_until): the policy's expiry unless the issuer gave one."""
    if valid_until is None:
        valid_until = rules.valid_until_for(
            unit=group.expiry_unit, amount=group.expiry_amount, issued_on=issued_on
        )
    return issued_on, valid_until


@dataclass(frozen=True)
class IssueOptions:
    """What applies to every credential of one issue call (or of a batch), validated once."""

    privacy: str
    issued_on: datetime | None  # given by the issuer, else None (the publish time)
    valid_until: datetime | None  # given by the issuer, else None (the group's policy)
    draft: bool


def issue_options(
    group: CredentialGroup,
    *,
    privacy: str | None,
    issued_on: datetime | None,
    valid_until: datetime | None,
    draft: bool,
) -> IssueOptions:
    chosen_privacy = validation.privacy(privacy, default=group.default_privacy)
    custom_issued_on, custom_valid_until = validation.dates(issued_on, valid_until)
    return IssueOptions(chosen_privacy, custom_issued_on, custom_valid_until, bool(draft))


def build_new_credential(
    context: IssuingContext,
    *,
    recipient_name: str,
    recipient_email: str,
    custom_attributes: dict | None,
    evidence_url: str | None,
    options: IssueOptions | Callable[[], IssueOptions],
    now: datetime,
) -> Credential:
    """The first half of the issue rule, which reads nothing: the row's fields validated,
    then the options (a callable: validated once for a batch, after the row's own fields
    as a single issue does), then the unsaved Credential (nothing superseded yet)."""
    group = context.group
    name, email = validation.recipient(recipient_name, recipient_email)
    attributes = validation.custom_attributes(group, custom_attributes)
    evidence = validation.url(evidence_url, field="evidence_url")
    if callable(options):
        options = options()
    start, end = _dates(group, options.issued_on or now, options.valid_until)
    return Credential(
        organization=context.organization,
        group=group,
        recipient_name=name,
        recipient_email=email,
        recipient_email_normalized=rules.normalize_email(email),
        issued_on=start,
        valid_until=end,
        custom_dates=options.issued_on is not None or options.valid_until is not None,
        privacy=options.privacy,
        evidence_url=evidence,
        custom_attributes=attributes,
    )


def admit_credential(
    credential: Credential,
    *,
    check_for: Callable[[str], rules.RecipientCheck],
    count: Callable[[str], object],
) -> rules.RecipientCheck:
    """The second half, with the organization locked: `admit` (the recipient check from
    `check_for(email)`, then `count(email normalized)` against the quota), and what the
    new credential supersedes."""
    check = admit(
        check_for(credential.recipient_email),
        lambda: count(credential.recipient_email_normalized),
    )
    credential.supersedes_id = check.supersedes_id
    return check


def new_credential(
    context: IssuingContext,
    *,
    recipient_name: str,
    recipient_email: str,
    custom_attributes: dict | None,
    evidence_url: str | None,
    options: IssueOptions | Callable[[], IssueOptions],
    check_for: Callable[[str], rules.RecipientCheck],
    count: Callable[[str], object],
    now: datetime,
) -> tuple[Credential, rules.RecipientCheck]:
    """The issue rule for one recipient, for `issue` and `issue_many` alike:
    `build_new_credential`, then `admit_credential`. `check_for` and `count` are the single
    issue's own reads or the batch's."""
    credential = build_new_credential(
        context,
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        custom_attributes=custom_attributes,
        evidence_url=evidence_url,
        options=options,
        now=now,
    )
    return credential, admit_credential(credential, check_for=check_for, count=count)


def issued_data(check: rules.RecipientCheck, draft: bool) -> dict:
    """The `credential.issued` audit event's data."""
    return {"state": check.state, "draft": draft, "supersedes": check.supersedes_id}


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
    organization = context.organization
    credential, check = new_credential(
        context,
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        custom_attributes=custom_attributes,
        evidence_url=evidence_url,
        options=lambda: issue_options(
            group, privacy=privacy, issued_on=issued_on, valid_until=valid_until, draft=draft
        ),
        check_for=lambda email: recipient_check_for(group, email, now=now),
        count=lambda normalized: count_recipient(
            organization=organization, email_normalized=normalized, now=now
        ),
        now=now,
    )
    issued = issued_data(check, draft)
    if draft:
        store_drafts(actor, context, [credential], [issued])
        return credential
    # signed before it is stored: one INSERT, no UPDATE
    prepare_for_publishing(context, [credential], key=key, now=now)
    document = sign_all([credential], key=key, now=now)[0]
    if isinstance(document, DomainError):
        raise document
    credential.document = document
    store_published(actor, context, [credential], now=now, issued=[issued])
    return credential


def store_drafts(
    actor: Actor, context: IssuingContext, credentials: list[Credential], issued: list[dict]
) -> None:
    """Store new drafts and their `credential.issued` events."""
    db_rows.insert(credentials)
    _record(
        actor,
        context,
        [
            ("credential.issued", credential, data)
            for credential, data in zip(credentials, issued, strict=True)
        ],
    )


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
    prepare_for_publishing(context, [credential], key=key, now=now)
    document = sign_all([credential], key=key, now=now)[0]
    if isinstance(document, DomainError):
        raise document
    credential.document = document
    store_published(actor, context, [credential], now=now)
    return credential


def prepare_for_publishing(
    context: IssuingContext,
    credentials: list[Credential],
    *,
    key: SigningKey,
    now: datetime,
    slots: list | None = None,
) -> None:
    """Dates, status-list slots (one statement for the lot, unless reserved `slots` are
    given, one per credential) and the published status, on credentials about to be
    signed and stored."""
    # The groups and the key belong to the locked organization: give them that row, so
    # signing does not read it again for the DID and the achievement id.
    key.organization = context.organization
    for credential in credentials:
        credential.group.organization = context.organization
        credential.organization = context.organization
        if not credential.custom_dates:
            credential.issued_on, credential.valid_until = _dates(credential.group, now, None)
    if slots is None:
        slots = allocate_slots(context.organization, len(credentials), now=now)
    for credential, (status_list, index) in zip(credentials, slots, strict=True):
        credential.status_list, credential.status_list_index = status_list, index
        credential.status = Credential.Status.PUBLISHED


def sign_all(
    credentials: list[Credential], *, key: SigningKey, now: datetime
) -> list[dict | ValidationError]:
    """Each credential's signed document, or the one-line error laurel.vc refused it with."""
    return signing_outcomes(signed_documents(credentials, key=key, now=now))


def signing_outcomes(documents: list) -> list[dict | ValidationError]:
    """Signed documents as the issue path gives them: a VCError worded as a ValidationError."""
    outcomes: list[dict | ValidationError] = []
    for document in documents:
        if isinstance(document, VCError):
            document = ValidationError(f"The credential could not be signed: {document}")
        outcomes.append(document)
    return outcomes


def store_published(
    actor: Actor,
    context: IssuingContext,
    credentials: list[Credential],
    *,
    now: datetime,
    issued: list[dict] | None = None,
    locked: bool = True,
) -> Callable[[], None] | None:
    """Store signed credentials: the credentials (new ones in one INSERT; drafts being
    published saved; the still-valid ones they renew read first, with their row lock),
    their emails queued, then the renewed ones revoked (superseded: one UPDATE, each
    status list flipped once) and the audit events written in one INSERT. `issued` (the
    issue's audit data, one per credential) when they are new, being issued and published
    at once.

    `locked=False`, for a bulk batch writing ahead of the organization's lock (its
    rows are new, nobody else's): only the new rows are written (the credentials, their
    emails); what touches shared rows, or must follow them, is returned, to be called
    once the lock is held: the renewed credentials read again with their row lock
    (`SupersededChanged` if they are no longer those read without it), revoked, their
    status lists flipped, and the audit events recorded (after the revocation, so their
    listeners see it)."""
    old = _superseded(credentials, now=now, lock=locked)
    renewed_here = _renewed_here(credentials, now=now)
    _mark_revoked(renewed_here, now=now)  # stored revoked
    if issued is not None:
        db_rows.insert(credentials)
    else:
        for credential in credentials:
            credential.save()
    events: list = []
    for position, credential in enumerate(credentials):
        published = {
            "status_list": credential.status_list.list_id,
            "index": credential.status_list_index,
        }
        if issued is not None:
            events.append(("credential.issued", credential, issued[position]))
        events.append(("credential.published", credential, published))
    if len(credentials) == 1:
        queue_issuance_email(credential=credentials[0])
    else:
        queue_issuance_emails(credentials, organization=context.organization)

    def under_the_lock() -> None:
        retired = old
        if not locked:
            retired = _superseded(credentials, now=now, lock=True)
            if {c.pk for c in retired} != {c.pk for c in old}:
                raise SupersededChanged()
        _retire(retired, renewed_here, now=now)
        before, after = (
            [
                ("credential.revoked", credential, {"reason": rules.SUPERSEDED_REASON})
                for credential in revoked
            ]
            for revoked in (retired, renewed_here)
        )
        _record(actor, context, before + events + after)

    if locked:
        under_the_lock()
        return None
    return under_the_lock


class SupersededChanged(Exception):
    """The credentials a batch written ahead of the lock renews changed before it got the
    lock (revoked, say): the batch must be done again under the lock."""


def _record(actor: Actor, context: IssuingContext, events: list) -> None:
    """Audit events of the issue path, with what the context knows (whether webhooks
    listen: the webhook announcer then asks nothing when nobody does)."""
    audit.record_many(
        actor, events, organization=context.organization, webhooks_listen=context.webhooks_listen
    )


def _superseded(credentials: list[Credential], *, now: datetime, lock: bool) -> list[Credential]:
    """The stored, still-valid time-bound credentials that `credentials` renew (a renewal
    revokes them: superseded), read in one statement, with their row lock when `lock`.
    Gone since the check (a deleted draft, say), expired or revoked: nothing to retire."""
    ours = {credential.pk for credential in credentials}
    ids = [c.supersedes_id for c in credentials if c.supersedes_id and c.supersedes_id not in ours]
    if not ids:
        return []
    found = Credential.objects.filter(pk__in=ids, status=Credential.Status.PUBLISHED)
    if lock:
        found = found.select_for_update()
    return [
        credential
        for credential in found.only(
            "id", "organization_id", "status", "valid_until", "status_list_id", "status_list_index"
        )
        if not credential.is_expired(now)
    ]


def _renewed_here(credentials: list[Credential], *, now: datetime) -> list[Credential]:
    """What a batch renews among its own credentials (an email twice in it): revoked
    before it is stored."""
    ours = {credential.pk: credential for credential in credentials}
    return [
        ours[c.supersedes_id]
        for c in credentials
        if c.supersedes_id in ours
        and ours[c.supersedes_id].status == Credential.Status.PUBLISHED
        and not ours[c.supersedes_id].is_expired(now)
    ]


def _mark_revoked(credentials: list[Credential], *, now: datetime) -> None:
    for credential in credentials:
        credential.status, credential.revoked_at = Credential.Status.REVOKED, now
        credential.revocation_reason = rules.SUPERSEDED_REASON


def _retire(old: list[Credential], renewed_here: list[Credential], *, now: datetime) -> None:
    """Revoke the stored credentials renewed (one UPDATE), and flip the status-list bit of
    those and of the batch's own renewed ones (each list flipped and signed once)."""
    if old:
        Credential.objects.filter(pk__in=[credential.pk for credential in old]).update(
            status=Credential.Status.REVOKED,
            revoked_at=now,
            revocation_reason=rules.SUPERSEDED_REASON,
            updated_at=now,
        )
    _mark_revoked(old, now=now)
    bits: dict[int, list[int]] = {}
    for credential in old + renewed_here:
        if credential.status_list_id is not None:
            bits.setdefault(credential.status_list_id, []).append(credential.status_list_index)
    for status_list_id, indexes in bits.items():
        set_bits(StatusList(pk=status_list_id), indexes, True, now=now)


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
    # The organization before the credential, as the issue path: a renewal holds the
    # organization and a status list when it locks the credential it supersedes.
    organization = lock_organization(actor.organization)
    credential = _locked_credential(organization, credential_id)
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
