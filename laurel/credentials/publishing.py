"""Drafts under review, and publishing many of them at once as a background task.

Every draft is published through the one `publish` service (prerequisites, signing,
status-list slot, audit, email), one credential per transaction. The batch row advances
in that same transaction, so a crash loses nothing and repeats nothing: running the task
again continues where it stopped, and a credential already published is counted, never
published twice. A handful of drafts is published in the request instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks import task

from laurel.credentials import rules
from laurel.credentials.issue_reads import IssuingContext
from laurel.credentials.models import Credential, PublishBatch
from laurel.credentials.services import publish, require_issuing_prerequisites
from laurel.organizations import audit
from laurel.organizations.errors import DomainError, NotFound, ValidationError
from laurel.organizations.models import Organization
from laurel.organizations.permissions import Actor, require
from laurel.organizations.selectors import active_signing_key, actor_for_user
from laurel.organizations.tenancy import get_scoped, scoped
from laurel.tasks import enqueue_on_commit


def _require_publishing(actor: Actor) -> None:
    organization = Organization.objects.get(pk=actor.organization.pk)  # as it is now
    key = active_signing_key(organization)
    context = IssuingContext(
        organization=organization, signing_key=key, group=None, webhooks_listen=False
    )
    require_issuing_prerequisites(actor, context, "publish")


logger = logging.getLogger(__name__)

INLINE_LIMIT = 5  # this many drafts or fewer are published in the request
MAX_BATCH = 10_000
FAILURES_KEPT = 500  # the reasons stored per batch (the count stays exact)
STALLED_AFTER = timedelta(minutes=2)  # a running batch silent this long has lost its worker
SEARCH_MAX = 200

MISSING = "This draft no longer exists; it may have been deleted."
UNEXPECTED = "It could not be published because of an error on our side; try it again."
NOT_A_MEMBER = "The person who asked for this is no longer a member of the organization."


# --- drafts under review ---------------------------------------------------------------


@dataclass(frozen=True)
class DraftPage:
    drafts: list[Credential]
    next_cursor: str | None
    previous_cursor: str | None


def cursor_of(credential: Credential) -> str:
    """A page boundary: the credential's created_at (µs since the epoch) and id."""
    moment = credential.created_at.astimezone(UTC)
    micros = int(moment.timestamp()) * 1_000_000 + moment.microsecond
    return f"{micros}~{credential.pk}"


def _parse_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    """(created_at, id), or None for a cursor that is missing or not one of ours."""
    if not cursor or "~" not in cursor:
        return None
    micros, _, credential_id = cursor.partition("~")
    if not micros.isdigit() or not credential_id or len(micros) > 18:
        return None
    seconds, rest = divmod(int(micros), 1_000_000)
    try:
        moment = datetime.fromtimestamp(seconds, tz=UTC) + timedelta(microseconds=rest)
    except (OverflowError, OSError, ValueError):
        return None
    return moment, credential_id


def drafts(organization: Organization, *, search: str = "") -> QuerySet[Credential]:
    """The organization's drafts, newest first, by recipient name or email when searched."""
    queryset = scoped(Credential, organization).filter(status=Credential.Status.DRAFT)
    search = (search or "").strip()[:SEARCH_MAX]
    if search:
        queryset = queryset.filter(
            Q(recipient_name__icontains=search)
            | Q(recipient_email_normalized__contains=rules.normalize_email(search))
        )
    return queryset.order_by("-created_at", "-id")


def draft_page(
    organization: Organization,
    *,
    search: str = "",
    after: str | None = None,
    before: str | None = None,
    size: int = 50,
) -> DraftPage:
    """One page of drafts (keyset paging: as quick on the last page as on the first).

    `after` is the cursor of the last draft of the page before, `before` the first of the
    page after; a cursor that is not one of ours gives the first page.
    """
    queryset = drafts(organization, search=search).select_related("group")
    later, earlier = _parse_cursor(before), _parse_cursor(after)
    if later is not None:  # going back: the nearest newer drafts, read oldest first
        moment, credential_id = later
        queryset = queryset.filter(
            Q(created_at__gt=moment) | Q(created_at=moment, id__gt=credential_id)
        ).order_by("created_at", "id")
    elif earlier is not None:
        moment, credential_id = earlier
        queryset = queryset.filter(
            Q(created_at__lt=moment) | Q(created_at=moment, id__lt=credential_id)
        )
    found = list(queryset[: size + 1])
    more, found = len(found) > size, found[:size]
    if later is not None:
        found.reverse()
        has_previous, has_next = more, True
    else:
        has_previous, has_next = earlier is not None, more
    if not found:
        return DraftPage(drafts=[], next_cursor=None, previous_cursor=None)
    return DraftPage(
        drafts=found,
        next_cursor=cursor_of(found[-1]) if has_next else None,
        previous_cursor=cursor_of(found[0]) if has_previous else None,
    )


def preview_dates(credential: Credential, *, now: datetime | None = None):
    """(issued_on, valid_until) the credential would carry if it were published now."""
    if credential.status != Credential.Status.DRAFT or credential.custom_dates:
        return credential.issued_on, credential.valid_until
    now = now or timezone.now()
    group = credential.group
    return now, rules.valid_until_for(
        unit=group.expiry_unit, amount=group.expiry_amount, issued_on=now
    )


# --- publishing many --------------------------------------------------------------------


def _clean_ids(credential_ids) -> list[str]:
    if not isinstance(credential_ids, list | tuple):
        raise ValidationError("Choose the drafts to publish.", field="credential_ids")
    ids = list(dict.fromkeys(str(value).strip() for value in credential_ids if value))
    ids = [value for value in ids if value]
    if not ids:
        raise ValidationError("Choose at least one draft to publish.", field="credential_ids")
    if len(ids) > MAX_BATCH:
        raise ValidationError(
            f"At most {MAX_BATCH} drafts can be published at once; choose fewer.",
            field="credential_ids",
        )
    if any(len(value) > 64 for value in ids):
        raise ValidationError("That is not a credential id.", field="credential_ids")
    return ids


@transaction.atomic
def _create_batch(*, actor: Actor, ids: list[str], background: bool) -> PublishBatch:
    # Refused once for the whole batch rather than once per credential (each publish
    # checks again, with the organization locked).
    _require_publishing(actor)
    batch = PublishBatch.objects.create(
        organization=actor.organization,
        actor_user=actor.user if getattr(actor.user, "pk", None) else None,
        credential_ids=ids,
        total=len(ids),
    )
    audit.record(actor, "credentials.publish_requested", batch, data={"total": len(ids)})
    if background:
        enqueue_on_commit(publish_batch_task, batch.pk)
    return batch


def publish_selected(*, actor: Actor, credential_ids) -> PublishBatch:
    """Publish the chosen drafts: a few at once, more by the background task.

    Returns the batch; it is completed already when it was small enough to run here.
    """
    ids = _clean_ids(credential_ids)
    batch = _create_batch(actor=actor, ids=ids, background=len(ids) > INLINE_LIMIT)
    if batch.total <= INLINE_LIMIT:
        return publish_batch(batch_id=batch.pk)
    return batch


def publish_all_drafts(*, actor: Actor, search: str = "") -> PublishBatch:
    """Publish every draft (matching `search`), oldest first."""
    ids = list(
        drafts(actor.organization, search=search)
        .order_by("created_at", "id")
        .values_list("id", flat=True)[: MAX_BATCH + 1]
    )
    return publish_selected(actor=actor, credential_ids=ids)


def publish_blocker(actor: Actor) -> DomainError | None:
    """The error publishing would raise before looking at a draft, or None when it can.

    The publish service's own checks (approval, signing key, role), asked without raising,
    so a page can say why instead of offering buttons that would fail.
    """
    try:
        _require_publishing(actor)
    except DomainError as error:
        return error
    return None


def get_batch(organization: Organization, *, batch_id) -> PublishBatch:
    """The organization's batch, or NotFound (also for another organization's id)."""
    return get_scoped(PublishBatch, organization, pk=batch_id)


def is_stalled(batch: PublishBatch, *, now: datetime | None = None) -> bool:
    """Unfinished, and no step taken for STALLED_AFTER: its worker stopped."""
    if batch.is_finished:
        return False
    last = batch.heartbeat or batch.created_at
    return (now or timezone.now()) - last > STALLED_AFTER


def resume_batch(*, actor: Actor, batch_id) -> PublishBatch:
    """Queue a stalled batch again; it continues where it stopped."""
    require(actor, "publish")
    batch = get_batch(actor.organization, batch_id=batch_id)
    if not batch.is_finished:
        enqueue_on_commit(publish_batch_task, batch.pk)
    return batch


def resume_stalled_batches(*, now: datetime | None = None) -> int:
    """Queue again every batch whose worker stopped (for a worker to call when it starts)."""
    now = now or timezone.now()
    unfinished = PublishBatch.objects.exclude(status=PublishBatch.Status.COMPLETED)
    stalled = [batch.pk for batch in unfinished if is_stalled(batch, now=now)]
    for batch_id in stalled:
        enqueue_on_commit(publish_batch_task, batch_id)
    return len(stalled)


def publish_batch(*, batch_id: int) -> PublishBatch:
    """Publish the batch's drafts from where it stands until it is completed."""
    while publish_next(batch_id=batch_id):
        pass
    return PublishBatch.objects.get(pk=batch_id)


@transaction.atomic
def publish_next(*, batch_id: int, now: datetime | None = None) -> bool:
    """Publish the batch's next credential and record it; False once nothing is left.

    The batch row is locked first, so two runs of one batch take turns and each id is
    handled once.
    """
    batch = PublishBatch.objects.select_for_update().filter(pk=batch_id).first()
    if batch is None or batch.is_finished:
        return False
    now = now or timezone.now()
    changed = ["position", "status", "heartbeat"]
    if batch.position < batch.total:
        credential_id = batch.credential_ids[batch.position]
        outcome, name, reason = _publish_one(batch, credential_id, now=now)
        setattr(batch, outcome, getattr(batch, outcome) + 1)
        changed.append(outcome)
        if outcome == "failed":
            if len(batch.failures) < FAILURES_KEPT:
                batch.failures.append(
                    {"id": credential_id, "recipient_name": name, "reason": reason}
                )
            changed.append("failures")
        batch.position += 1
    batch.heartbeat = now
    batch.status = PublishBatch.Status.PROCESSING
    if batch.position >= batch.total:
        batch.status = PublishBatch.Status.COMPLETED
        batch.finished_at = now
        changed.append("finished_at")
    batch.save(update_fields=changed)
    return not batch.is_finished


def _publish_one(batch: PublishBatch, credential_id: str, *, now: datetime):
    """("published" | "skipped" | "failed", recipient name, reason)."""
    found = (
        scoped(Credential, batch.organization_id)
        .filter(pk=credential_id)
        .values_list("status", "recipient_name")
        .first()
    )
    if found is None:
        return "failed", "", MISSING
    status, name = found
    if status == Credential.Status.PUBLISHED:
        return "skipped", name, ""
    try:
        actor = actor_for_user(user=batch.actor_user, organization=batch.organization_id)
    except NotFound:
        return "failed", name, NOT_A_MEMBER
    try:
        publish(actor=actor, credential_id=credential_id, now=now)
    except DomainError as error:
        return "failed", name, str(error)
    except Exception:  # one bad credential must not hold up the batch behind it forever
        logger.exception("Publishing credential %s of batch %s failed", credential_id, batch.pk)
        return "failed", name, UNEXPECTED
    return "published", name, ""


@task(queue_name="default")
def publish_batch_task(batch_id: int) -> str:
    """Publish a PublishBatch's drafts (safe to run twice: it continues where it stands)."""
    return publish_batch(batch_id=batch_id).status
