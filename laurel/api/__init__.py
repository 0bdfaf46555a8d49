"""The REST API front door: Laurel's own API (/api/v1/) and the Hyperstack-compatible
calls (/v1/), both on the domain services; bearer API keys, rate limits, idempotency."""
