"""Subscriptions (a URL and the events it wants) and deliveries (one event to one URL).

A delivery row is written in the same transaction as the change it announces (an outbox),
so an event is never lost nor announced for a change that rolled back.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone

from laurel.organizations.models import Organization
from laurel.organizations.tenancy import TenantManager


class Event(models.TextChoices):
    CREDENTIAL_ISSUED = "credential.issued", "Credential issued"
    CREDENTIAL_PUBLISHED = "credential.published", "Credential published"
    CREDENTIAL_REVOKED = "credential.revoked", "Credential revoked"
    CREDENTIAL_RENEWED = "credential.renewed", "Credential renewed"
    CREDENTIAL_EXPIRED = "credential.expired", "Credential expired"
    BULK_JOB_COMPLETED = "bulk_job.completed", "Bulk job completed"


def event_payload(event_id: str, event: str, data: dict) -> dict:
    """What a delivery POSTs: the event's id, type, time and data."""
    return {"id": event_id, "type": event, "created": timezone.now().isoformat(), "data": data}


def new_subscription_id() -> str:
    return "wh_" + secrets.token_urlsafe(12)


class WebhookSubscription(models.Model):
    id = models.CharField(primary_key=True, max_length=24, default=new_subscription_id)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)  # a list of Event values
    # Shared with the receiver to sign deliveries (HMAC needs the secret itself).
    secret = models.CharField(max_length=64)
    description = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.url} ({', '.join(self.events)})"

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"  # gave up after the last retry

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    event_id = models.CharField(max_length=40)  # the same for every subscription of one event
    event = models.CharField(max_length=40, choices=Event.choices)
    credential_id = models.CharField(max_length=32, blank=True, default="")
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subscription", "-created_at"], name="delivery_sub_time")]
        constraints = [
            # A credential expires once: the periodic sweep may run twice, the event not.
            models.UniqueConstraint(
                fields=["subscription", "credential_id"],
                condition=Q(event="credential.expired"),
                name="delivery_expired_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription.url} ({self.status}, {self.attempts} attempts)"


class WebhookAttempt(models.Model):
    """One attempt at a delivery: what the receiver answered (or why nothing came back),
    how long it took, and when. Written by the delivery code with the delivery's outcome,
    in one transaction; the settings' delivery log lists them under their delivery."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="webhook_attempts"
    )
    number = models.PositiveIntegerField()  # 1 for the first; a resend goes on counting
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True, default="")
    duration_ms = models.PositiveIntegerField()
    attempted_at = models.DateTimeField()

    objects = TenantManager()

    class Meta:
        ordering = ["delivery", "number", "id"]
        indexes = [models.Index(fields=["delivery", "number"], name="webhook_attempt_delivery")]

    def __str__(self) -> str:
        answer = f"HTTP {self.status_code}" if self.status_code else self.error
        return f"attempt {self.number} of delivery {self.delivery_id}: {answer}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
