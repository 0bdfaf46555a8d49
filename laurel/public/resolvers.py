"""Where the public pages find DID documents and status lists: our own from the database.

Verifying one of our credentials never makes an HTTP request to ourselves (a worker would
wait on a worker); what another issuer publishes is fetched as `laurel verify` does, from
public addresses only unless LAUREL_VERIFY_ALLOW_PRIVATE_URLS says otherwise.
"""

from __future__ import annotations

from django.conf import settings

from laurel.credentials.models import StatusList
from laurel.organizations.models import Organization
from laurel.organizations.selectors import did_document
from laurel.vc.errors import ResolutionError
from laurel.vc.resolver import FETCH_TIMEOUT, Resolver

ISSUERS_PATH = "/issuers/"
STATUS_PATH = "/status/"


def _our_did_prefix() -> str:
    from laurel.vc.did import did_web

    return did_web(settings.LAUREL_BASE_URL, "issuers") + ":"


class LocalResolver(Resolver):
    """A Resolver that reads Laurel's own issuers and status lists from the database.

    Anything else goes to the network (`offline=False`) or nowhere (`offline=True`).
    """

    def __init__(self, documents=(), *, offline: bool = True) -> None:
        super().__init__(
            documents,
            offline=offline,
            timeout=min(FETCH_TIMEOUT, 5.0),
            public_only=not settings.LAUREL_VERIFY_ALLOW_PRIVATE_URLS,
        )

    def did_document(self, did: str) -> dict:
        bare = did.split("#", 1)[0]
        prefix = _our_did_prefix()
        if bare.startswith(prefix) and bare not in self._given:
            slug = bare.removeprefix(prefix)
            organization = Organization.objects.filter(slug=slug).first()
            if organization is None:
                raise ResolutionError(f"{bare} is not an issuer here")
            self.add(did_document(organization))
        return super().did_document(did)

    def status_list_credential(self, url: str) -> dict:
        bare = url.split("#", 1)[0] if isinstance(url, str) else url
        prefix = settings.LAUREL_BASE_URL.rstrip("/") + STATUS_PATH
        if isinstance(bare, str) and bare.startswith(prefix) and bare not in self._given:
            found = StatusList.objects.filter(list_id=bare.removeprefix(prefix)).first()
            if found is None or not found.document:
                raise ResolutionError(f"the status list {bare} is not published here")
            self.add(found.document)
        return super().status_list_credential(url)


def network_resolver() -> LocalResolver:
    """For /verify: our documents from the database, anyone else's from the network."""
    return LocalResolver(offline=False)
