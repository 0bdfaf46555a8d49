"""Organization use cases: organizations (create, approve, suspend, plan, settings) and
their members — the only way those rows are written.

Signing keys, API keys and the quota have their own modules beside this one
(`signing_keys.py`, `api_keys.py`, `quota.py`). Each service takes keyword arguments,
runs in one transaction, records an AuditEvent, and returns a plain value or raises a
DomainError.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from laurel.credentials import validation
from laurel.organizations import audit
from laurel.organizations.errors import Conflict, ValidationError
from laurel.organizations.models import Door, Membership, Organization, Role
from laurel.organizations.permissions import Actor, require
from laurel.organizations.selectors import lock_organization
from laurel.organizations.signing_keys import ensure_signing_key
from laurel.organizations.tenancy import get_scoped

# --- organizations ---------------------------------------------------------------------


def _unique_slug(name: str, slug: str | None) -> str:
    base = slugify(slug or name)[:50] or "organization"
    candidate, n = base, 1
    while Organization.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _check_plan(plan: str) -> None:
    if plan not in Organization.Plan.values:
        raise ValidationError(
            f"Unknown plan {plan!r}; choose one of {', '.join(Organization.Plan.values)}.",
            field="plan",
        )


NAME_MAX_LENGTH = validation.max_length(Organization, "name")


def _clean_name(name) -> str:
    name = str(name or "").strip()
    if not name:
        raise ValidationError("An organization needs a name.", field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            f"An organization's name is at most {NAME_MAX_LENGTH} characters.", field="name"
        )
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # e.g. a command-line argument that was not UTF-8
        raise ValidationError("The organization's name is not valid text.", field="name") from None
    return name


@transaction.atomic
def create_organization(
    *,
    name: str,
    owner,
    slug: str | None = None,
    plan: str = Organization.Plan.FREE,
    monthly_quota_override: int | None = None,
    approved: bool = False,
    door: str = Door.WEB,
) -> Organization:
    """A new organization with `owner` as its Owner; approved (with a key) if asked."""
    name = _clean_name(name)
    _check_plan(plan)
    if monthly_quota_override is not None and monthly_quota_override < 0:
        raise ValidationError("The monthly quota cannot be negative.", field="monthly_quota")
    if slug is not None and Organization.objects.filter(slug=slugify(slug)).exists():
        raise Conflict(f"The address {slugify(slug)!r} is taken by another organization.")
    organization = Organization.objects.create(
        name=name,
        slug=_unique_slug(name, slug),
        plan=plan,
        monthly_quota_override=monthly_quota_override,
    )
    Membership.objects.create(user=owner, organization=organization, role=Role.OWNER)
    actor = Actor(organization=organization, role=Role.OWNER, user=owner, door=door)
    audit.record(actor, "organization.created", organization, data={"plan": plan})
    if approved:
        approve_organization(organization=organization, door=door)
        organization.refresh_from_db()
    return organization


@transaction.atomic
def approve_organization(
    *, organization: Organization, staff_user=None, door: str = Door.WEB
) -> Organization:
    """Staff approve an organization; it gets a signing key if it has none."""
    organization, actor = _set_status(
        organization, Organization.Status.APPROVED, "organization.approved", staff_user, door
    )
    ensure_signing_key(actor=actor, organization=organization)
    return organization


@transaction.atomic
def suspend_organization(
    *, organization: Organization, staff_user=None, door: str = Door.WEB
) -> Organization:
    organization, _ = _set_status(
        organization, Organization.Status.SUSPENDED, "organization.suspended", staff_user, door
    )
    return organization


def _set_status(organization, status, action, staff_user, door) -> tuple[Organization, Actor]:
    """Staff change an organization's status (row locked, audited); callers hold a transaction."""
    organization = lock_organization(organization)
    actor = Actor(organization=organization, role=Role.OWNER, user=staff_user, door=door)
    organization.status = status
    organization.save(update_fields=["status"])
    audit.record(actor, action, organization)
    return organization, actor


@transaction.atomic
def set_plan(
    *,
    organization: Organization,
    plan: str,
    monthly_quota_override: int | None = None,
    staff_user=None,
    door: str = Door.WEB,
) -> Organization:
    """Staff set the plan and, for contracts that differ from list prices, the quota."""
    _check_plan(plan)
    if monthly_quota_override is not None and monthly_quota_override < 0:
        raise ValidationError("The monthly quota cannot be negative.", field="monthly_quota")
    organization = lock_organization(organization)
    actor = Actor(organization=organization, role=Role.OWNER, user=staff_user, door=door)
    before = {
        "plan": organization.plan,
        "monthly_quota_override": organization.monthly_quota_override,
    }
    organization.plan = plan
    organization.monthly_quota_override = monthly_quota_override
    organization.save(update_fields=["plan", "monthly_quota_override"])
    after = {"plan": plan, "monthly_quota_override": monthly_quota_override}
    audit.record(
        actor, "organization.plan_changed", organization, data={"before": before, "after": after}
    )
    return organization


SETTINGS_FIELDS = ("name", "emails_enabled", "email_language", "url", "email", "image")


@transaction.atomic
def update_organization_settings(*, actor: Actor, **changes) -> Organization:
    """Owner/Admin change the name, the email switch and language, and the issuer profile
    (url, email, image)."""
    require(actor, "manage_settings")
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown setting {sorted(unknown)[0]!r}.", field=sorted(unknown)[0])
    changes = _clean_settings(changes)
    organization = lock_organization(actor.organization)
    for field, value in changes.items():
        setattr(organization, field, value)
    organization.save(update_fields=list(changes) or None)
    audit.record(
        actor, "organization.settings_changed", organization, data={"fields": sorted(changes)}
    )
    return organization


def _clean_settings(changes: dict) -> dict:
    """The settings as stored, or a ValidationError naming the first bad one. The url,
    email and image go into every credential's signed issuer profile, so a value the
    schema would refuse must never be stored (every issue would then fail)."""
    clean = {}
    for field, value in changes.items():
        if field == "name":
            clean[field] = _clean_name(value)
        elif field == "emails_enabled":
            if not isinstance(value, bool):
                raise ValidationError("emails_enabled must be true or false.", field=field)
            clean[field] = value
        elif field == "email_language":
            if not isinstance(value, str) or value not in dict(settings.LANGUAGES):
                codes = ", ".join(dict(settings.LANGUAGES))
                raise ValidationError(f"The email language must be one of {codes}.", field=field)
            clean[field] = value
        else:
            limit = validation.max_length(Organization, field)
            text = validation.text(value, field=field, max_length=limit)
            if field == "email":
                clean[field] = (
                    validation.email_address(text, field=field, max_length=limit) if text else ""
                )
            else:  # url, image
                clean[field] = validation.url(text, field=field, max_length=limit)
    return clean


# --- members ---------------------------------------------------------------------------


@transaction.atomic
def add_member(*, actor: Actor, user, role: str) -> Membership:
    """Owner/Admin add a member; only an Owner makes another Owner."""
    require(actor, "manage_members")
    if role not in Role.values:
        raise ValidationError(f"Unknown role {role!r}.", field="role")
    if role == Role.OWNER:
        require(actor, "transfer_ownership")
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user, organization=actor.organization, role=role
            )
    except IntegrityError:
        raise Conflict("This person is already a member of the organization.") from None
    audit.record(actor, "member.added", membership, data={"role": role, "user_id": user.pk})
    return membership


@transaction.atomic
def change_member_role(*, actor: Actor, membership_id: int, role: str) -> Membership:
    require(actor, "manage_members")
    if role not in Role.values:
        raise ValidationError(f"Unknown role {role!r}.", field="role")
    membership = get_scoped(Membership, actor.organization, pk=membership_id)
    if Role.OWNER in (role, membership.role):
        require(actor, "transfer_ownership")
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record(actor, "member.role_changed", membership, data={"before": before, "after": role})
    return membership
