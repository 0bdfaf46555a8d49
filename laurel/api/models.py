"""Idempotency: the first response to (API key, Idempotency-Key), kept to answer retries."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from laurel.organizations.models import ApiKey


class IdempotencyRecord(models.Model):
    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # sha256 of method, path and body: the same key with another request is an error.
    fingerprint = models.CharField(max_length=64)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    status_code = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.status_code} {self.method} {self.path}"


class RateLimitCounter(models.Model):
    """Requests of one client in one rate-limit window, counted by one atomic upsert.

    The database cache's incr is a read then a write, so concurrent requests could be
    counted once; INSERT ... ON CONFLICT DO UPDATE ... RETURNING (SQLite and PostgreSQL)
    counts every one. Rows of past windows are purged now and then (laurel.api.ratelimit).
    """

    bucket = models.CharField(primary_key=True, max_length=255)
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True)  # unix seconds

    def __str__(self) -> str:
        return f"{self.bucket}: {self.hits}"
