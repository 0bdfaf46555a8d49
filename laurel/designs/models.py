"""Designs, their versions and files, which design a group uses, which version a published
credential keeps (so it re-renders exactly as issued, years later)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from laurel.credentials.models import Credential, CredentialGroup
from laurel.organizations.models import Organization
from laurel.organizations.tenancy import TenantManager


class Kind(models.TextChoices):
    CERTIFICATE = "certificate", "Certificate"
    BADGE = "badge", "Badge"


class Design(models.Model):
    """A certificate or badge design of an organization; its look is its current version."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="designs")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=120)
    current_version = models.ForeignKey(
        "DesignVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["kind", "name", "id"]

    def __str__(self) -> str:
        return self.name


class DesignVersion(models.Model):
    """One saved state of a design: never changed once written (a save makes the next)."""

    design = models.ForeignKey(Design, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    layout = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["design", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["design", "number"], name="design_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.design} v{self.number}"


def asset_path(asset: DesignAsset, filename: str) -> str:
    return f"designs/{asset.design.organization_id}/{asset.design_id}/{asset.name}"


class DesignAsset(models.Model):
    """An uploaded file (background, logo, signature) a layout names. Written once, never
    replaced: a new upload gets a new name, so every old version keeps its own files."""

    design = models.ForeignKey(Design, on_delete=models.CASCADE, related_name="assets")
    name = models.CharField(max_length=80)
    file = models.FileField(upload_to=asset_path, max_length=300)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["design", "created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["design", "name"], name="design_asset_name")]

    def __str__(self) -> str:
        return self.name


class GroupDesign(models.Model):
    """The certificate and badge designs a credential group uses (drafts follow their
    current versions)."""

    group = models.OneToOneField(
        CredentialGroup, primary_key=True, on_delete=models.CASCADE, related_name="designs"
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    certificate = models.ForeignKey(
        Design, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    badge = models.ForeignKey(
        Design, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TenantManager()


class GroupDesignChange(models.Model):
    """Every choice of a group's design, kept: what a group used at any moment (a credential
    published then is drawn with the version of that design current then)."""

    group = models.ForeignKey(CredentialGroup, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    design = models.ForeignKey(Design, null=True, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["group", "kind", "changed_at"], name="group_design_at")]


class CredentialDesign(models.Model):
    """The design versions a credential was published with (null: the built-in default),
    written when it is first drawn, from what its group used when it was published."""

    credential = models.OneToOneField(
        Credential, primary_key=True, on_delete=models.CASCADE, related_name="design_pin"
    )
    certificate_version = models.ForeignKey(
        DesignVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    badge_version = models.ForeignKey(
        DesignVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class CertificateZip(models.Model):
    """A ZIP of certificates built in the background, with its progress."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        BUILDING = "building", "Building"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=200)
    credential_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to="certificate-zips/", blank=True, max_length=300)
    error = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    heartbeat = models.DateTimeField(null=True, blank=True)
    # When a worker began writing the ZIP from the drawn parts (null: not yet, or again
    # after that worker went silent).
    assembling_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "id"]


class CertificateZipPart(models.Model):
    """A slice of a ZIP's credentials that one worker draws (their PDFs cached as any
    download's); workers claim parts until none is left, so two workers share one ZIP.
    A part whose worker went silent (old heartbeat) is claimed again."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        CLAIMED = "claimed", "Claimed"
        DONE = "done", "Done"

    job = models.ForeignKey(CertificateZip, on_delete=models.CASCADE, related_name="parts")
    index = models.PositiveIntegerField()
    first = models.PositiveIntegerField()  # a slice [first, last) of job.credential_ids
    last = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    claim_token = models.CharField(max_length=32, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    done = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["job", "index"]
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="zip_part_index")]
