"""The Hyperstack-compatible calls (/v1/): clients switch by changing a base URL and a key.

Answers follow Hyperstack's documentation field for field; domain errors are translated
to its codes and sentences here, in one place.
"""

from __future__ import annotations

from ninja import NinjaAPI

from laurel.api.auth import ApiKeyAuth
from laurel.api.compat import routes
from laurel.api.errors import install_error_handlers
from laurel.organizations.errors import CredentialExists, DomainError, QuotaExceeded

CREDENTIAL_EXISTS = (
    "Credential already exists for this recipient, to overwrite, "
    "set duplication to true in group settings."
)


def hyperstack_words(error: DomainError) -> tuple[str, str] | None:
    if isinstance(error, QuotaExceeded):
        return "low_balance", "Low balance"
    if isinstance(error, CredentialExists):
        return "credential_exists", CREDENTIAL_EXISTS
    return None


api = NinjaAPI(
    title="Laurel — Hyperstack-compatible API",
    version="hyperstack-1",
    description="The calls Hyperstack clients already make, answered as Hyperstack documents them.",
    urls_namespace="hyperstack-v1",
    auth=ApiKeyAuth(),
    docs_url=None,
    openapi_url=None,
)
install_error_handlers(api, translate=hyperstack_words)
api.add_router("", routes.router)
