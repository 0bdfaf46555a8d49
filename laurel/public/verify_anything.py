"""/verify: a credential given by its id, its URL or as a file, judged by the same checks.

Ours (an id, or a URL under LAUREL_BASE_URL) is read from the database and judged like its
page, privacy included. Anything else is a document: fetched (public addresses only,
timeouts, a size limit) or uploaded, then read (JSON, baked PNG or SVG, PDF) and verified
with laurel.vc, our issuers and lists from the database and others' from the network.
Every failure is one sentence for a person; none is an exception for the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from laurel.credentials.models import Credential
from laurel.public.resolvers import network_resolver
from laurel.public.verification import (
    CheckLine,
    Standing,
    check_lines,
    page_credential,
    report_standing,
    run_checks,
    standing,
    stored_report,
)
from laurel.vc.errors import VCError
from laurel.vc.extract import extract_credential
from laurel.vc.resolver import fetch_url

CREDENTIAL_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
FETCH_TIMEOUT = 8.0
# What a credential's address may serve: JSON first, a baked image or a PDF if that is it.
FETCH_ACCEPT = "application/vc+ld+json, application/ld+json, application/json, image/*, */*;q=0.5"


@dataclass
class Outcome:
    """What /verify shows: an error sentence, the private notice, or a verdict."""

    error: str = ""
    private: bool = False
    credential: Credential | None = None  # ours, when it is one of ours
    standing: Standing | None = None
    checks: list[CheckLine] = field(default_factory=list)
    summary: dict = field(default_factory=dict)  # names read from a foreign document
    counted_id: str | None = None  # ours, named by a file or an address: for the counters

    @property
    def verified_id(self) -> str | None:
        """The id of our credential this verification was of, if it was of one of ours."""
        return self.credential.pk if self.credential is not None else self.counted_id


def verify_reference(reference: str, *, may_view) -> Outcome:
    """A credential id or an http(s) URL; `may_view(credential)` is the privacy rule."""
    reference = (reference or "").strip()
    if not reference:
        return Outcome(error=_("Enter a credential id or address, or choose a file."))
    ours = _our_id(reference)
    if ours is not None:
        return _ours(ours, may_view)
    if not reference.startswith(("https://", "http://")):
        return Outcome(error=_("This is neither a credential id nor a web address (https://…)."))
    try:
        body, _type = fetch_url(
            reference,
            accept=FETCH_ACCEPT,
            max_bytes=settings.LAUREL_VERIFY_MAX_UPLOAD_BYTES,
            timeout=FETCH_TIMEOUT,
            public_only=not settings.LAUREL_VERIFY_ALLOW_PRIVATE_URLS,
        )
    except VCError as error:
        return Outcome(error=_("The address could not be fetched: %(why)s") % {"why": error})
    return verify_bytes(body, filename=reference)


def verify_upload(upload) -> Outcome:
    """An uploaded file (Django UploadedFile), refused above the size limit before reading."""
    limit = settings.LAUREL_VERIFY_MAX_UPLOAD_BYTES
    if upload.size > limit:
        return Outcome(
            error=_("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {
                "size": number_format(upload.size / 1024 / 1024, 1),  # "5,3" in French
                "limit": number_format(limit // 1024 // 1024),
            }
        )
    return verify_bytes(upload.read(limit + 1), filename=upload.name)


def verify_bytes(data: bytes, *, filename: str | None = None) -> Outcome:
    if len(data) > settings.LAUREL_VERIFY_MAX_UPLOAD_BYTES:
        return Outcome(error=_("The file is too large."))
    try:
        document = extract_credential(data, filename=filename)
    except VCError as error:
        return Outcome(error=_("No credential could be read: %(why)s.") % {"why": error})
    report = run_checks(document, network_resolver())
    summary = _summary(document)
    return Outcome(
        standing=report_standing(report),
        checks=check_lines(report),
        summary=summary,
        counted_id=_issued_here(summary["id"]),
    )


def _issued_here(document_id: str) -> str | None:
    """The id of our published credential a document says it is (its `id` is our URL)."""
    ours = _our_id(document_id) if document_id.startswith(("https://", "http://")) else None
    if ours is None:
        return None
    found = Credential.objects.filter(pk=ours).exclude(status=Credential.Status.DRAFT).exists()
    return ours if found else None


def _ours(credential_id: str, may_view) -> Outcome:
    credential = page_credential(credential_id)
    if credential is None:
        return Outcome(error=_("No credential with this id was issued here."))
    if not may_view(credential):
        return Outcome(private=True)
    report = stored_report(credential)
    return Outcome(
        credential=credential,
        standing=standing(credential, report),
        checks=check_lines(report),
    )


def _our_id(reference: str) -> str | None:
    """The credential id in `reference` when it is a bare id or one of our credential URLs."""
    if CREDENTIAL_ID.match(reference):
        return reference
    base = urlsplit(settings.LAUREL_BASE_URL)
    parts = urlsplit(reference)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    match = re.match(r"^/credential/([A-Za-z0-9_-]{1,64})(\.json)?/?$", parts.path)
    return match.group(1) if match else None


def _summary(document: dict) -> dict:
    """Names a person recognises, read (untrusted, as text) from a foreign document."""

    def text(value) -> str:
        return value[:300] if isinstance(value, str) else ""

    issuer = document.get("issuer")
    subject = document.get("credentialSubject")
    if isinstance(subject, list) and subject:
        subject = subject[0]
    subject = subject if isinstance(subject, dict) else {}
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    return {
        "id": text(document.get("id")),
        "issuer": text(issuer.get("name")) if isinstance(issuer, dict) else "",
        "issuer_id": text(issuer.get("id") if isinstance(issuer, dict) else issuer),
        "name": text(document.get("name")) or text(achievement.get("name")),
        "recipient": text(subject.get("name")),
        "valid_from": text(document.get("validFrom") or document.get("issuanceDate")),
        "valid_until": text(document.get("validUntil") or document.get("expirationDate")),
    }
