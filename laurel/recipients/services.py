"""Recipient use cases: the profile and its listings, correction requests and how an
issuer resolves them. Re-issuing goes through the credential services (issue, revoke),
never around them, in one transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from laurel.credentials import services as credential_services
from laurel.credentials import validation
from laurel.credentials.models import Credential, Privacy
from laurel.credentials.rules import ACTIVE_NON_EXPIRING
from laurel.credentials.selectors import recipient_check_for
from laurel.organizations import audit
from laurel.organizations.errors import Conflict, InvalidStatus, ValidationError
from laurel.organizations.permissions import Actor, require
from laurel.organizations.selectors import lock_organization
from laurel.organizations.tenancy import get_scoped
from laurel.recipients import emails
from laurel.recipients.models import CorrectionRequest, ProfileListing, RecipientProfile
from laurel.recipients.selectors import recipient_credential

CORRECTION_REASON = "superseded by correction"
RESERVED_SLUGS = {"admin", "api", "me", "new", "settings", "wallet"}

# --- profile ---------------------------------------------------------------------------


@transaction.atomic
def update_profile(*, user, slug: str, display_name: str, is_public: bool) -> RecipientProfile:
    """Choose the profile's address and name, and turn it on or off."""
    display_name = validation.text(display_name, field="display_name", max_length=200)
    slug = (slug or "").strip().lower()
    if slug and (slugify(slug) != slug or len(slug) > 60 or len(slug) < 3):
        raise ValidationError(_("Use 3 to 60 lowercase letters, digits and hyphens."), field="slug")
    if slug in RESERVED_SLUGS:
        raise ValidationError(_("This address is reserved; choose another."), field="slug")
    if is_public and not slug:
        raise ValidationError(_("Choose an address before turning the profile on."), field="slug")
    if is_public and not display_name:
        raise ValidationError(
            _("Give the name to show before turning the profile on."), field="display_name"
        )
    profile, _created = RecipientProfile.objects.select_for_update().get_or_create(user=user)
    taken = RecipientProfile.objects.filter(slug=slug).exclude(pk=profile.pk).exists()
    if slug and taken:
        raise ValidationError(_("This address is taken; choose another."), field="slug")
    profile.slug, profile.display_name, profile.is_public = slug or None, display_name, is_public
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:  # taken at the same moment by someone else
        raise ValidationError(_("This address is taken; choose another."), field="slug") from None
    return profile


@transaction.atomic
def set_listing(*, user, credential_id: str, visible: bool) -> ProfileListing:
    """Show one of the user's credentials on their public profile, or hide it.

    A private credential can never be listed; neither can a draft or another person's."""
    credential = recipient_credential(user, credential_id)
    if visible and credential.privacy != Privacy.PUBLIC:
        raise ValidationError(
            _("A private credential cannot appear on your public profile."), field="visible"
        )
    if visible and credential.status != Credential.Status.PUBLISHED:
        raise InvalidStatus(_("Only a valid credential can appear on your public profile."))
    listing, _created = ProfileListing.objects.update_or_create(
        user=user, credential=credential, defaults={"visible": visible}
    )
    return listing


# --- corrections: the recipient asks ---------------------------------------------------


@transaction.atomic
def request_correction(
    *,
    user,
    credential_id: str,
    recipient_name: str = "",
    issued_on: date | None = None,
    message: str = "",
) -> CorrectionRequest:
    """Ask the issuer to correct one of the user's published credentials."""
    credential = recipient_credential(user, credential_id)
    if credential.status != Credential.Status.PUBLISHED:
        raise InvalidStatus(_("Only a published credential can be corrected."))
    name = validation.text(recipient_name, field="recipient_name", max_length=200)
    message = validation.text(message, field="message", max_length=2000)
    if name == credential.recipient_name:
        name = ""
    if issued_on is not None and credential.issued_on and issued_on == credential.issued_on.date():
        issued_on = None
    if not name and issued_on is None:
        raise ValidationError(
            _("Give the corrected name or the corrected date."), field="recipient_name"
        )
    if issued_on is not None and issued_on > timezone.now().date():
        raise ValidationError(_("The date cannot be in the future."), field="issued_on")
    Credential.objects.select_for_update().filter(pk=credential.pk).first()  # one at a time
    if CorrectionRequest.objects.filter(
        credential=credential, status=CorrectionRequest.Status.OPEN
    ).exists():
        raise Conflict(_("A correction of this credential is already waiting for the issuer."))
    correction = CorrectionRequest.objects.create(
        organization=credential.organization,
        credential=credential,
        requested_by=user,
        recipient_name=name,
        issued_on=issued_on,
        message=message,
    )
    actor = Actor.system(credential.organization)
    audit.record(
        actor,
        "correction.requested",
        correction,
        data={"credential": credential.pk, "by": user.email},
    )
    return correction


# --- corrections: the issuer resolves --------------------------------------------------


def _open_correction(actor: Actor, correction_id) -> CorrectionRequest:
    correction = get_scoped(
        CorrectionRequest.objects.select_for_update(), actor.organization, pk=correction_id
    )
    if correction.status != CorrectionRequest.Status.OPEN:
        raise InvalidStatus(_("This request was already answered."))
    return correction


def _issued_on(old: Credential, corrected: date | None) -> datetime:
    """The corrected day at the time of day the old one was issued (or the old moment)."""
    if corrected is None:
        return old.issued_on
    moment = old.issued_on.astimezone(UTC) if old.issued_on else None
    return datetime.combine(corrected, moment.timetz() if moment else time(tzinfo=UTC))


@transaction.atomic
def resolve_correction(
    *,
    actor: Actor,
    correction_id,
    recipient_name: str,
    issued_on: date | None = None,
    message: str = "",
    now: datetime | None = None,
) -> CorrectionRequest:
    """Re-issue the credential with the corrected name and date; the new one supersedes it.

    Through the credential services: a time-bound credential is replaced by `issue` (which
    revokes it as superseded); a non-expiring one is revoked first ("superseded by
    correction") so that `issue` renews it. Anything they refuse undoes it all.
    """
    require(actor, "revoke")
    now = now or timezone.now()
    # The organization before the credential, as `issue` (called below) and any renewal
    # of the same recipient take them (laurel.credentials.services' lock order).
    lock_organization(actor.organization)
    correction = _open_correction(actor, correction_id)
    old = get_scoped(
        Credential.objects.select_for_update().select_related("group"),
        actor.organization,
        pk=correction.credential_id,
    )
    if old.status != Credential.Status.PUBLISHED:
        raise InvalidStatus(_("The credential is no longer published, so it cannot be re-issued."))
    check = recipient_check_for(old.group, old.recipient_email, now=now)
    if check.existing_id != old.pk:
        raise Conflict(
            _(
                "A newer credential or a draft exists for this recipient in this group; "
                "correct that one instead."
            )
        )
    if check.state == ACTIVE_NON_EXPIRING:
        credential_services.revoke(
            actor=actor, credential_id=old.pk, reason=CORRECTION_REASON, now=now
        )
    valid_until = old.valid_until if old.custom_dates else None
    new = credential_services.issue(
        actor=actor,
        group_key=old.group.key,
        recipient_name=recipient_name,
        recipient_email=old.recipient_email,
        evidence_url=old.evidence_url,
        privacy=old.privacy,
        custom_attributes=old.custom_attributes,
        issued_on=_issued_on(old, issued_on),
        valid_until=valid_until,
        now=now,
    )
    if new.supersedes_id != old.pk:  # the services' rules did not renew it: say so, undo
        raise Conflict(_("The corrected credential could not replace the old one."))
    for listing in ProfileListing.objects.filter(credential=old, visible=True):
        ProfileListing.objects.get_or_create(
            user=listing.user, credential=new, defaults={"visible": True}
        )
    correction.status = CorrectionRequest.Status.RESOLVED
    correction.new_credential = new
    correction.response = validation.text(message, field="message", max_length=2000)
    _answered(actor, correction, now=now)
    audit.record(
        actor,
        "correction.resolved",
        correction,
        data={"credential": old.pk, "new_credential": new.pk},
    )
    emails.queue_correction_email(correction=correction)
    return correction


@transaction.atomic
def decline_correction(
    *, actor: Actor, correction_id, message: str, now: datetime | None = None
) -> CorrectionRequest:
    """Say no to a correction, with a message the recipient gets by email."""
    require(actor, "revoke")
    correction = _open_correction(actor, correction_id)
    correction.response = validation.text(message, field="message", max_length=2000)
    if not correction.response:
        raise ValidationError(_("Tell the recipient why the request is declined."), field="message")
    correction.status = CorrectionRequest.Status.DECLINED
    _answered(actor, correction, now=now or timezone.now())
    audit.record(
        actor, "correction.declined", correction, data={"credential": correction.credential_id}
    )
    emails.queue_correction_email(correction=correction)
    return correction


def _answered(actor: Actor, correction: CorrectionRequest, *, now: datetime) -> None:
    correction.resolved_by = actor.user if getattr(actor.user, "pk", None) else None
    correction.resolved_at = now
    correction.save()
