"""Verification that explains itself: one line per check, never a bare true/false.

Checks, in the order a person reads them:

- ``proof``: the Data Integrity signature (eddsa-rdfc-2022) over the credential;
- ``issuer key``: the signing key is in the issuer's DID document, authorized for
  assertionMethod, controlled by the issuer, and was not retired when it signed;
- ``status``: every credentialStatus entry (Bitstring Status List, revocation or
  suspension), read from a status list whose own proof verifies;
- ``validity dates``: validFrom is not in the future and validUntil is not past;
- ``schema``: the Open Badges 3.0 JSON schema, the document read as JSON-LD means it
  (compacted single values in the plain-JSON form the schema spells out, see
  ``compacted.py``); the signature is checked on the document as it was signed.

Each check ends ``passed``, ``failed`` (with the reason) or ``could not check`` (with the
reason: a DID document or status list that could not be obtained, typically offline).

What "valid" means: the proof and the issuer key passed, and no check failed. A status
that could not be checked does not make a credential invalid (an offline verifier cannot
know), but the report is then not ``complete``; callers that need certainty about
revocation require ``report.complete`` as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from laurel.vc.errors import ProofError, ResolutionError, VCError
from laurel.vc.extract import check_credential_shape
from laurel.vc.resolver import Resolver
from laurel.vc.status_list import Bitstring

PASSED = "passed"
FAILED = "failed"
COULD_NOT_CHECK = "could not check"
CHECK_NAMES = ("proof", "issuer key", "status", "validity dates", "schema")
OB_TYPES = {"OpenBadgeCredential", "AchievementCredential"}


@dataclass(frozen=True)
class Check:
    """The outcome of one check: "passed", "failed" or "could not check", and why."""

    name: str
    outcome: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        """The check as JSON-ready data."""
        return {"name": self.name, "outcome": self.outcome, "reason": self.reason}


@dataclass
class Report:
    """Every check run on one credential, and the verdict drawn from them."""

    checks: list[Check] = field(default_factory=list)
    credential_id: str | None = None
    issuer: str | None = None

    def check(self, name: str) -> Check:
        """The check called `name` (KeyError if it did not run)."""
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(name)

    @property
    def valid(self) -> bool:
        """The proof and the issuer key passed, and no check failed."""
        essential = all(self.check(name).outcome == PASSED for name in ("proof", "issuer key"))
        return essential and not any(check.outcome == FAILED for check in self.checks)

    @property
    def complete(self) -> bool:
        """Every check could be run (none is "could not check")."""
        return all(check.outcome != COULD_NOT_CHECK for check in self.checks)

    def summary(self) -> str:
        """One line: the verdict and, when not valid or not complete, why."""
        failed = [c.name for c in self.checks if c.outcome == FAILED]
        unchecked = [c.name for c in self.checks if c.outcome == COULD_NOT_CHECK]
        if self.valid and not unchecked:
            return "VALID: every check passed"
        if self.valid:
            return f"VALID, but could not check: {', '.join(unchecked)}"
        if failed:
            return f"NOT VALID: {', '.join(failed)} failed"
        return f"NOT VALID: could not check {', '.join(unchecked)}"

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (for ``laurel verify --json`` and the API)."""
        return {
            "valid": self.valid,
            "complete": self.complete,
            "summary": self.summary(),
            "credential": {"id": self.credential_id, "issuer": self.issuer},
            "checks": [check.to_dict() for check in self.checks],
        }

    def to_text(self) -> str:
        """The report for people: one line per check, then the verdict."""
        width = max(len(name) for name in CHECK_NAMES)
        lines = [f"credential: {self.credential_id or '(no id)'}", f"issuer:     {self.issuer}"]
        for check in self.checks:
            lines.append(f"{check.name:<{width}}  {check.outcome:<15}  {_one_line(check.reason)}")
        lines.append(self.summary())
        return "\n".join(lines)


def verify_credential(document: dict, *, resolver: Resolver, now: datetime | None = None) -> Report:
    """Run every check on `document` and return the report.

    Raises VCError only when `document` is not a verifiable credential at all (not an
    object, no @context, type or issuer); everything else is reported as a check.
    """
    check_credential_shape(document)
    now = now or datetime.now(UTC)
    report = Report(credential_id=_string(document.get("id")), issuer=issuer_id(document))
    proof_check, proof_info = _check_proof(document, resolver)
    report.checks.append(proof_check)
    report.checks.append(_check_issuer_key(document, proof_info, resolver))
    report.checks.append(_check_status(document, resolver, now))
    report.checks.append(_check_dates(document, now))
    report.checks.append(_check_schema(document))
    return report


def issuer_id(document: dict) -> str | None:
    """The issuer's id, whether `issuer` is a string or a profile object."""
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


# ---- proof --------------------------------------------------------------------------


@dataclass(frozen=True)
class _ProofInfo:
    verification_method: str | None
    created: datetime | None


def _check_proof(document: dict, resolver: Resolver) -> tuple[Check, _ProofInfo]:
    outcome, reason, info = _verify_signature(document, resolver)
    return Check("proof", outcome, reason), info


def _verify_signature(document: dict, resolver: Resolver) -> tuple[str, str, _ProofInfo]:
    """Verify a document's proof; (outcome, reason, what the proof names)."""
    from laurel.vc.did import verification_method
    from laurel.vc.proof import verify_proof

    unresolved: list[ResolutionError] = []
    key_errors: list[ResolutionError] = []

    def resolve(vm_id: str) -> dict:
        # A DID document we cannot get leaves the proof unchecked; a document we got that
        # lacks the key (or does not authorize it) fails it.
        try:
            did_document = resolver.did_document(vm_id)
        except ResolutionError as exc:
            unresolved.append(exc)
            raise
        try:
            return verification_method(did_document, vm_id)
        except ResolutionError as exc:
            key_errors.append(exc)
            raise

    declared = _declared_proof(document)
    try:
        result = verify_proof(document, resolve=resolve)
    except ResolutionError as exc:
        if unresolved:
            return COULD_NOT_CHECK, f"the signing key could not be obtained: {exc}", declared
        if key_errors:
            return FAILED, f"the signing key is not usable: {exc}", declared
        # Not the key: a JSON-LD context Laurel does not ship (it never fetches one).
        return FAILED, f"the document cannot be verified: {exc}", declared
    except ProofError as exc:
        return FAILED, str(exc), declared
    except VCError as exc:
        return FAILED, f"the document cannot be verified: {exc}", declared
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError) as exc:
        # A hostile shape that slipped past the library's own checks: still a verdict on
        # this document, never a crash of the page or command that asked.
        name = type(exc).__name__
        return FAILED, f"the document cannot be processed ({name}: {exc})", declared
    info = _ProofInfo(
        result.verification_method or declared.verification_method,
        result.created or declared.created,
    )
    if result.ok:
        return PASSED, f"eddsa-rdfc-2022 signature by {info.verification_method}", info
    if unresolved:
        return COULD_NOT_CHECK, f"the signing key could not be obtained: {unresolved[-1]}", info
    return FAILED, result.reason, info


def _declared_proof(document: dict) -> _ProofInfo:
    """What a single proof says about itself, read without trusting it."""
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, dict):
        return _ProofInfo(None, None)
    created = proof.get("created")
    return _ProofInfo(
        _string(proof.get("verificationMethod")),
        _parse_datetime(created) if isinstance(created, str) else None,
    )


# ---- issuer key ---------------------------------------------------------------------


def _check_issuer_key(document: dict, proof: _ProofInfo, resolver: Resolver) -> Check:
    outcome, reason = _key_verdict(issuer_id(document), proof, resolver)
    return Check("issuer key", outcome, reason)


def _key_verdict(issuer: str | None, proof: _ProofInfo, resolver: Resolver) -> tuple[str, str]:
    """Is the key that signed known, authorized, the issuer's, and not retired at signing?"""
    from laurel.vc.did import retired_at, verification_method

    vm_id = proof.verification_method
    if not vm_id:
        return COULD_NOT_CHECK, "the proof names no verification method"
    try:
        did_document = resolver.did_document(vm_id)
    except ResolutionError as exc:
        return COULD_NOT_CHECK, f"the issuer's DID document could not be obtained: {exc}"
    try:
        method = verification_method(did_document, vm_id)
        retired = retired_at(method)
    except VCError as exc:  # ResolutionError here: the document is there, the key is not
        return FAILED, str(exc)
    controller = method.get("controller")
    if controller != issuer:
        return FAILED, f"key {vm_id} is controlled by {controller!r}, not by the issuer {issuer!r}"
    # A DID document can claim any controller for its keys: the key must also live in the
    # issuer's own DID document, or anyone could sign in the issuer's name.
    if vm_id.split("#", 1)[0] != issuer or did_document.get("id") != issuer:
        return FAILED, f"key {vm_id} is not in the issuer's DID document ({issuer})"
    if retired is None:
        return PASSED, f"key {vm_id} belongs to the issuer and is active"
    if proof.created is None:
        return FAILED, f"key {vm_id} was retired on {_show(retired)} and the proof has no date"
    if proof.created >= retired:
        return FAILED, (
            f"key {vm_id} was retired on {_show(retired)} but signed on {_show(proof.created)}"
        )
    return PASSED, (
        f"key {vm_id} belongs to the issuer; it signed on {_show(proof.created)}, "
        f"before it was retired on {_show(retired)}"
    )


# ---- status -------------------------------------------------------------------------


def _check_status(document: dict, resolver: Resolver, now: datetime) -> Check:
    entries = document.get("credentialStatus")
    if entries is None:
        return Check("status", PASSED, "the credential has no status entry: it cannot be revoked")
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list) or not entries:
        return Check("status", FAILED, "credentialStatus must be an object or a list of objects")
    verdicts = [_entry_verdict(entry, document, resolver, now) for entry in entries]
    for wanted in (FAILED, COULD_NOT_CHECK):
        reasons = [reason for outcome, reason in verdicts if outcome == wanted]
        if reasons:
            return Check("status", wanted, "; ".join(reasons))
    return Check("status", PASSED, "; ".join(reason for _outcome, reason in verdicts))


def _entry_verdict(
    entry: object, document: dict, resolver: Resolver, now: datetime
) -> tuple[str, str]:
    """One credentialStatus entry: is its bit set in a status list we can trust?"""
    if not isinstance(entry, dict):
        return FAILED, "a credentialStatus entry is not an object"
    if entry.get("type") != "BitstringStatusListEntry":
        return COULD_NOT_CHECK, f"status type {entry.get('type')!r} is not supported"
    purpose = entry.get("statusPurpose")
    if purpose not in ("revocation", "suspension"):
        return COULD_NOT_CHECK, f"status purpose {purpose!r} is not supported"
    index = _status_index(entry.get("statusListIndex"))
    if index is None:
        shown = _shorten(repr(entry.get("statusListIndex")))
        return FAILED, f"statusListIndex {shown} is not a whole number of at most 18 digits"
    url = entry.get("statusListCredential")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return FAILED, f"statusListCredential {url!r} is not an http(s) URL"
    try:
        status_list = resolver.status_list_credential(url)
    except ResolutionError as exc:
        return COULD_NOT_CHECK, f"the {purpose} list could not be obtained: {exc}"
    trusted = _trusted_bits(status_list, url, purpose, issuer_id(document), resolver)
    if not isinstance(trusted, Bitstring):
        return trusted
    valid_until = _parse_datetime(status_list.get("validUntil"))
    if valid_until is not None and valid_until < now:
        return COULD_NOT_CHECK, f"the status list {url} expired on {_show(valid_until)}"
    try:
        is_set = trusted.get(index)
    except VCError as exc:
        return FAILED, f"the {purpose} list {url} is unusable: {exc}"
    if is_set:
        word = "revoked" if purpose == "revocation" else "suspended"
        return FAILED, f"{word} (bit {index} of {url} is set)"
    word = "not revoked" if purpose == "revocation" else "not suspended"
    return PASSED, f"{word} (bit {index} of {url} is clear)"


def _trusted_bits(
    status_list: dict, url: str, purpose: str, issuer: str | None, resolver: Resolver
) -> Bitstring | tuple[str, str]:
    """The bits of a status list we can trust, or (outcome, reason) why we cannot.

    Remembered on the resolver, which holds the list for the whole run: verifying a
    thousand credentials of one list checks the list's proof once.
    """
    key = ("status list", url, purpose, issuer)
    remembered = resolver.memo.get(key)
    # Keep the document with its verdict: a list replaced on the resolver is judged anew.
    if not (isinstance(remembered, tuple) and remembered[0] is status_list):
        remembered = (status_list, _judge_status_list(status_list, url, purpose, issuer, resolver))
        resolver.memo[key] = remembered
    return remembered[1]


def _judge_status_list(
    status_list: dict, url: str, purpose: str, issuer: str | None, resolver: Resolver
) -> Bitstring | tuple[str, str]:
    types = status_list.get("type")
    types = [types] if isinstance(types, str) else types
    subject = status_list.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]  # JSON-LD: a list of one is the single value
    if not isinstance(types, list) or "BitstringStatusListCredential" not in types:
        return FAILED, f"{url} is not a BitstringStatusListCredential"
    if not isinstance(subject, dict) or subject.get("statusPurpose") != purpose:
        return FAILED, f"{url} is not a {purpose} list"
    if issuer_id(status_list) != issuer:
        listed = issuer_id(status_list)
        return FAILED, f"{url} is issued by {listed!r}, not by the credential's issuer"
    outcome, reason, proof = _verify_signature(status_list, resolver)
    if outcome != PASSED:
        return outcome, f"the status list {url} cannot be trusted: {reason}"
    outcome, reason = _key_verdict(issuer, proof, resolver)
    if outcome != PASSED:
        return outcome, f"the status list {url} cannot be trusted: {reason}"
    try:
        return Bitstring.decode(subject.get("encodedList"))  # type: ignore[arg-type]
    except VCError as exc:
        return FAILED, f"the {purpose} list {url} is unusable: {exc}"


MAX_INDEX_DIGITS = 18  # far beyond any list (16 MB of bits is 9 digits)


def _status_index(value: object) -> int | None:
    # Bounded before int(): Python refuses (ValueError) to read over 4300 digits.
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value) if len(value) <= MAX_INDEX_DIGITS else None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value  # the spec says string; accept what older issuers wrote
    return None


# ---- validity dates -----------------------------------------------------------------


def _check_dates(document: dict, now: datetime) -> Check:
    start_field = "validFrom" if "validFrom" in document else "issuanceDate"
    end_field = "validUntil" if "validUntil" in document else "expirationDate"
    start, start_bad = _date_field(document, start_field)
    end, end_bad = _date_field(document, end_field)
    if start_bad or end_bad:
        return Check("validity dates", FAILED, start_bad or end_bad or "")
    if start is not None and start > now:
        return Check("validity dates", FAILED, f"not valid yet: valid from {_show(start)}")
    if end is not None and end < now:
        return Check("validity dates", FAILED, f"expired on {_show(end)}")
    since = f"valid from {_show(start)}" if start else "no start date"
    until = f"until {_show(end)}" if end else "no expiry"
    return Check("validity dates", PASSED, f"{since}, {until}")


def _date_field(document: dict, name: str) -> tuple[datetime | None, str | None]:
    """(the date, None), (None, None) when absent, or (None, why it is unreadable)."""
    if name not in document:
        return None, None
    moment = _parse_datetime(document[name])
    if moment is None:
        return None, f"{name} {document[name]!r} is not a date and time"
    return moment, None


# ---- schema -------------------------------------------------------------------------


def _check_schema(document: dict) -> Check:
    # Judged as JSON-LD means it: a compacted single value (proof as one object, a string
    # type, an image by its URL) is the same credential as the plain-JSON form the schema
    # spells out, so it passes, with a note saying where (see laurel/vc/compacted.py).
    from laurel.vc.compacted import validate_as_jsonld

    declared = document.get("type")
    types = {declared} if isinstance(declared, str) else set(declared or ())
    if not OB_TYPES & types:
        return Check("schema", COULD_NOT_CHECK, "not an Open Badges credential: no schema to apply")
    try:
        compacted = validate_as_jsonld(document)
    except VCError as exc:
        return Check("schema", FAILED, str(exc))
    except (TypeError, ValueError, RecursionError) as exc:  # a hostile value upset a checker
        return Check("schema", FAILED, f"the document cannot be checked ({type(exc).__name__})")
    valid = "valid against the Open Badges 3.0 AchievementCredential schema"
    if not compacted:
        return Check("schema", PASSED, valid)
    return Check(
        "schema",
        PASSED,
        f"{valid}, in compacted JSON-LD form (read as the plain-JSON form at "
        f"{', '.join(compacted)})",
    )


# ---- small helpers ------------------------------------------------------------------


def _parse_datetime(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("z", "Z"))
    except ValueError:
        return None
    # xsd:dateTime without a zone is rare in credentials; read it as UTC, as verifiers do.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _show(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "..."
