"""Credential groups (the Achievement), credentials, and the status lists they point at."""

from __future__ import annotations

import secrets
import string

from django.conf import settings
from django.db import models
from django.utils import timezone

from laurel.organizations.models import Organization
from laurel.organizations.tenancy import TenantManager

_KEY_ALPHABET = string.ascii_lowercase + string.digits


def new_group_key() -> str:
    """12 random characters: public, appears in URLs and API calls."""
    return "".join(secrets.choice(_KEY_ALPHABET) for _ in range(12))


def new_credential_id() -> str:
    """32 random URL-safe characters (192 bits): private credentials must not be enumerable."""
    return secrets.token_urlsafe(24)


def new_status_list_id() -> str:
    return secrets.token_urlsafe(12)


def new_index_key() -> str:
    """The secret that scatters a list's slots (laurel.vc.status_list.scattered_index)."""
    return secrets.token_hex(16)


class Privacy(models.TextChoices):
    PUBLIC = "public", "Public"
    PRIVATE = "private", "Private"


class ExpiryUnit(models.TextChoices):
    NEVER = "never", "Never expires"
    DAYS = "days", "Days"
    MONTHS = "months", "Months"
    YEARS = "years", "Years"


class CredentialGroup(models.Model):
    """The course or program: in Open Badges terms, the Achievement."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="credential_groups"
    )
    title = models.CharField(max_length=200)
    key = models.CharField(max_length=12, unique=True, default=new_group_key)
    code = models.CharField(max_length=64, blank=True, default="")
    description = models.TextField(max_length=5000, blank=True, default="")
    criteria = models.TextField(max_length=5000, blank=True, default="")
    image = models.URLField(max_length=500, blank=True, default="")
    achievement_type = models.CharField(max_length=40, default="Certificate")
    # [{"name", "url", "description"?, "framework"?, "code"?}]
    skills = models.JSONField(default=list, blank=True)
    expiry_unit = models.CharField(
        max_length=8, choices=ExpiryUnit.choices, default=ExpiryUnit.NEVER
    )
    expiry_amount = models.PositiveIntegerField(null=True, blank=True)
    allow_duplicates = models.BooleanField(default=False)
    # Names of the custom attributes a credential may carry, each starting "custom_".
    custom_fields = models.JSONField(default=list, blank=True)
    default_privacy = models.CharField(
        max_length=8, choices=Privacy.choices, default=Privacy.PUBLIC
    )
    certificate_design = models.JSONField(default=dict, blank=True)
    badge_design = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def achievement_id(self) -> str:
        return f"{settings.LAUREL_BASE_URL}/issuers/{self.organization.slug}/groups/{self.key}"


class StatusList(models.Model):
    """One Bitstring Status List of an organization; credentials hold a slot in it."""

    class Purpose(models.TextChoices):
        REVOCATION = "revocation", "Revocation"
        SUSPENSION = "suspension", "Suspension"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="status_lists"
    )
    list_id = models.CharField(max_length=32, unique=True, default=new_status_list_id)
    purpose = models.CharField(max_length=16, choices=Purpose.choices, default=Purpose.REVOCATION)
    length = models.PositiveIntegerField(default=131072)
    # laurel.vc.status_list.Bitstring.encode(): "u" + base64url(gzip(bits)).
    encoded_list = models.TextField()
    # How many slots are taken; the n-th credential's index is scattered_index(n, index_key)
    # so that indexes say nothing about who was issued when (empty key: taken in order, as
    # lists made before scattering did).
    next_index = models.PositiveIntegerField(default=0)
    index_key = models.CharField(max_length=64, blank=True, default=new_index_key)
    # The signed BitstringStatusListCredential, re-signed whenever a bit flips.
    document = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.organization.slug} {self.purpose} list {self.list_id}"

    @property
    def url(self) -> str:
        return f"{settings.LAUREL_BASE_URL}/status/{self.list_id}"

    @property
    def is_full(self) -> bool:
        return self.next_index >= self.length


class Credential(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        REVOKED = "revoked", "Revoked"

    id = models.CharField(
        primary_key=True, max_length=32, default=new_credential_id, editable=False
    )
    # Denormalised from the group so that every tenancy filter is one column. The foreign
    # keys of organization, group and status list have no index of their own: each leads
    # one of the Meta indexes below, which serve their lookups (an index less is a write
    # less for every credential issued: a bulk job writes thousands at a time).
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="credentials", db_index=False
    )
    group = models.ForeignKey(
        CredentialGroup, on_delete=models.PROTECT, related_name="credentials", db_index=False
    )
    recipient_name = models.CharField(max_length=200)
    recipient_email = models.EmailField(max_length=254)
    recipient_email_normalized = models.CharField(max_length=254)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    issued_on = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)  # null = never expires
    # True when issued_on / valid_until were given by the issuer rather than the policy.
    custom_dates = models.BooleanField(default=False)
    privacy = models.CharField(max_length=8, choices=Privacy.choices, default=Privacy.PUBLIC)
    evidence_url = models.URLField(max_length=500, blank=True, default="")
    custom_attributes = models.JSONField(default=dict, blank=True)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="superseded_by"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=500, blank=True, default="")
    document = models.JSONField(null=True, blank=True)  # the signed OB 3.0 credential
    status_list = models.ForeignKey(
        StatusList,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credentials",
        db_index=False,
    )
    status_list_index = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [
            models.Index(
                fields=["group", "recipient_email_normalized"], name="credential_recipient"
            ),
            # (organization, -created_at) is credential_org_keyset read backwards.
            # The credentials list (laurel/credentials/listing.py) and the home page:
            # keyset pages, a group's pages, an email prefix, the weekly chart, the drafts.
            models.Index(fields=["organization", "created_at", "id"], name="credential_org_keyset"),
            models.Index(
                fields=["organization", "group", "created_at", "id"], name="credential_group_keyset"
            ),
            models.Index(
                fields=["organization", "recipient_email_normalized"],
                opclasses=["int8_ops", "varchar_pattern_ops"],  # LIKE 'prefix%' on PostgreSQL
                name="credential_org_email",
            ),
            models.Index(
                fields=["organization", "issued_on", "status"], name="credential_org_issued"
            ),
            models.Index(
                fields=["organization", "status", "created_at", "id"], name="credential_org_status"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["status_list", "status_list_index"], name="credential_status_slot_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} → {self.recipient_name} ({self.status})"

    @property
    def url(self) -> str:
        return self.url_of(self.id)

    @staticmethod
    def url_of(credential_id: str, *, base_url: str | None = None) -> str:
        """A credential's page (its id in its signed document): `base_url` is
        LAUREL_BASE_URL, read once by a caller making many (reading a setting costs
        more than the formatting)."""
        return f"{base_url or settings.LAUREL_BASE_URL}/credential/{credential_id}"

    def is_expired(self, now=None) -> bool:
        now = now or timezone.now()
        return self.valid_until is not None and self.valid_until <= now


class PublishBatch(models.Model):
    """Drafts an issuer chose to publish together, and how far the background task got.

    The task publishes `credential_ids` in order, one credential per transaction, and
    advances `position` in that same transaction: a crash loses nothing and repeats nothing,
    running the task again continues at `position` (laurel.credentials.publishing).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSING = "processing", "Processing"
        COMPLETED = "completed", "Completed"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="publish_batches"
    )
    # Who asked: the task acts with their role as it is when each credential is published.
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    credential_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)  # how many ids are done
    published = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)  # already published: nothing to do
    failed = models.PositiveIntegerField(default=0)
    # [{"id", "recipient_name", "reason"}], in the order they failed.
    failures = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    heartbeat = models.DateTimeField(null=True, blank=True)  # the last step the task took
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "status"], name="publish_batch_org_status"),
        ]

    def __str__(self) -> str:
        return f"{self.organization.slug} publish batch {self.pk} ({self.status})"

    @property
    def done(self) -> int:
        return self.position

    @property
    def is_finished(self) -> bool:
        return self.status == self.Status.COMPLETED
