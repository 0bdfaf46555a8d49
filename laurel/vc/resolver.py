"""Where verification gets what a credential points at: DID documents and status lists.

Three sources, in this order: documents handed to the Resolver (``laurel verify --did``,
``--status-list``, or a caller that already holds them), the network, and an on-disk cache.
The network is the truth when it can be reached; the cache is written on every fetch and
read only offline, so a stale copy never hides a revocation from an online verifier.
"""

from __future__ import annotations

import hashlib
import http.client
import ipaddress
import json
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from laurel.vc.errors import ResolutionError, VCError

FETCH_TIMEOUT = 10.0  # seconds, per request
MAX_FETCH_BYTES = 2 * 1024 * 1024  # a DID document or a status list is a few KB
JSON_ACCEPT = "application/vc+ld+json, application/ld+json, application/json;q=0.9, */*;q=0.1"
USER_AGENT = "laurel-verify"


def default_cache_dir() -> Path:
    """$LAUREL_VERIFY_CACHE, else $XDG_CACHE_HOME/laurel/verify, else ~/.cache/laurel/verify."""
    explicit = os.environ.get("LAUREL_VERIFY_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "laurel" / "verify"


def fetch_url(
    url: str,
    *,
    accept: str = JSON_ACCEPT,
    max_bytes: int = MAX_FETCH_BYTES,
    timeout: float = FETCH_TIMEOUT,
    public_only: bool = False,
) -> tuple[bytes, str]:
    """GET `url` (http or https only); return (body, content type). Raises ResolutionError.

    `timeout` bounds the whole exchange, not just each read, so a server that drips bytes
    cannot hold a verifier. With `public_only` (for a server verifying what strangers
    upload), hosts that resolve to loopback, private or link-local addresses are refused,
    redirects included.
    """
    _check_fetchable(url, public_only=public_only)
    opener = urllib.request.build_opener(_CheckedRedirects(public_only))
    request = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": USER_AGENT})
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise ResolutionError(f"{url} is too large ({int(declared)} bytes)")
            body = _read_until(response, max_bytes + 1, deadline, url)
            content_type = response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:  # urllib refuses redirects to other schemes this way
            raise ResolutionError(
                f"could not fetch {url}: refused redirect (HTTP {exc.code})"
            ) from exc
        raise ResolutionError(f"could not fetch {url}: HTTP {exc.code}") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, ResolutionError):
            raise exc.reason from None
        raise ResolutionError(f"could not fetch {url}: {_reason(exc.reason)}") from exc
    except (TimeoutError, OSError, ValueError, http.client.HTTPException) as exc:
        raise ResolutionError(f"could not fetch {url}: {_reason(exc)}") from exc
    if len(body) > max_bytes:
        raise ResolutionError(f"{url} is too large (over {max_bytes} bytes)")
    return body, content_type


def _read_until(response: http.client.HTTPResponse, limit: int, deadline: float, url: str) -> bytes:
    parts: list[bytes] = []
    received = 0
    while received < limit:
        if time.monotonic() > deadline:
            raise ResolutionError(f"could not fetch {url}: timed out")
        part = response.read(min(65536, limit - received))
        if not part:
            break
        parts.append(part)
        received += len(part)
    return b"".join(parts)


def _check_fetchable(url: str, *, public_only: bool) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ResolutionError(f"refusing to fetch {url!r}: only http and https URLs are fetched")
    if not public_only:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except (OSError, UnicodeError) as exc:
        raise ResolutionError(f"could not fetch {url}: unknown host {parts.hostname}") from exc
    for address in addresses:
        if not ipaddress.ip_address(str(address).split("%", 1)[0]).is_global:
            raise ResolutionError(f"refusing to fetch {url}: {parts.hostname} is not a public host")


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to URLs that would have been fetched in the first place."""

    def __init__(self, public_only: bool) -> None:
        self.public_only = public_only

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        _check_fetchable(newurl, public_only=self.public_only)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _reason(reason: object) -> str:
    text = str(reason).strip() or type(reason).__name__
    return text.splitlines()[0]


class Resolver:
    """Finds DID documents, verification methods and status list credentials by id or URL."""

    def __init__(
        self,
        documents: Iterable[dict] = (),
        *,
        offline: bool = False,
        cache_dir: Path | str | None = None,
        timeout: float = FETCH_TIMEOUT,
        public_only: bool = False,
    ) -> None:
        """Documents given here win over everything; `offline` forbids the network;
        `public_only` refuses hosts on loopback or private networks (see fetch_url)."""
        self.offline = offline
        self.public_only = public_only
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.timeout = timeout
        self._given: dict[str, dict] = {}
        # Fetched once per Resolver: verifying many credentials of one issuer reuses its
        # DID document and status lists (a Resolver lives for one verification run).
        self._fetched: dict[str, dict] = {}
        # Verdicts derived from the documents this resolver holds (e.g. "this status list's
        # own proof holds"), so that they are worked out once per run, not per credential.
        self.memo: dict[tuple, object] = {}
        for document in documents:
            self.add(document)

    def add(self, document: dict) -> None:
        """Make `document` (a DID document or a status list credential) known by its id."""
        if not isinstance(document, dict) or not isinstance(document.get("id"), str):
            raise VCError("a DID document or status list credential must be an object with an 'id'")
        self._given[_without_fragment(document["id"])] = document

    # ---- what verification asks for -------------------------------------------------

    def did_document(self, did: str) -> dict:
        """The DID document of `did` (did:web, or did:key computed locally), or the
        controller document at an HTTPS URL (a verification method such as
        ``https://example.edu/issuers/565049#key-1``), fetched as safely as a did:web."""
        did = _without_fragment(did)
        if did in self._given:
            return self._given[did]
        if did.startswith(("https://", "http://")):
            return self._controller_document(did)
        method = did.split(":", 2)[1] if did.count(":") >= 2 and did.startswith("did:") else None
        if method == "key":
            return _did_key_document(did)
        if method != "web":
            shown = f"did:{method}" if method else repr(did)
            raise ResolutionError(
                f"unknown DID method {shown}: only did:web, did:key and HTTPS controller "
                "documents are supported"
            )
        from laurel.vc.did import did_web_document_url

        try:
            url = did_web_document_url(did)
        except VCError as exc:
            raise ResolutionError(f"cannot resolve {did}: {exc}") from exc
        document = self._load_json(url, what=f"the DID document of {did}")
        if document.get("id") != did:
            raise ResolutionError(
                f"the DID document at {url} is for {document.get('id')!r}, not {did}"
            )
        return document

    def resolve_verification_method(self, vm_id: str) -> dict:
        """The verification method `vm_id` ("<did>#<key>", or "<https URL>#<key>") from its
        controller's document, if that document authorizes it for assertionMethod; raises
        ResolutionError otherwise."""
        if not isinstance(vm_id, str) or not vm_id.startswith(("did:", "https://", "http://")):
            raise ResolutionError(f"verification method {vm_id!r} is not a DID or HTTPS URL")
        from laurel.vc.did import verification_method

        return verification_method(self.did_document(vm_id), vm_id)

    def _controller_document(self, url: str) -> dict:
        # Controlled Identifiers 1.0: a controller document is fetched over HTTPS; plain
        # http only on the local host (development), exactly as for did:web.
        from laurel.vc.did import is_local_host

        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "https" and not is_local_host(parts.netloc):
            raise ResolutionError(f"refusing to fetch the controller document {url}: not https")
        document = self._load_json(url, what=f"the controller document {url}")
        if document.get("id") != url:
            raise ResolutionError(
                f"the controller document at {url} is for {document.get('id')!r}, not {url}"
            )
        return document

    def status_list_credential(self, url: str) -> dict:
        """The (signed) status list credential published at `url`."""
        if not isinstance(url, str) or not url:
            raise ResolutionError("the status entry has no statusListCredential URL")
        key = _without_fragment(url)
        if key in self._given:
            return self._given[key]
        return self._load_json(key, what=f"the status list {key}")

    # ---- sources ------------------------------------------------------------------

    def _load_json(self, url: str, *, what: str) -> dict:
        if url in self._fetched:
            return self._fetched[url]
        if self.offline:
            cached = self._read_cache(url)
            if cached is None:
                raise ResolutionError(f"{what} was not given and is not cached (offline)")
            return cached
        body, _type = fetch_url(url, timeout=self.timeout, public_only=self.public_only)
        document = _json_object(body, what)
        self._write_cache(url, document)
        self._fetched[url] = document
        return document

    def _cache_path(self, url: str) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / (hashlib.sha256(url.encode()).hexdigest() + ".json")

    def _read_cache(self, url: str) -> dict | None:
        path = self._cache_path(url)
        if path is None or not path.is_file():
            return None
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # a damaged cache entry is as good as none
        if not isinstance(entry, dict) or entry.get("url") != url:
            return None
        document = entry.get("document")
        return document if isinstance(document, dict) else None

    def _write_cache(self, url: str, document: dict) -> None:
        path = self._cache_path(url)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a concurrent reader never sees half a file.
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps({"url": url, "document": document}), encoding="utf-8")
            temporary.replace(path)
        except OSError:
            pass  # the cache only saves a fetch; failing to write it must not fail verification


def _without_fragment(value: str) -> str:
    return value.split("#", 1)[0]


def _did_key_document(did: str) -> dict:
    from laurel.vc.did import did_key
    from laurel.vc.keys import public_key_from_multikey

    try:
        public_key = public_key_from_multikey(did.removeprefix("did:key:"))
    except (VCError, ValueError) as exc:
        raise ResolutionError(f"{did} is not a valid Ed25519 did:key") from exc
    _did, document = did_key(public_key)
    return document


def _json_object(body: bytes, what: str) -> dict:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise ResolutionError(f"{what} is not valid JSON") from exc
    if not isinstance(document, dict):
        raise ResolutionError(f"{what} is not a JSON object")
    return document
