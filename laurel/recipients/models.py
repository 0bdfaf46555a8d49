"""What recipients keep: their public profile, which credentials it lists, and the
corrections they ask issuers for."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laurel.organizations.tenancy import TenantManager


class RecipientProfile(models.Model):
    """A recipient's public page at /u/<slug>: off until they turn it on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recipient_profile"
    )
    slug = models.SlugField(max_length=60, unique=True, null=True, blank=True)
    display_name = models.CharField(max_length=200, blank=True, default="")
    is_public = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.slug or f"profile of user {self.user_id}"


class ProfileListing(models.Model):
    """Whether one of the recipient's credentials appears on their public profile.

    Only public credentials can be listed (the service refuses the others, and the profile
    reads public ones only).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile_listings"
    )
    credential = models.ForeignKey(
        "credentials.Credential", on_delete=models.CASCADE, related_name="profile_listings"
    )
    visible = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "credential"], name="recipient_listing_unique")
        ]

    def __str__(self) -> str:
        return f"{self.credential_id} {'listed' if self.visible else 'hidden'}"


class CorrectionRequest(models.Model):
    """A recipient asks the issuer to fix a credential (a misspelt name, a wrong date)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Re-issued")
        DECLINED = "declined", _("Declined")

    # Denormalised from the credential: tenancy is one column, as for credentials.
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="corrections"
    )
    credential = models.ForeignKey(
        "credentials.Credential", on_delete=models.CASCADE, related_name="corrections"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="correction_requests"
    )
    # What the recipient asks for: a name, a date, or both, and why.
    recipient_name = models.CharField(max_length=200, blank=True, default="")
    issued_on = models.DateField(null=True, blank=True)
    message = models.TextField(blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(blank=True, default="")  # the issuer's message
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    new_credential = models.ForeignKey(
        "credentials.Credential",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "status", "-created_at"], name="correction_org"),
        ]

    def __str__(self) -> str:
        return f"correction of {self.credential_id} ({self.status})"
