"""The issuer: organizations, their members, signing keys, API keys, quota usage, audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laurel.organizations.tenancy import TenantManager


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    ISSUER = "issuer", _("Issuer")


class Door(models.TextChoices):
    """Which front door an action came in by (recorded on every AuditEvent)."""

    WEB = "web", "Web"
    API = "api", "API"
    BULK = "bulk", "Bulk"
    CLI = "cli", "Command line"
    SYSTEM = "system", "System"


class Organization(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SUSPENDED = "suspended", "Suspended"

    class Plan(models.TextChoices):
        FREE = "free", "Free"
        PROFESSIONAL = "professional", "Professional"
        ENTERPRISE = "enterprise", "Enterprise"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    plan = models.CharField(max_length=16, choices=Plan.choices, default=Plan.FREE)
    emails_enabled = models.BooleanField(default=True)
    # The language of the emails its recipients get (issuance, correction answers) and of
    # its invitations: one of settings.LANGUAGES. Recipients' pages follow their browser.
    email_language = models.CharField(max_length=8, default="en")
    # Staff override of the plan's monthly recipient quota (contracts differ from list prices).
    monthly_quota_override = models.PositiveIntegerField(null=True, blank=True)
    # Issuer profile, as it appears in every credential.
    url = models.URLField(blank=True, default="")
    email = models.EmailField(blank=True, default="")
    image = models.URLField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def did(self) -> str:
        from laurel.vc.did import did_web

        return did_web(settings.LAUREL_BASE_URL, f"issuers/{self.slug}")

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def monthly_quota(self) -> int:
        from laurel.organizations.rules import monthly_quota

        return monthly_quota(
            plan=self.plan,
            override=self.monthly_quota_override,
            plan_quotas=settings.LAUREL_PLAN_QUOTAS,
        )


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ISSUER)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) in {self.organization}"


class SigningKey(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="signing_keys"
    )
    key_id = models.CharField(max_length=64)
    public_key_multibase = models.CharField(max_length=128)
    # laurel.vc.keys.encrypt_private_key(..., settings.LAUREL_KEY_ENCRYPTION_KEY)
    private_key_encrypted = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key_id"], name="signing_key_id_unique"
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(status="active"),
                name="signing_key_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization.slug}#{self.key_id} ({self.status})"

    @property
    def verification_method(self) -> str:
        return f"{self.organization.did}#{self.key_id}"

    def private_key(self):
        from laurel.vc.keys import decrypt_private_key

        return decrypt_private_key(self.private_key_encrypted, settings.LAUREL_KEY_ENCRYPTION_KEY)


class ApiKey(models.Model):
    """A bearer key; only its HMAC and a short display prefix are stored."""

    PREFIX = "crd_live_"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=100)
    role = models.CharField(
        max_length=16,
        choices=[(Role.ADMIN.value, Role.ADMIN.label), (Role.ISSUER.value, Role.ISSUER.label)],
        default=Role.ISSUER,
    )
    key_hmac = models.CharField(max_length=64, unique=True)
    display_prefix = models.CharField(max_length=20)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.display_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class QuotaUsage(models.Model):
    """One row per recipient email per organization per calendar month (UTC)."""

    organization = models.ForeignKey(  # leads quota_usage_unique
        Organization, on_delete=models.CASCADE, related_name="quota_usage", db_index=False
    )
    month = models.DateField()  # first day of the month, UTC
    email_normalized = models.CharField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "month", "email_normalized"], name="quota_usage_unique"
            )
        ]


class AuditEvent(models.Model):
    organization = models.ForeignKey(  # leads audit_org_time
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="audit_events",
        db_index=False,
    )
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_api_key = models.ForeignKey(
        ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True, default="")
    door = models.CharField(max_length=16, choices=Door.choices)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="audit_org_time")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type} {self.object_id}"


class Invitation(models.Model):
    """An invitation by email to join an organization with a role (laurel/organizations/
    invitations.py). Only a hash of its token is stored: the link in the email is the key."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(max_length=254)
    role = models.CharField(
        max_length=16,
        choices=[(Role.ADMIN.value, Role.ADMIN.label), (Role.ISSUER.value, Role.ISSUER.label)],
        default=Role.ISSUER,
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "email"], name="invitation_org_email")]

    def __str__(self) -> str:
        return f"{self.email} ({self.role}) to {self.organization}"

    def status(self, now=None) -> str:
        """pending, accepted, revoked or expired."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= (now or timezone.now()):
            return "expired"
        return "pending"
