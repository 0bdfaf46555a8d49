"""The reasons of the verification checks in the page's language.

laurel.vc.verify imports nothing from Django and writes its reasons in English (the
`laurel verify` command prints them as they are). The pages show them to recipients and
verifiers in their own language: each reason laurel.vc writes for a credential it can read
is matched here and said again from the catalog, with its technical parts (key ids, list
addresses, bit numbers) kept as they are and its dates written for the language. A
reason not listed (a rare malformation, another library's error message) stays English:
it names JSON fields a translation would not help with.
tests/public/test_languages.py runs the real checks on real credentials and fails if one
of the usual reasons is not matched, so a change of wording in laurel.vc is noticed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from django.utils.formats import date_format
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext_lazy as _

_MOMENT = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"

# (pattern over the whole English reason, the message; groups named like its placeholders;
# groups whose name ends in "_at" are moments, written in the active language).
REASONS = [
    (r"eddsa-rdfc-2022 signature by (?P<key>\S+)", _("eddsa-rdfc-2022 signature by %(key)s")),
    (
        r"the signature does not match the document \(altered, or signed by another key\)",
        _("the signature does not match the document (it was altered, or signed by another key)"),
    ),
    (r"the document has no proof", _("the document has no signature")),
    (
        r"the signing key could not be obtained: (?P<error>.+)",
        _("the signing key could not be obtained: %(error)s"),
    ),
    (
        r"the signing key is not usable: (?P<error>.+)",
        _("the signing key is not usable: %(error)s"),
    ),
    (
        r"the document cannot be verified: (?P<error>.+)",
        _("the document cannot be verified: %(error)s"),
    ),
    (
        r"key (?P<key>\S+) belongs to the issuer and is active",
        _("key %(key)s belongs to the issuer and is active"),
    ),
    (
        rf"key (?P<key>\S+) belongs to the issuer; it signed on (?P<signed_at>{_MOMENT}), "
        rf"before it was retired on (?P<retired_at>{_MOMENT})",
        _(
            "key %(key)s belongs to the issuer; it signed on %(signed_at)s, before it was "
            "retired on %(retired_at)s"
        ),
    ),
    (
        rf"key (?P<key>\S+) was retired on (?P<retired_at>{_MOMENT}) "
        rf"but signed on (?P<signed_at>{_MOMENT})",
        _("key %(key)s was retired on %(retired_at)s but signed on %(signed_at)s"),
    ),
    (
        r"key (?P<key>\S+) is not in the issuer's DID document \((?P<issuer>.+)\)",
        _("key %(key)s is not in the issuer's DID document (%(issuer)s)"),
    ),
    (
        r"the issuer's DID document could not be obtained: (?P<error>.+)",
        _("the issuer's DID document could not be obtained: %(error)s"),
    ),
    (r"the proof names no verification method", _("the signature names no key")),
    (
        r"the credential has no status entry: it cannot be revoked",
        _("the credential has no status entry: it cannot be revoked"),
    ),
    (
        r"not revoked \(bit (?P<bit>\d+) of (?P<list>\S+) is clear\)",
        _("not revoked (bit %(bit)s of %(list)s is clear)"),
    ),
    (
        r"revoked \(bit (?P<bit>\d+) of (?P<list>\S+) is set\)",
        _("revoked (bit %(bit)s of %(list)s is set)"),
    ),
    (
        r"not suspended \(bit (?P<bit>\d+) of (?P<list>\S+) is clear\)",
        _("not suspended (bit %(bit)s of %(list)s is clear)"),
    ),
    (
        r"suspended \(bit (?P<bit>\d+) of (?P<list>\S+) is set\)",
        _("suspended (bit %(bit)s of %(list)s is set)"),
    ),
    (
        r"the revocation list could not be obtained: (?P<error>.+)",
        _("the revocation list could not be obtained: %(error)s"),
    ),
    (
        rf"valid from (?P<from_at>{_MOMENT}), until (?P<until_at>{_MOMENT})",
        _("valid from %(from_at)s until %(until_at)s"),
    ),
    (rf"valid from (?P<from_at>{_MOMENT}), no expiry", _("valid from %(from_at)s, no expiry")),
    (
        rf"no start date, until (?P<until_at>{_MOMENT})",
        _("no start date, valid until %(until_at)s"),
    ),
    (r"no start date, no expiry", _("no start date, no expiry")),
    (rf"expired on (?P<expired_at>{_MOMENT})", _("expired on %(expired_at)s")),
    (
        rf"not valid yet: valid from (?P<from_at>{_MOMENT})",
        _("not valid yet: valid from %(from_at)s"),
    ),
    (
        r"valid against the Open Badges 3\.0 AchievementCredential schema",
        _("valid against the Open Badges 3.0 AchievementCredential schema"),
    ),
    (
        r"valid against the Open Badges 3\.0 AchievementCredential schema, in compacted "
        r"JSON-LD form \(read as the plain-JSON form at (?P<paths>.+)\)",
        _(
            "valid against the Open Badges 3.0 AchievementCredential schema, in compacted "
            "JSON-LD form (read as the plain-JSON form at %(paths)s)"
        ),
    ),
    (
        r"not an Open Badges credential: no schema to apply",
        _("not an Open Badges credential: no schema to apply"),
    ),
]
_COMPILED = [(re.compile(pattern + r"\Z", re.DOTALL), message) for pattern, message in REASONS]


def localized_reason(reason: str) -> str:
    """`reason` (as laurel.vc.verify wrote it) in the active language, when it is known.

    A status check over several entries joins their reasons with "; ": each is said
    again on its own.
    """
    said = _localized_one(reason)
    if said is not None:
        return said
    parts = reason.split("; ")
    if len(parts) > 1:
        said_parts = [_localized_one(part) for part in parts]
        if all(part is not None for part in said_parts):
            return "; ".join(said_parts)  # type: ignore[arg-type]
    return reason


def _localized_one(reason: str) -> str | None:
    for pattern, message in _COMPILED:
        found = pattern.match(reason)
        if found is not None:
            values = {
                name: _moment(value) if name.endswith("_at") else _isolated(value)
                for name, value in found.groupdict().items()
            }
            return str(message) % values if values else str(message)
    return None


def _isolated(text: str) -> str:
    """A key id, an address or an error, kept in its own left-to-right run in a right-to-left
    sentence (Unicode's first-strong isolate): its colons, slashes and brackets stay put."""
    return f"\u2068{text}\u2069" if get_language_bidi() else text


def _moment(text: str) -> str:
    moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return _("%(moment)s UTC") % {"moment": date_format(moment, "DATETIME_FORMAT")}
