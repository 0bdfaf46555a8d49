"""Email deliveries: one row per email Laurel means to send, and what became of it.

In embedded mode (no SMTP settings) the rows are the outbox: they are marked sent with
backend "outbox" and staff read them in the admin; nothing leaves the machine.
"""

from __future__ import annotations

from django.db import models


class EmailDelivery(models.Model):
    class Kind(models.TextChoices):
        ISSUANCE = "issuance", "Issuance"
        RESEND = "resend", "Resend"
        INVITATION = "invitation", "Invitation"
        ACCOUNT = "account", "Account"  # sign-up confirmation, password reset, sign-in code
        CORRECTION = "correction", "Correction"  # an issuer's answer to a correction request
        BULK_JOB = "bulk_job", "Bulk job"  # a bulk job finished: to the person who submitted it

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    class Backend(models.TextChoices):
        OUTBOX = "outbox", "Outbox (not sent)"
        SMTP = "smtp", "SMTP"

    # None for account emails (confirmation, password reset): they belong to a person.
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="email_deliveries",
        db_index=False,  # leads mail_delivery_org_status_idx
    )
    credential = models.ForeignKey(
        "credentials.Credential",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="email_deliveries",
        db_index=False,  # leads mail_delivery_credential_idx
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ISSUANCE)
    to_email = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    backend = models.CharField(max_length=10, choices=Backend.choices, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # Staff know it as the outbox: every email, sent or not, and what became of it.
        verbose_name = "outbox email"
        verbose_name_plural = "outbox"
        indexes = [
            models.Index(fields=["credential", "-created_at"], name="mail_delivery_credential_idx"),
            models.Index(fields=["status"], name="mail_delivery_status_idx"),
            # The home page's failed emails and the list's "failed" filter, per organization.
            models.Index(fields=["organization", "status"], name="mail_delivery_org_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_email} ({self.status})"
