"""Issue many credentials of one group in one transaction: the bulk worker's issue path.

`issue_many` gives each row what `services.issue` would give it (a Credential, or the
DomainError that refused it), in row order, as if the rows were issued one after the other
in one transaction; a refused row leaves nothing behind. The rule is `issue`'s own:
each row goes through `services.new_credential` (validation, the recipient check through
`rules.check_prior`, `admit`, the quota), and is stored by the same `store_drafts` /
`prepare_for_publishing` / `sign_all` / `store_published` steps. Only the reads and writes
are batched, so a batch costs a handful of statements rather than a dozen per row:

- the organization locked once (`lock_for_issuing`), the prerequisites checked once;
- the recipients' earlier credentials of the group in one SELECT a thousand emails
  (`issue_reads.recipients_credentials`), kept up to date in memory as rows are admitted
  (so an email twice in one batch is decided as two issues in a row would decide it);
- the quota read once and written in one INSERT (`quota.QuotaBatch`, under the lock);
- the status-list slots in one UPDATE, the renewed credentials revoked in one UPDATE (each
  list flipped and signed once), the credentials in one INSERT, the audit events in one,
  the emails and their send tasks in one each, the webhooks in one each.

Known difference, by choice: a row whose signature laurel.vc refuses (its text passed the
validation, which asks for the same) fails after the recipient check admitted it, so a
later row of the same email in the same batch was decided as if it had been issued.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from laurel.credentials import rules, services, signing
from laurel.credentials.issue_reads import lock_for_issuing, recipients_credentials
from laurel.credentials.models import Credential
from laurel.credentials.rules import PriorCredential
from laurel.organizations.errors import DomainError, GroupNotFound
from laurel.organizations.permissions import Actor
from laurel.organizations.quota import QuotaBatch
from laurel.rows import JSONText
from laurel.vc.signer import SignerGone, SigningProcess, document_text


@dataclass(frozen=True)
class IssueRow:
    name: str
    email: str
    custom_attributes: dict | None = None


@transaction.atomic
def issue_many(
    *,
    actor: Actor,
    group_key: str,
    rows: Sequence[IssueRow],
    draft: bool = False,
    issued_on: datetime | None = None,
    valid_until: datetime | None = None,
    privacy: str | None = None,
    now: datetime | None = None,
    slots: list | None = None,
    ahead: SignedAhead | None = None,
    write_ahead: bool | None = None,
) -> list[Credential | DomainError]:
    """One outcome per row, in order: the credential issued, or why it was refused.

    `slots`, status-list slots reserved ahead (`status_lists.reserved_slots`, one per row),
    let the batch build and sign its credentials *before* it takes the organization's
    lock, so that workers sharing a job sign at the same time and queue only for the
    writes; what was signed is kept only if the organization, its key and the group read
    under the lock are what it was signed with (else it is all done again under the lock).
    Without them the slots are taken under the lock, in one statement. `ahead`, what
    `sign_ahead` made of these very rows, slots and options (a bulk worker signs the next
    batch while it writes this one), is used instead of signing them here.

    `write_ahead` (default: on PostgreSQL, where workers share a job; SQLite has one
    writer at a time anyway), for a batch signed ahead: its new rows are written before
    the lock too (`_issue_ahead_of_the_lock`), and the lock held only to check that every
    decision still stands and to write what touches shared rows.
    """
    now = now or timezone.now()
    if not rows:
        return []
    if ahead is None and slots is not None and not draft and len(slots) == len(rows):
        ahead = sign_ahead(
            actor,
            group_key,
            rows,
            issued_on=issued_on,
            valid_until=valid_until,
            privacy=privacy,
            now=now,
            slots=slots,
        )
    if write_ahead is None:
        write_ahead = connection.vendor == "postgresql"
    if ahead is not None and write_ahead and not draft:
        written = _issue_ahead_of_the_lock(
            actor,
            group_key,
            rows,
            ahead,
            issued_on=issued_on,
            valid_until=valid_until,
            privacy=privacy,
            now=now,
        )
        if written is not None:
            return written
        ahead = None  # something changed meanwhile: all of it again, under the lock
    context = lock_for_issuing(actor.organization, group_key=group_key)
    try:
        key = services.require_issuing_prerequisites(actor, context, "issue")
        if context.group is None:
            raise GroupNotFound()
    except DomainError as error:  # refused for every row, as each issue would be
        return [error] * len(rows)
    if ahead is not None and ahead.signed_with != _signing_inputs(context):
        ahead = None  # the key, the organization or the group changed meanwhile
    options = _options(context, privacy, issued_on, valid_until, draft)
    decided = _decide(context, rows, options, ahead, draft=draft, now=now)
    _store(actor, context, key, decided, ahead, draft=draft, slots=slots, now=now)
    decided.quota.save()
    return decided.result()


def _issue_ahead_of_the_lock(
    actor: Actor,
    group_key: str,
    rows: Sequence[IssueRow],
    ahead: SignedAhead,
    *,
    issued_on: datetime | None,
    valid_until: datetime | None,
    privacy: str | None,
    now: datetime,
) -> list[Credential | DomainError] | None:
    """Issue a batch signed ahead with its new rows written before the organization's lock
    (in a savepoint); None, with nothing left written, when a decision made without the
    lock no longer stands once it is held. Rolling the savepoint back also gives the lock
    back (PostgreSQL releases the row locks taken in it): the caller then queues for the
    lock again and does all of it under the lock, signing again (what was built ahead was
    changed by this attempt; a rare case: another issuer changed these very recipients,
    the quota refused a row, or a signature was refused).

    Without the lock: the context, the recipients' earlier credentials and the quota read,
    each row decided by the same rule, the credentials, emails and send tasks inserted
    (rows nobody else can touch). Then the lock, and under it: the context must be the
    one signed with and the same reads must give every row the same decision (the batch's
    own new credentials left out of them), the renewed credentials read again with their
    row lock must be the same; then they are revoked, the audit events recorded and the
    quota written. What other issuers commit meanwhile is what the reads under the lock
    see (READ COMMITTED: each statement reads what was committed when it began), so a
    decision that stands under the lock is the one the locked path would have made."""
    context = lock_for_issuing(actor.organization, group_key=group_key, lock=False)
    if ahead.signed_with != _signing_inputs(context) or context.group is None:
        return None
    try:
        key = services.require_issuing_prerequisites(actor, context, "issue")
    except DomainError:
        return None  # the locked path says why
    options = _options(context, privacy, issued_on, valid_until, False)
    try:
        with transaction.atomic():
            decided = _decide(context, rows, options, ahead, draft=False, now=now)
            under_the_lock = _store(
                actor, context, key, decided, ahead, draft=False, slots=None, now=now, locked=False
            )
            if any(isinstance(decided.outcomes[p], DomainError) for p, _, _ in decided.admitted):
                raise _Changed()  # a signature refused: the locked path takes its count back
            locked = lock_for_issuing(actor.organization, group_key=group_key)
            if _signing_inputs(locked) != ahead.signed_with or _unsigned_inputs(
                locked
            ) != _unsigned_inputs(context):
                raise _Changed()
            try:
                services.require_issuing_prerequisites(actor, locked, "issue")
            except DomainError:
                raise _Changed() from None
            ours = {credential.pk for credential in decided.credentials()}
            if not _still_stands(locked, decided, ignore=ours, now=now):
                raise _Changed()
            if under_the_lock is not None:
                under_the_lock()
            decided.quota.save()
    except (_Changed, services.SupersededChanged):
        return None
    return decided.result()


class _Changed(Exception):
    """A decision made before the lock does not stand under it."""


def _options(
    context, privacy, issued_on, valid_until, draft
) -> services.IssueOptions | DomainError:
    try:
        return services.issue_options(
            context.group,
            privacy=privacy,
            issued_on=issued_on,
            valid_until=valid_until,
            draft=draft,
        )
    except DomainError as error:  # raised after each row's own fields, as issue does
        return error


@dataclass
class _Decided:
    """Each row's decision: `outcomes` (the DomainError refusing it, None when admitted)
    and `admitted` (position, credential, recipient check), with the quota as counted;
    and what they were decided from besides the rows, the context and `now`: the
    recipients' earlier credentials as read (by normalized email; `emails`, those of the
    rows) and the quota's figures as read (`quota`)."""

    outcomes: list
    admitted: list[tuple[int, Credential, rules.RecipientCheck]]
    quota: QuotaBatch
    emails: list[str]
    prior: dict[str, tuple[PriorCredential, ...]]

    def credentials(self) -> list[Credential]:
        return [credential for _, credential, _ in self.admitted]

    def result(self) -> list[Credential | DomainError]:
        return self.outcomes  # type: ignore[return-value]


def _earlier(group, emails, *, ignore) -> dict[str, list[PriorCredential]]:
    """The recipients' earlier credentials of `group`, but those in `ignore`."""
    found = recipients_credentials(group, emails)
    if ignore:
        found = {email: [p for p in prior if p.id not in ignore] for email, prior in found.items()}
    return found


def _still_stands(context, decided: _Decided, *, ignore, now: datetime) -> bool:
    """Whether the decisions were made from what is read now: the same earlier
    credentials of the same emails (those in `ignore`, the batch's own, left out), and
    quota figures that count the batch alike."""
    found = _earlier(context.group, list(decided.prior), ignore=ignore)
    if {email: tuple(found.get(email, ())) for email in decided.prior} != decided.prior:
        return False
    return decided.quota.counts_alike(QuotaBatch(context.organization, decided.emails, now=now))


def _decide(
    context,
    rows: Sequence[IssueRow],
    options,
    ahead: SignedAhead | None,
    *,
    draft: bool,
    now: datetime,
) -> _Decided:
    """The issue rule for each row, in order, with the batch's reads: the recipients'
    earlier credentials and the quota, read once, and updated in memory as rows are
    admitted."""
    group = context.group

    def batch_options() -> services.IssueOptions:
        if isinstance(options, DomainError):
            raise options
        return options

    as_read: dict[str, tuple[PriorCredential, ...]] = {}

    def earlier(emails) -> dict[str, list[PriorCredential]]:
        found = _earlier(group, emails, ignore=())
        as_read.update((email, tuple(found.get(email, ()))) for email in emails)
        return found

    emails = [email for email in (_normalized(row.email) for row in rows) if email]
    prior = earlier(emails)
    quota = QuotaBatch(context.organization, emails, now=now)

    def check_for(email: str) -> rules.RecipientCheck:
        normalized = rules.normalize_email(email)
        if normalized not in as_read:  # validation made it another string: read it as well
            prior.update(earlier([normalized]))
        return rules.check_prior(
            prior.get(normalized, ()), allow_duplicates=group.allow_duplicates, now=now
        )

    outcomes: list[Credential | DomainError | None] = []
    admitted: list[tuple[int, Credential, rules.RecipientCheck]] = []
    for position, row in enumerate(rows):
        try:
            if ahead is not None:
                credential = ahead.built[position]
                if isinstance(credential, DomainError):
                    raise credential
                credential.organization, credential.group = context.organization, group
                check = services.admit_credential(
                    credential, check_for=check_for, count=quota.count
                )
            else:
                credential, check = services.new_credential(
                    context,
                    recipient_name=row.name,
                    recipient_email=row.email,
                    custom_attributes=row.custom_attributes,
                    evidence_url="",
                    options=batch_options,
                    check_for=check_for,
                    count=quota.count,
                    now=now,
                )
        except DomainError as error:
            outcomes.append(error)
            continue
        outcomes.append(None)
        admitted.append((position, credential, check))
        _remember(prior, credential, check, draft=draft)
    return _Decided(outcomes, admitted, quota, emails, as_read)


def _store(
    actor: Actor,
    context,
    key,
    decided: _Decided,
    ahead: SignedAhead | None,
    *,
    draft: bool,
    slots: list | None,
    now: datetime,
    locked: bool = True,
) -> Callable[[], None] | None:
    """Sign (unless signed ahead) and store the admitted rows, each outcome set to its
    credential or to the signing error that refused it; with `locked=False`, what
    `services.store_published` leaves for the lock is returned."""
    admitted, outcomes, quota = decided.admitted, decided.outcomes, decided.quota
    credentials = [credential for _, credential, _ in admitted]
    issued = [services.issued_data(check, draft) for _, _, check in admitted]
    under_the_lock = None
    if credentials and draft:
        services.store_drafts(actor, context, credentials, issued)
    elif credentials:
        if ahead is not None:
            signed_ahead = ahead.documents()
            documents = [signed_ahead[position] for position, _, _ in admitted]
        else:
            services.prepare_for_publishing(
                context,
                credentials,
                key=key,
                now=now,
                slots=None if slots is None else [slots[position] for position, _, _ in admitted],
            )
            documents = services.sign_all(credentials, key=key, now=now)
        signed, signed_issued = [], []
        for (position, credential, _), data, document in zip(
            admitted, issued, documents, strict=True
        ):
            if isinstance(document, DomainError):
                outcomes[position] = document
                quota.forget(credential.recipient_email_normalized)
                continue
            credential.document = document
            signed.append(credential)
            signed_issued.append(data)
        credentials = signed
        if credentials:
            under_the_lock = services.store_published(
                actor, context, credentials, now=now, issued=signed_issued, locked=locked
            )
    stored = {id(credential) for credential in credentials}
    for position, credential, _ in admitted:
        if id(credential) in stored:
            outcomes[position] = credential
    return under_the_lock


class SignedAhead:
    """Rows built and signed before the lock: per row, the Credential (dates, slot, status
    set) or the DomainError that refused it, and (from `documents`) its signed document
    or signing error (None for a refused row)."""

    def __init__(self, signed_with: tuple, built: list, signing: Callable[[], list]):
        self.signed_with = signed_with  # _signing_inputs of the context it was signed with
        self.built = built
        self._signing = signing
        self._documents: list | None = None

    def documents(self) -> list:
        """Per row, the signed document (waiting for a signing process if need be)."""
        if self._documents is None:
            self._documents = self._signing()
        return self._documents


def _unsigned_inputs(context) -> tuple:
    """What of the context, besides what is signed, a batch written ahead depends on: the
    group's allow-duplicates rule (its decisions), whether emails are sent and in which
    language (their subjects are written), whether a webhook listens."""
    organization = context.organization
    return (
        context.group.allow_duplicates if context.group else None,
        context.webhooks_listen,
        organization.emails_enabled,
        organization.email_language,
    )


def _signing_inputs(context) -> tuple:
    """Everything of the context a signed credential depends on."""
    organization, key, group = context.organization, context.signing_key, context.group
    return (
        organization.pk,
        organization.status,
        signing.issuer_profile(organization),
        key.pk if key else None,
        key.verification_method if key else None,
        key.private_key_encrypted if key else None,
        group.pk if group else None,
        signing.achievement(group) if group else None,
        (group.expiry_unit, group.expiry_amount, group.default_privacy) if group else None,
        tuple(group.custom_fields or ()) if group else None,
    )


def sign_ahead(
    actor: Actor,
    group_key: str,
    rows: Sequence[IssueRow],
    *,
    issued_on: datetime | None,
    valid_until: datetime | None,
    privacy: str | None,
    now: datetime,
    slots: list,
    signer: SigningProcess | None = None,
) -> SignedAhead | None:
    """Build and sign every row's credential, to be published, with what is read without
    the lock, in the reserved `slots` (row i in slot i); None when there is nothing to
    sign with (the locked path then says why). With a `signer`, the signatures are made
    there while the caller goes on (a signer that dies is replaced by signing here)."""
    context = lock_for_issuing(actor.organization, group_key=group_key, lock=False)
    key, group = context.signing_key, context.group
    if key is None or group is None:
        return None
    try:
        options = services.issue_options(
            group, privacy=privacy, issued_on=issued_on, valid_until=valid_until, draft=False
        )
    except DomainError:
        return None
    built: list = []
    for row in rows:
        try:
            built.append(
                services.build_new_credential(
                    context,
                    recipient_name=row.name,
                    recipient_email=row.email,
                    custom_attributes=row.custom_attributes,
                    evidence_url="",
                    options=options,
                    now=now,
                )
            )
        except DomainError as error:
            built.append(error)
    good = [
        (i, credential) for i, credential in enumerate(built) if isinstance(credential, Credential)
    ]
    credentials = [credential for _, credential in good]
    services.prepare_for_publishing(
        context, credentials, key=key, now=now, slots=[slots[i] for i, _ in good]
    )

    def in_process() -> list:
        # As JSON text (rows.JSONText, stored as it is), as the signing process gives it:
        # the serializing is done here, before the lock, not by the INSERT under it.
        return [
            JSONText(document_text(document)) if isinstance(document, dict) else document
            for document in services.sign_all(credentials, key=key, now=now)
        ]

    signatures = None
    if signer is not None and credentials:
        try:
            signatures = signer.sign(
                signing.signing_requests(credentials),
                private_key=key.private_key(),
                verification_method=key.verification_method,
                created=now,
                as_json=True,  # stored as it is (rows.JSONText): not read again here
            )
        except SignerGone:
            signatures = None

    signed_here = in_process() if signatures is None else None  # now: before the lock

    def per_row() -> list:
        signed = signed_here if signatures is None else _collected(signatures, in_process)
        documents: list = [None] * len(rows)
        for (i, _), document in zip(good, signed, strict=True):
            documents[i] = document
        return documents

    return SignedAhead(_signing_inputs(context), built, per_row)


def _collected(signatures, in_process: Callable[[], list]) -> list:
    """The signing process's documents, as `services.sign_all` words them; signed here
    instead when the process is gone."""
    try:
        documents = signatures.result()
    except SignerGone:
        return in_process()
    return services.signing_outcomes(
        [JSONText(document) if isinstance(document, str) else document for document in documents]
    )


def _normalized(email) -> str:
    """The row's email as the check reads it ("" when it is not even text)."""
    return rules.normalize_email(email) if isinstance(email, str) else ""


def _remember(
    prior: dict[str, list[PriorCredential]],
    credential: Credential,
    check: rules.RecipientCheck,
    *,
    draft: bool,
) -> None:
    """What the next row of the same email must see: the credential just admitted (newest
    first), and, when it is published, the one it replaces revoked."""
    found = prior.setdefault(credential.recipient_email_normalized, [])
    if not draft and check.revokes_id is not None:
        found[:] = [
            PriorCredential(old.id, "revoked", old.valid_until)
            if old.id == check.revokes_id
            else old
            for old in found
        ]
    status = Credential.Status.DRAFT if draft else Credential.Status.PUBLISHED
    found.insert(0, PriorCredential(credential.id, status, credential.valid_until))
