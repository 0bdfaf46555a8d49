"""did:web and did:key identifiers and their DID documents (Multikey verification methods).

Key rotation: a retired key stays in ``verificationMethod`` and ``assertionMethod`` so the
credentials it signed keep verifying everywhere; it is marked with ``retiredAt`` (a term
this module defines in an inline context, see ``RETIRED_AT_CONTEXT``). We deliberately do
NOT use the Multikey vocabulary's ``revoked`` or ``expires``: the W3C Controlled
Identifiers spec says verifiers should reject every proof by such a key from that time on,
and older Digital Bazaar suites (jsonld-signatures' LinkedDataSignature) reject a method
with ``revoked`` outright — either would break credentials that were signed correctly
before the rotation. ``retiredAt`` only tells Laurel's own verifier when the key stopped
signing, so it can report a proof created after that moment.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from laurel.vc.errors import ResolutionError, VCError
from laurel.vc.keys import public_multikey

DID_CONTEXT_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT_V1 = "https://w3id.org/security/multikey/v1"
RETIRED_AT = "retiredAt"
# Defines ``retiredAt`` so that JSON-LD processors (in safe mode too) see a defined term.
RETIRED_AT_CONTEXT: dict[str, Any] = {
    RETIRED_AT: {
        "@id": "https://w3id.org/laurel/vocab#retiredAt",
        "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
    }
}
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class VerificationKey:
    """One signing key of an issuer, as published in its DID document."""

    key_id: str
    public_key_multibase: str
    retired_at: datetime | None = None


def did_web(base_url: str, path: str) -> str:
    """The did:web for ``path`` under ``base_url``; the port's colon is percent-encoded.

    ``did_web("http://127.0.0.1:8000", "issuers/demo") == "did:web:127.0.0.1%3A8000:issuers:demo"``
    """
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise VCError(f"not an http(s) base URL: {base_url!r}")
    host = quote(parts.netloc.lower(), safe="")
    segments = [s for s in parts.path.split("/") + path.split("/") if s]
    return ":".join(["did", "web", host, *(quote(s, safe="") for s in segments)])


def is_local_host(host: str) -> bool:
    """True for a host (with or without its port) on this machine: localhost, 127.0.0.1, ::1."""
    try:
        name = urlsplit(f"//{host}").hostname
    except ValueError:
        return False
    return name in _LOCAL_HOSTS


def did_web_document_url(did: str) -> str:
    """Where a did:web's DID document lives: ``https://host/path/did.json``
    (``/.well-known/did.json`` without a path); plain http only for the local host."""
    if not isinstance(did, str) or not did.startswith("did:web:"):
        raise ResolutionError(f"not a did:web identifier: {did!r}")
    host_part, *segments = did[len("did:web:") :].split("#", 1)[0].split(":")
    host = unquote(host_part)
    if not host or "/" in host or any(not s for s in segments):
        raise ResolutionError(f"malformed did:web identifier: {did!r}")
    scheme = "http" if is_local_host(host) else "https"
    path = "/".join(unquote(s) for s in segments) if segments else ".well-known"
    return f"{scheme}://{host}/{path}/did.json"


def _xsd_datetime(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise VCError("retired_at must be timezone-aware")
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _verification_method(did: str, key: VerificationKey) -> dict[str, Any]:
    method: dict[str, Any] = {
        "id": f"{did}#{key.key_id}",
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": key.public_key_multibase,
    }
    if key.retired_at is not None:
        method[RETIRED_AT] = _xsd_datetime(key.retired_at)
    return method


def did_web_document(did: str, keys: Sequence[VerificationKey]) -> dict[str, Any]:
    """The DID document of a did:web issuer: every key (active and retired) as a Multikey
    verification method, all listed under ``assertionMethod``; retired ones carry
    ``retiredAt``."""
    if not did.startswith("did:web:"):
        raise VCError(f"not a did:web identifier: {did!r}")
    ids = [key.key_id for key in keys]
    if len(set(ids)) != len(ids):
        raise VCError("two verification keys share one key id")
    methods = [_verification_method(did, key) for key in keys]
    context: list[Any] = [DID_CONTEXT_V1, MULTIKEY_CONTEXT_V1]
    if any(key.retired_at is not None for key in keys):
        context.append(RETIRED_AT_CONTEXT)
    return {
        "@context": context,
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def did_key(public_key: Ed25519PublicKey) -> tuple[str, dict[str, Any]]:
    """The did:key of an Ed25519 public key and its DID document (for tests and demos)."""
    multikey = public_multikey(public_key)
    did = f"did:key:{multikey}"
    method = {
        "id": f"{did}#{multikey}",
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": multikey,
    }
    document = {
        "@context": [DID_CONTEXT_V1, MULTIKEY_CONTEXT_V1],
        "id": did,
        "verificationMethod": [method],
        "authentication": [method["id"]],
        "assertionMethod": [method["id"]],
        "capabilityDelegation": [method["id"]],
        "capabilityInvocation": [method["id"]],
    }
    return did, document


def verification_method(document: dict[str, Any], method_id: str) -> dict[str, Any]:
    """The verification method ``method_id`` of a DID document, if the document authorizes
    it for ``assertionMethod``; raises ResolutionError otherwise."""
    if not isinstance(document, dict):
        raise ResolutionError("DID document is not a JSON object")
    methods = [m for m in document.get("verificationMethod") or [] if isinstance(m, dict)]
    methods += [m for m in document.get("assertionMethod") or [] if isinstance(m, dict)]
    found = next((m for m in methods if m.get("id") == method_id), None)
    if found is None:
        raise ResolutionError(
            f"verification method {method_id!r} is not in DID document {document.get('id')!r}"
        )
    authorized = {
        m if isinstance(m, str) else m.get("id") for m in document.get("assertionMethod") or []
    }
    if method_id not in authorized:
        raise ResolutionError(
            f"verification method {method_id!r} is not listed under assertionMethod"
        )
    return dict(found)


def resolver_for(document: dict[str, Any]) -> Callable[[str], dict[str, Any]]:
    """A ``resolve`` callback for ``proof.verify_proof`` backed by one DID document."""
    return lambda method_id: verification_method(document, method_id)


def retired_at(method: dict[str, Any]) -> datetime | None:
    """When a verification method was retired (``retiredAt``), or None if it is active."""
    value = method.get(RETIRED_AT)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise VCError(f"verification method has a malformed {RETIRED_AT}: {value!r}") from None
    if moment.tzinfo is None:
        raise VCError(f"verification method {RETIRED_AT} lacks a time zone: {value!r}")
    return moment
