"""Build Open Badges 3.0 ``OpenBadgeCredential`` documents (W3C VC Data Model 2.0).

The output is a plain JSON-serializable dict, unsigned, that validates against the
official OB 3.0 JSON schema (``schemas/ob_v3p0_achievementcredential_schema.json``) and
uses only terms its contexts define (see ``laurel/vc/contexts/README.md``).
The recipient's email never appears: only its salted SHA-256 hash (an IdentityObject).
"""

import hashlib
import json
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import fastjsonschema
from jsonschema import Draft201909Validator, FormatChecker

from laurel.vc.errors import SchemaError, VCError
from laurel.vc.loader import CREDENTIALS_V2, OB_V3P0, OB_V3P0_EXTENSIONS
from laurel.vc.text import check_texts, refuse_control_characters

SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"
ACHIEVEMENT_CREDENTIAL_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
SCHEMA_VALIDATOR_TYPE = "1EdTechJsonSchemaValidator2019"
# Custom attributes are ResultDescription entries of this (extension) result type; the
# schema's extensible ResultType enumeration requires the "ext:" prefix for new values.
CUSTOM_ATTRIBUTE_RESULT_TYPE = "ext:LaurelCustomAttribute"
STATUS_PURPOSES = ("revocation", "suspension")


@dataclass(frozen=True)
class IssuerProfile:
    """The issuing organization, as its OB 3.0 ``Profile``."""

    id: str
    name: str
    url: str | None = None
    email: str | None = None
    image: str | None = None


@dataclass(frozen=True)
class Skill:
    """A skill the achievement aligns to (an OB 3.0 ``Alignment``)."""

    name: str
    url: str
    description: str | None = None
    framework: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class AchievementInfo:
    """The credential group, as its OB 3.0 ``Achievement``."""

    id: str
    name: str
    description: str
    criteria: str
    image: str | None = None
    achievement_type: str = "Certificate"
    skills: tuple[Skill, ...] = ()


@dataclass(frozen=True)
class Recipient:
    """The person awarded; the email is only ever published hashed with ``salt``."""

    name: str
    email: str
    salt: str | None = None


@dataclass(frozen=True)
class StatusEntry:
    """A slot in a Bitstring Status List (``list_url`` is the status list credential)."""

    list_url: str
    index: int
    purpose: str = "revocation"


def hash_identity(email: str, salt: str) -> str:
    """``"sha256$" + hex(sha256(normalized_email + salt))``; emails are trimmed and lowercased."""
    normalized = email.strip().lower()
    return "sha256$" + hashlib.sha256((normalized + salt).encode("utf-8")).hexdigest()


def xsd_datetime(moment: datetime) -> str:
    """An XSD dateTime in UTC with a "Z" and no fractional seconds, e.g. 2025-01-02T03:04:05Z."""
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise VCError(f"a credential date must be a timezone-aware datetime, got {moment!r}")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _image(url: str) -> dict[str, str]:
    return {"id": url, "type": "Image"}


def _issuer(issuer: IssuerProfile) -> dict[str, Any]:
    profile: dict[str, Any] = {"id": issuer.id, "type": ["Profile"], "name": issuer.name}
    if issuer.url:
        profile["url"] = issuer.url
    if issuer.email:
        profile["email"] = issuer.email
    if issuer.image:
        profile["image"] = _image(issuer.image)
    return profile


def _alignment(skill: Skill) -> dict[str, Any]:
    alignment: dict[str, Any] = {
        "type": ["Alignment"],
        "targetName": skill.name,
        "targetUrl": skill.url,
        # A skill is a competency in the CASE/CTDL sense, the schema's listed target type.
        "targetType": "ceasn:Competency",
    }
    optional = {
        "targetDescription": skill.description,
        "targetFramework": skill.framework,
        "targetCode": skill.code,
    }
    alignment.update({key: value for key, value in optional.items() if value})
    return alignment


def _custom_attribute_id(achievement_id: str, name: str) -> str:
    return f"{achievement_id}#custom-{quote(name, safe='')}"


def _result_descriptions(achievement_id: str, attributes: Mapping[str, str]) -> list[dict]:
    return [
        {
            "id": _custom_attribute_id(achievement_id, name),
            "type": ["ResultDescription"],
            "name": name,
            "resultType": CUSTOM_ATTRIBUTE_RESULT_TYPE,
        }
        for name in attributes
    ]


def _results(achievement_id: str, attributes: Mapping[str, str]) -> list[dict]:
    return [
        {
            "type": ["Result"],
            "resultDescription": _custom_attribute_id(achievement_id, name),
            "value": value,
        }
        for name, value in attributes.items()
    ]


def _achievement(info: AchievementInfo, attributes: Mapping[str, str]) -> dict[str, Any]:
    achievement: dict[str, Any] = {
        "id": info.id,
        "type": ["Achievement"],
        "name": info.name,
        "description": info.description,
        "criteria": {"narrative": info.criteria},
        "achievementType": info.achievement_type,
    }
    if info.image:
        achievement["image"] = _image(info.image)
    if info.skills:
        achievement["alignment"] = [_alignment(skill) for skill in info.skills]
    if attributes:
        achievement["resultDescription"] = _result_descriptions(info.id, attributes)
    return achievement


def _identifier(recipient: Recipient) -> dict[str, Any]:
    salt = recipient.salt if recipient.salt is not None else secrets.token_hex(16)
    return {
        "type": "IdentityObject",
        "identityType": "emailAddress",
        "hashed": True,
        "identityHash": hash_identity(recipient.email, salt),
        "salt": salt,
    }


def _subject(
    recipient: Recipient, achievement: AchievementInfo, attributes: Mapping[str, str]
) -> dict[str, Any]:
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "name": recipient.name,
        "identifier": [_identifier(recipient)],
        "achievement": _achievement(achievement, attributes),
    }
    if attributes:
        # Custom attributes ride on defined OB 3.0 terms: each is a Result whose
        # resultDescription points at a ResultDescription of the achievement (name = the
        # attribute's name). An ad-hoc property would be an undefined term, which
        # safe-mode verifiers reject and plain JSON-LD silently drops from the signature.
        subject["result"] = _results(achievement.id, attributes)
    return subject


def _status_entry(entry: StatusEntry) -> dict[str, Any]:
    if entry.purpose not in STATUS_PURPOSES:
        raise VCError(f"status purpose must be one of {STATUS_PURPOSES}, got {entry.purpose!r}")
    if isinstance(entry.index, bool) or not isinstance(entry.index, int) or entry.index < 0:
        raise VCError(f"status list index must be a non-negative integer, got {entry.index!r}")
    return {
        "id": f"{entry.list_url}#{entry.index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": entry.purpose,
        "statusListIndex": str(entry.index),
        "statusListCredential": entry.list_url,
    }


def _check_attributes(attributes: Mapping[str, str]) -> None:
    for name, value in attributes.items():
        if not isinstance(name, str) or not name.strip():
            raise VCError("a custom attribute needs a non-empty name")
        if not isinstance(value, str):
            raise VCError(f"custom attribute {name!r} must be text, got {type(value).__name__}")


def _check_texts(
    credential_id: str,
    issuer: IssuerProfile,
    achievement: AchievementInfo,
    recipient: Recipient,
    evidence_url: str | None,
    attributes: Mapping[str, str],
    status: Sequence[StatusEntry],
) -> None:
    # Control characters (see laurel/vc/text.py) would make a signature that JavaScript
    # verifiers reject: refuse them here, naming the field the user typed them into.
    texts: list[tuple[str, object]] = [
        ("credential id", credential_id),
        ("issuer id", issuer.id),
        ("issuer name", issuer.name),
        ("issuer url", issuer.url),
        ("issuer email", issuer.email),
        ("issuer image", issuer.image),
        ("achievement id", achievement.id),
        ("achievement name", achievement.name),
        ("achievement description", achievement.description),
        ("achievement criteria", achievement.criteria),
        ("achievement image", achievement.image),
        ("achievement type", achievement.achievement_type),
        ("recipient name", recipient.name),
        ("recipient salt", recipient.salt),
        ("evidence url", evidence_url),
    ]
    for skill in achievement.skills:
        texts += [
            ("skill name", skill.name),
            ("skill url", skill.url),
            ("skill description", skill.description),
            ("skill framework", skill.framework),
            ("skill code", skill.code),
        ]
    for name, value in attributes.items():
        texts += [("custom attribute name", name), (f"custom attribute {name!r}", value)]
    texts += [("status list url", entry.list_url) for entry in status]
    check_texts(texts)


def build_credential(
    *,
    credential_id: str,
    issuer: IssuerProfile,
    achievement: AchievementInfo,
    recipient: Recipient,
    valid_from: datetime,
    valid_until: datetime | None = None,
    evidence_url: str | None = None,
    custom_attributes: Mapping[str, str] | None = None,
    status: Sequence[StatusEntry] = (),
    schema: bool = True,
) -> dict[str, Any]:
    """An unsigned OB 3.0 ``OpenBadgeCredential``, schema-valid, with no bare email.

    ``schema`` adds ``credentialSchema`` (and the OB extensions context that defines its
    type); ``status`` entries become ``credentialStatus`` (an object for one entry, as the
    OB schema wants). Raises VCError for unusable input and SchemaError if the result
    does not validate. To sign it at once, ``issue.signed_credential`` does both and
    checks the document once.
    """
    credential = unchecked_credential(
        credential_id=credential_id,
        issuer=issuer,
        achievement=achievement,
        recipient=recipient,
        valid_from=valid_from,
        valid_until=valid_until,
        evidence_url=evidence_url,
        custom_attributes=custom_attributes,
        status=status,
        schema=schema,
    )
    refuse_control_characters(credential, "the credential")  # whatever _check_texts missed
    validate_schema(credential)
    return credential


def unchecked_credential(
    *,
    credential_id: str,
    issuer: IssuerProfile,
    achievement: AchievementInfo,
    recipient: Recipient,
    valid_from: datetime,
    valid_until: datetime | None = None,
    evidence_url: str | None = None,
    custom_attributes: Mapping[str, str] | None = None,
    status: Sequence[StatusEntry] = (),
    schema: bool = True,
) -> dict[str, Any]:
    """``build_credential`` without its two whole-document checks (the control-character
    search and the OB 3.0 schema): only for ``proof.sign``, which makes both on the
    signed document (see ``issue.signed_credential``).

    The input checks stay: unusable input raises VCError, and a control character in any
    text given raises ControlCharacterError naming the field.
    """
    attributes = dict(custom_attributes or {})
    _check_attributes(attributes)
    _check_texts(credential_id, issuer, achievement, recipient, evidence_url, attributes, status)
    context = [CREDENTIALS_V2, OB_V3P0] + ([OB_V3P0_EXTENSIONS] if schema else [])
    credential: dict[str, Any] = {
        "@context": context,
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement.name,
        "issuer": _issuer(issuer),
        "validFrom": xsd_datetime(valid_from),
    }
    if valid_until is not None:
        if valid_until <= valid_from:
            raise VCError("validUntil must be later than validFrom")
        credential["validUntil"] = xsd_datetime(valid_until)
    credential["credentialSubject"] = _subject(recipient, achievement, attributes)
    if evidence_url:
        credential["evidence"] = [{"id": evidence_url, "type": ["Evidence"]}]
    entries = [_status_entry(entry) for entry in status]
    if entries:
        credential["credentialStatus"] = entries[0] if len(entries) == 1 else entries
    if schema:
        credential["credentialSchema"] = [
            {"id": ACHIEVEMENT_CREDENTIAL_SCHEMA, "type": SCHEMA_VALIDATOR_TYPE}
        ]
    return credential


def _schema() -> dict[str, Any]:
    path = SCHEMAS_DIR / "ob_v3p0_achievementcredential_schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


_DATE = re.compile(r"\d{4}-\d\d-\d\d\Z")
_DATE_TIME = re.compile(
    r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)\Z", re.ASCII
)


def _is_date(value: object) -> bool:
    # A format only judges strings (JSON Schema): another type is the "type" keyword's
    # business, and jsonschema hands every instance to the checker.
    if not isinstance(value, str):
        return True
    try:
        return bool(_DATE.match(value)) and date.fromisoformat(value) is not None
    except ValueError:
        return False


def _is_date_time(value: object) -> bool:
    # RFC 3339 (what JSON Schema's date-time means): a time zone is required.
    if not isinstance(value, str):
        return True  # as for dates: only strings have a format
    try:
        return bool(_DATE_TIME.match(value)) and datetime.fromisoformat(value.upper()) is not None
    except ValueError:
        return False


# One definition of the schema's two formats, shared by both validators below.
FORMATS = {"date": _is_date, "date-time": _is_date_time}


@cache
def _validator() -> Draft201909Validator:
    checker = FormatChecker(formats=())
    for name, check in FORMATS.items():
        checker.checks(name)(check)
    return Draft201909Validator(_schema(), format_checker=checker)


@cache
def _fast_validator() -> Callable[[Any], Any]:
    # jsonschema takes ~1.3 ms per credential, more than the whole signing budget of a
    # bulk job; the compiled validator takes ~0.08 ms. jsonschema stays the reference: it
    # explains every rejection, and tests check that both give the same verdicts.
    return fastjsonschema.compile(_schema(), formats=FORMATS)


def _where(path: Sequence[Any]) -> str:
    return "/".join(str(part) for part in path) or "(document)"


def _explain(
    document: dict,
    fast_error: Exception | None,
    *,
    where: Callable[[Sequence[Any]], str] = _where,
) -> SchemaError:
    """The first failing place of `document`, named by `where` (its path by default)."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if not errors:
        return SchemaError(f"OB 3.0 schema: {fast_error}")
    first = errors[0]
    message = first.message if len(first.message) <= 200 else first.message[:200] + "..."
    return SchemaError(f"OB 3.0 schema: at {where(list(first.absolute_path))}: {message}")


def validate_schema(document: dict) -> None:
    """Raise SchemaError (naming the first failing place) unless ``document`` validates
    against the official OB 3.0 AchievementCredential JSON schema."""
    if not isinstance(document, dict):
        raise SchemaError("a credential must be a JSON object")
    try:
        _fast_validator()(document)
    except fastjsonschema.JsonSchemaException as error:
        raise _explain(document, error) from None
