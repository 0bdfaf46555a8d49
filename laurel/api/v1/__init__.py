"""Laurel's own API, /api/v1/ (docs at /api/v1/docs, schema at /api/v1/openapi.json)."""

from __future__ import annotations

from ninja import NinjaAPI

from laurel.api.auth import ApiKeyAuth
from laurel.api.errors import install_error_handlers
from laurel.api.v1 import api_keys, bulk_jobs, credentials, groups, organization, webhooks

DESCRIPTION = """
Issue, publish, revoke and look up Open Badges 3.0 credentials.

* **Authentication**: `Authorization: Bearer crd_live_…` (an API key of one organization,
  with the Admin or the Issuer role). A missing, unknown or revoked key answers 401
  `{"detail": "Invalid token or organization not found"}`.
* **API keys**: `GET/POST /api/v1/api-keys`, `DELETE /api/v1/api-keys/{id}` (Admin keys);
  a new key is shown once, in the answer that creates it.
* **Errors**: `{"success": false, "error": "<sentence>", "error_code": "<snake_case>"}`.
* **Rate limits**: per key and per client IP, each a number of requests a minute. Every
  response carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`
  (unix seconds); past a limit the answer is 429 with `Retry-After` (seconds).
* **Idempotency**: send `Idempotency-Key: <unique string>` with any POST; a retry with the
  same key and body returns the first response (header `Idempotent-Replayed: true`) and
  changes nothing; the same key with another body answers 422 `idempotency_key_reused`.
* **Webhooks**: deliveries carry `X-Laurel-Signature: t=<unix>,v1=<hex>`, the HMAC-SHA256
  of `"<t>.<body>"` keyed with the subscription secret.
"""

api = NinjaAPI(
    title="Laurel API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=ApiKeyAuth(),
)
install_error_handlers(api)
api.add_router("", credentials.router)
api.add_router("/groups", groups.groups_router("groups"))
api.add_router("/badges", groups.groups_router("badges"))
api.add_router("/organization", organization.router)
api.add_router("/webhooks", webhooks.router)
api.add_router("/api-keys", api_keys.router)
api.add_router("/bulk-jobs", bulk_jobs.router)
