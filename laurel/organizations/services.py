"""Organization use cases: the only way organizations, members and keys are written.

Each service takes keyword arguments, runs in one transaction, records an AuditEvent,
and returns a plain value or raises a DomainError.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import slugify

from laurel import rows
from laurel.organizations import audit
from laurel.organizations.errors import (
    Conflict,
    NoSigningKey,
    OrganizationNotApproved,
    PlanRequired,
    QuotaExceeded,
    ValidationError,
)
from laurel.organizations.models import (
    ApiKey,
    Door,
    Membership,
    Organization,
    QuotaUsage,
    Role,
    SigningKey,
)
from laurel.organizations.permissions import Actor, require
from laurel.organizations.rules import plan_has_feature, quota_month
from laurel.organizations.selectors import active_signing_key
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


def _clean_name(name) -> str:
    name = str(name or "").strip()
    if not name:
        raise ValidationError("An organization needs a name.", field="name")
    if len(name) > 200:
        raise ValidationError("An organization's name is at most 200 characters.", field="name")
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
    if active_signing_key(organization) is None:
        _create_signing_key(actor, organization)
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
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
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
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
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


SETTINGS_FIELDS = ("name", "emails_enabled", "url", "email", "image")


@transaction.atomic
def update_organization_settings(*, actor: Actor, **changes) -> Organization:
    """Owner/Admin change the name, email switch and issuer profile (url, email, image)."""
    require(actor, "manage_settings")
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown setting {sorted(unknown)[0]!r}.", field=sorted(unknown)[0])
    changes = _clean_settings(changes)
    organization = Organization.objects.select_for_update().get(pk=actor.organization.pk)
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
    from laurel.credentials import validation

    clean = {}
    for field, value in changes.items():
        if field == "name":
            clean[field] = _clean_name(value)
        elif field == "emails_enabled":
            if not isinstance(value, bool):
                raise ValidationError("emails_enabled must be true or false.", field=field)
            clean[field] = value
        else:
            limit = Organization._meta.get_field(field).max_length
            text = validation.text(value, field=field, max_length=limit)
            if field == "email":
                clean[field] = validation.email_address(text, field=field) if text else ""
            else:  # url, image
                clean[field] = validation.url(text, field=field)
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


# --- signing keys ----------------------------------------------------------------------


def _create_signing_key(actor: Actor, organization: Organization) -> SigningKey:
    from laurel.vc.keys import encrypt_private_key, generate_key, public_multikey

    private_key = generate_key()
    key = SigningKey.objects.create(
        organization=organization,
        key_id=f"key-{timezone.now():%Y%m%d}-{secrets.token_hex(3)}",
        public_key_multibase=public_multikey(private_key.public_key()),
        private_key_encrypted=encrypt_private_key(private_key, settings.LAUREL_KEY_ENCRYPTION_KEY),
    )
    audit.record(actor, "signing_key.generated", key, data={"key_id": key.key_id})
    return key


@transaction.atomic
def generate_signing_key(*, actor: Actor) -> SigningKey:
    """The organization's first active key (Conflict if one is active: rotate instead)."""
    require(actor, "manage_signing_keys")
    organization = lock_organization(actor.organization)
    if organization.active_signing_key is not None:  # read after the lock
        raise Conflict("The organization already has an active signing key; rotate it instead.")
    return _create_signing_key(actor, organization)


@transaction.atomic
def rotate_signing_key(*, actor: Actor) -> SigningKey:
    """Retire the active key (it stays in the DID document) and make a new one."""
    require(actor, "manage_signing_keys")
    organization = lock_organization(actor.organization)
    old = organization.active_signing_key  # read after the lock
    if old is not None:
        old.status = SigningKey.Status.RETIRED
        old.retired_at = timezone.now()
        old.save(update_fields=["status", "retired_at"])
        audit.record(actor, "signing_key.retired", old, data={"key_id": old.key_id})
    return _create_signing_key(actor, organization)


# --- API keys --------------------------------------------------------------------------


def api_key_hmac(raw_key: str) -> str:
    secret = getattr(settings, "LAUREL_API_KEY_SECRET", None) or settings.SECRET_KEY
    return hmac.new(secret.encode(), raw_key.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def create_api_key(*, actor: Actor, name: str, role: str = Role.ISSUER) -> tuple[ApiKey, str]:
    """A new key; returns (the stored row, the raw key). The raw key is never stored."""
    require(actor, "manage_api_keys")
    name = (name or "").strip()
    if not name:
        raise ValidationError("An API key needs a name.", field="name")
    if role not in (Role.ADMIN, Role.ISSUER):
        raise ValidationError("An API key has the Admin or the Issuer role.", field="role")
    raw_key = ApiKey.PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(
        organization=actor.organization,
        name=name[:100],
        role=role,
        key_hmac=api_key_hmac(raw_key),
        display_prefix=raw_key[: len(ApiKey.PREFIX) + 4],
        created_by=actor.user if getattr(actor.user, "pk", None) else None,
    )
    audit.record(actor, "api_key.created", api_key, data={"name": api_key.name, "role": role})
    return api_key, raw_key


@transaction.atomic
def revoke_api_key(*, actor: Actor, api_key_id: int) -> ApiKey:
    require(actor, "manage_api_keys")
    api_key = get_scoped(ApiKey, actor.organization, pk=api_key_id)
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        audit.record(actor, "api_key.revoked", api_key, data={"name": api_key.name})
    return api_key


# Writing last_used_at on every request would make each API call a write; a minute is enough.
LAST_USED_RESOLUTION_SECONDS = 60


def authenticate_api_key(*, raw_key: str | None, door: str = Door.API) -> Actor | None:
    """The Actor for a bearer key, or None for a missing, malformed, unknown or revoked one."""
    if not raw_key or not raw_key.startswith(ApiKey.PREFIX) or len(raw_key) > 200:
        return None
    api_key = _live_api_key(api_key_hmac(raw_key))
    if api_key is None:
        return None
    now = timezone.now()
    if (
        api_key.last_used_at is None
        or (now - api_key.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS
    ):
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return Actor(organization=api_key.organization, role=api_key.role, api_key=api_key, door=door)


def _live_api_key(key_hmac: str) -> ApiKey | None:
    """The unrevoked key with this HMAC and its organization, in one statement (hand-written:
    every API request asks it, and the ORM would spend longer writing it than it takes)."""
    with connection.cursor() as cursor:
        cursor.execute(_api_key_sql(connection.vendor), [key_hmac])
        row = cursor.fetchone()
    if row is None:
        return None
    key_end = rows.width(ApiKey)
    api_key = rows.instance(ApiKey, row[:key_end])
    api_key.organization = rows.instance(Organization, row[key_end:])
    return api_key


@functools.cache
def _api_key_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    return (
        f"SELECT {rows.columns(ApiKey, 'k')}, {rows.columns(Organization, 'o')} "
        f"FROM {quote(ApiKey._meta.db_table)} k "
        f"JOIN {quote(Organization._meta.db_table)} o ON o.id = k.organization_id "
        f"WHERE k.key_hmac = %s AND k.revoked_at IS NULL"
    )


# --- issuing prerequisites, quota, plan ------------------------------------------------


def lock_organization(organization: Organization, *, group_key: str | None = None) -> Organization:
    """Lock the organization row for this transaction: issues of one org go one at a time.

    On PostgreSQL this is SELECT ... FOR UPDATE; on SQLite the IMMEDIATE write transaction
    already serializes writers and there is nothing to lock. Then one more statement reads
    what every issue and publish asks next, as attributes of the returned row:
    `has_webhooks` (whether a live webhook subscription exists, so that the credential
    events of this transaction cost no query when nobody listens), `active_signing_key`
    (the SigningKey that signs, or None) and, when `group_key` is given, `group` (the
    organization's CredentialGroup with that key, or None).

    Not in the locking statement itself: on PostgreSQL a statement that waited for the lock
    still reads the other tables as they were when it started, so an issue queued behind a
    key rotation would get the key the rotation just retired.
    """
    from laurel.credentials.models import CredentialGroup

    if not isinstance(group_key, str) or "\x00" in group_key:
        group_key = None  # no group has it (and a NUL would not reach PostgreSQL)
    with connection.cursor() as cursor:
        cursor.execute(_lock_sql(connection.vendor), [organization.pk])
        row = cursor.fetchone()
        if row is None:
            raise Organization.DoesNotExist(f"Organization {organization.pk} does not exist.")
        locked = rows.instance(Organization, row)
        cursor.execute(
            _issuing_sql(connection.vendor), [locked.pk, locked.pk, group_key, locked.pk]
        )
        row = cursor.fetchone()
    key_end = 1 + rows.width(SigningKey)
    locked.has_webhooks = bool(row[0])
    locked.active_signing_key = rows.instance(SigningKey, row[1:key_end])
    locked.group = rows.instance(CredentialGroup, row[key_end:])
    for joined in (locked.active_signing_key, locked.group):
        if joined is not None:
            joined.organization = locked
    return locked


@functools.cache
def _lock_sql(vendor: str) -> str:
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    table = connection.ops.quote_name(Organization._meta.db_table)
    return f"SELECT {rows.columns(Organization, 'o')} FROM {table} o WHERE o.id = %s{lock}"


@functools.cache
def _issuing_sql(vendor: str) -> str:
    from laurel.credentials.models import CredentialGroup
    from laurel.webhooks.models import WebhookSubscription

    quote = connection.ops.quote_name
    return (
        f"SELECT EXISTS (SELECT 1 FROM {quote(WebhookSubscription._meta.db_table)} w "
        f"WHERE w.organization_id = %s AND w.deleted_at IS NULL), "
        f"{rows.columns(SigningKey, 'k')}, {rows.columns(CredentialGroup, 'g')} "
        f"FROM (SELECT 1 AS one) AS here "
        f"LEFT JOIN {quote(SigningKey._meta.db_table)} k "
        f"ON k.organization_id = %s AND k.status = '{SigningKey.Status.ACTIVE}' "
        f"LEFT JOIN {quote(CredentialGroup._meta.db_table)} g "
        f"ON g.{quote('key')} = %s AND g.organization_id = %s"
    )


def require_issuing_prerequisites(
    actor: Actor, organization: Organization, action: str = "issue"
) -> SigningKey:
    """Approved, an active signing key, a role that may `action` — in that order.

    `organization` is the row lock_organization returned (it read the key after the lock).
    """
    if organization.status != Organization.Status.APPROVED:
        raise OrganizationNotApproved()
    key = organization.active_signing_key
    if key is None:
        raise NoSigningKey()
    require(actor, action)
    return key


def require_plan_feature(organization: Organization, feature: str) -> None:
    """PlanRequired unless the organization's plan includes `feature` (e.g. "bulk_submit")."""
    if not plan_has_feature(organization.plan, feature):
        raise PlanRequired(
            f"Your plan ({organization.get_plan_display()}) does not include "
            f"{feature.replace('_', ' ')}; upgrade to Professional or Enterprise."
        )


def count_recipient(
    *, organization: Organization, email_normalized: str, now: datetime | None = None
) -> bool:
    """Count a recipient against this month's quota; QuotaExceeded when there is no room.

    Call with the organization row locked (lock_organization), so concurrent issues can
    never both take the last place. Returns True when the recipient was newly counted.
    """
    now = now or timezone.now()
    month = quota_month(now)
    limit = organization.monthly_quota
    if _count_if_room(organization, month, email_normalized, limit=limit, now=now):
        return True
    # Not counted: already counted this month (free), or no room (the rare answer that
    # needs the figures, for its message).
    counts = QuotaUsage.objects.filter(organization=organization, month=month).aggregate(
        used=Count("pk"), already=Count("pk", filter=Q(email_normalized=email_normalized))
    )
    if counts["already"]:
        return False
    used = counts["used"]  # not counted, not free: used >= limit (rules.quota_allows)
    raise QuotaExceeded(
        f"Your organization has issued to {used} of its {limit} recipients "
        f"this month; it can issue to new recipients again next month or after upgrading."
    )


def _count_if_room(
    organization: Organization, month, email_normalized: str, *, limit: int, now: datetime
) -> bool:
    """Count the recipient in one statement if it is new this month and there is room:
    INSERT ... SELECT ... WHERE (this month's count) < limit ON CONFLICT DO NOTHING."""
    table = connection.ops.quote_name(QuotaUsage._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organization_id, month, email_normalized, created_at) "
            f"SELECT %s, %s, %s, %s WHERE (SELECT COUNT(*) FROM {table} "
            f"WHERE organization_id = %s AND month = %s) < %s "
            f"ON CONFLICT (organization_id, month, email_normalized) DO NOTHING RETURNING id",
            [
                organization.pk,
                connection.ops.adapt_datefield_value(month),
                email_normalized,
                connection.ops.adapt_datetimefield_value(now),
                organization.pk,
                connection.ops.adapt_datefield_value(month),
                limit,
            ],
        )
        return cursor.fetchone() is not None
