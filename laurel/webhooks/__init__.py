"""Webhooks: an organization subscribes a URL to events; each event is delivered signed,
retried with backoff by a background task, and every attempt is logged."""
