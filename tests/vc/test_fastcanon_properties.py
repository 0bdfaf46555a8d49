"""The fast canonicalizer gives PyLD's URDNA2015 output byte for byte, on thousands of
credentials built from hostile text: quotes, backslashes, the control characters Laurel
accepts (tab, newline, carriage return, C1), newlines, tabs, RTL and zero-width marks, emoji, combining marks, 10,000-character strings, and
every optional part present or absent.

The reference is plain PyLD (``jsonld.normalize`` with URDNA2015 and Laurel's offline
context loader), not anything of ours. Examples are derandomized so CI runs the same
thousands every time; set HYPOTHESIS_PROFILE=fastcanon-deep for a longer random search.
"""

import copy
import os
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld

from laurel.vc.credential import (
    AchievementInfo,
    IssuerProfile,
    Recipient,
    Skill,
    StatusEntry,
    build_credential,
)
from laurel.vc.errors import ControlCharacterError
from laurel.vc.fastcanon import canonize_fast
from laurel.vc.keys import generate_key
from laurel.vc.loader import document_loader
from laurel.vc.proof import sign
from laurel.vc.status_list import Bitstring, build_status_list_credential

KEY = generate_key()
METHOD = "did:web:laurel.example:issuers:demo#key-1"

pytestmark = pytest.mark.slow

settings.register_profile(
    "fastcanon-ci",
    max_examples=2000,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fastcanon-deep",
    max_examples=20000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("fastcanon-quick", max_examples=60, deadline=None, database=None)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "fastcanon-ci"))
# The other shapes are smaller families: fewer examples cover them.
SMALLER = settings(PROFILE, max_examples=max(PROFILE.max_examples // 6, 50))


def pyld_canonical(document: dict) -> str:
    """What PyLD's URDNA2015 gives for `document` (the generic path's algorithm)."""
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": document_loader,
    }
    return jsonld.normalize(copy.deepcopy(document), options)


# --- hostile text ---------------------------------------------------------------------

TROUBLE = [
    '"',
    "\\",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\x85",
    "\x80",
    "\x9f",
    "\xa0",
    "\u2028",
    "\u2029",
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u2066",
    "\ufeff",
    "\ufffd",
    "e\u0301",  # combining acute accent (not NFC)
    "\u00e9",
    "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",  # Arabic
    "\u05e2\u05d1\u05e8\u05d9\u05ea",  # Hebrew
    "\u65e5\u672c\u8a9e",
    "\U0001f600",
    "\U0001f469\u200d\U0001f469\u200d\U0001f467",
    "\U0001f1eb\U0001f1f7",
    "\U0010fffd",
    "\\u0022",
    '\\"',
    "_:b0",
    "_:c14n0",
    "<https://x.example/>",
    '"^^<http://www.w3.org/2001/XMLSchema#string>',
    '"@en',
    " .\n",
    "@id",
    "https://evil.example/",
    " ",
    "",
]

# The C0 control characters build_credential refuses (PyLD writes them raw, jsonld.js
# escapes them): tab, newline and carriage return stay in the hostile text above.
REFUSED_CONTROLS = [chr(c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)]
any_accepted_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters=REFUSED_CONTROLS),
    max_size=5,
)
short_text = st.lists(
    st.one_of(st.sampled_from(TROUBLE), any_accepted_text), min_size=0, max_size=6
).map("".join)


def _stretch(seed: str) -> str:
    # 10,000 characters (cut through grapheme clusters at times, as real truncation does).
    return (seed * (10000 // len(seed) + 1))[:10000]


long_text = short_text.filter(bool).map(_stretch)
text = st.one_of(short_text, short_text, short_text, long_text)
name_text = text.filter(lambda value: value.strip() != "")

# --- IRIs as Laurel writes them (percent-encoded, ASCII) ----------------------------------

IRI_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~%!$&'()*+,;=:@/?"
iri_tail = st.text(alphabet=IRI_CHARS, min_size=1, max_size=40)
host = st.sampled_from(
    ["laurel.example", "127.0.0.1:8000", "xn--bcher-kva.example", "sub.domain.example"]
)


def http_iri(prefix: str = "") -> st.SearchStrategy[str]:
    return st.builds(
        lambda scheme, hostname, tail: f"{scheme}://{hostname}/{prefix}{tail}",
        st.sampled_from(["https", "http"]),
        host,
        iri_tail,
    )


did_web = st.builds(
    lambda hostname, slug: "did:web:" + hostname.replace(":", "%3A") + ":issuers:" + slug,
    host,
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=20),
)
issuer_id = st.one_of(did_web, http_iri("issuers/"), st.just("urn:uuid:1b4e28ba-2d11-4d4e"))

moments = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(9000, 1, 1), timezones=st.just(UTC)
)

skills = st.builds(
    Skill,
    name=name_text,
    url=http_iri("skills/"),
    description=st.none() | text,
    framework=st.none() | text,
    code=st.none() | text,
)
# Two identical skills make two identical blank nodes: RDFC-1.0's hardest case.
skill_lists = st.one_of(
    st.lists(skills, max_size=4).map(tuple),
    skills.map(lambda skill: (skill, skill)),
)

issuers = st.builds(
    IssuerProfile,
    id=issuer_id,
    name=name_text,
    url=st.none() | http_iri(),
    email=st.none() | text,
    image=st.none() | http_iri("images/"),
)
achievements = st.builds(
    AchievementInfo,
    id=http_iri("groups/"),
    name=name_text,
    description=text,
    criteria=text,
    image=st.none() | http_iri("images/"),
    achievement_type=st.sampled_from(["Certificate", "Badge", "Course", "ext:Workshop"]),
    skills=skill_lists,
)
recipients = st.builds(Recipient, name=name_text, email=text, salt=st.none() | text)
status_entries = st.builds(
    StatusEntry,
    list_url=http_iri("status/"),
    index=st.integers(min_value=0, max_value=10**9),
    purpose=st.sampled_from(["revocation", "suspension"]),
)
custom_attributes = st.dictionaries(name_text, text, max_size=4)


@st.composite
def credentials(draw) -> dict:
    """An unsigned credential exactly as build_credential makes it, every option drawn."""
    valid_from = draw(moments)
    valid_until = draw(
        st.none() | st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=40000))
    )
    return build_credential(
        credential_id=draw(http_iri("credential/")),
        issuer=draw(issuers),
        achievement=draw(achievements),
        recipient=draw(recipients),
        valid_from=valid_from,
        valid_until=None if valid_until is None else valid_from + valid_until,
        evidence_url=draw(st.none() | http_iri("evidence/")),
        custom_attributes=draw(st.none() | custom_attributes),
        status=draw(st.lists(status_entries, max_size=1)),
        schema=draw(st.booleans()),
    )


@st.composite
def proof_configurations(draw) -> dict:
    """The proof configuration proof.sign canonicalizes (the proof minus proofValue)."""
    contexts = draw(st.sampled_from([credential["@context"] for credential in CONTEXT_LISTS]))
    created = draw(moments).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "@context": contexts,
        "type": "DataIntegrityProof",
        "created": created,
        "verificationMethod": draw(issuer_id) + "#" + draw(iri_tail),
        "cryptosuite": "eddsa-rdfc-2022",
        "proofPurpose": "assertionMethod",
    }


CONTEXT_LISTS = [
    {"@context": ["https://www.w3.org/ns/credentials/v2"]},
    {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ]
    },
    {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        ]
    },
]


@st.composite
def status_list_credentials(draw) -> dict:
    """A BitstringStatusListCredential as build_status_list_credential makes it."""
    bits = Bitstring()
    for index in draw(st.lists(st.integers(min_value=0, max_value=len(bits) - 1), max_size=5)):
        bits.set(index)
    return build_status_list_credential(
        list_url=draw(http_iri("status/")),
        issuer_id=draw(issuer_id),
        purpose=draw(st.sampled_from(["revocation", "suspension"])),
        encoded_list=bits.encode(),
        valid_from=draw(moments),
    )


@PROFILE
@given(credentials())
def test_every_built_credential_canonizes_fast_exactly_as_pyld_does(credential):
    fast = canonize_fast(credential)
    assert fast is not None, "the fast path refused a credential build_credential made"
    assert fast == pyld_canonical(credential)


@SMALLER
@given(proof_configurations())
def test_every_proof_configuration_canonizes_fast_exactly_as_pyld_does(config):
    fast = canonize_fast(config)
    assert fast is not None
    assert fast == pyld_canonical(config)


@SMALLER
@given(status_list_credentials())
def test_every_status_list_credential_canonizes_fast_exactly_as_pyld_does(credential):
    fast = canonize_fast(credential)
    assert fast is not None
    assert fast == pyld_canonical(credential)


# --- shapes build_credential does not make, but that are still Laurel's terms ----------


@st.composite
def variant_credentials(draw) -> dict:
    """Built credentials reshaped the ways other parts of Laurel (or a future version)
    might: several status entries, an issuer given as a bare IRI, a subject with an id,
    single values instead of arrays, image objects with captions, an empty evidence list.
    """
    credential = copy.deepcopy(draw(credentials()))
    subject = credential["credentialSubject"]
    achievement = subject["achievement"]
    if draw(st.booleans()):
        credential["credentialStatus"] = draw(
            st.lists(status_entries, min_size=1, max_size=3, unique_by=lambda e: e.list_url)
        )
        credential["credentialStatus"] = [
            {
                "id": f"{entry.list_url}#{entry.index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": entry.purpose,
                "statusListIndex": str(entry.index),
                "statusListCredential": entry.list_url,
            }
            for entry in credential["credentialStatus"]
        ]
    if draw(st.booleans()):
        credential["issuer"] = credential["issuer"]["id"]
    if draw(st.booleans()):
        subject["id"] = draw(did_web)
    if draw(st.booleans()):
        credential["type"] = draw(
            st.sampled_from(
                [
                    ["VerifiableCredential", "AchievementCredential"],
                    ["OpenBadgeCredential", "VerifiableCredential"],
                ]
            )
        )
    if draw(st.booleans()):
        credential["description"] = draw(text)
    if "image" in achievement and draw(st.booleans()):
        achievement["image"]["caption"] = draw(text)
    if draw(st.booleans()):
        achievement["tag"] = draw(st.lists(text, max_size=3, unique=True))
    if draw(st.booleans()):
        achievement["type"] = "Achievement"
    if draw(st.booleans()):
        subject["identifier"] = subject["identifier"][0]
    if draw(st.booleans()):
        credential["evidence"] = draw(
            st.sampled_from(
                [
                    [],
                    [{"type": ["Evidence"], "name": "portfolio", "narrative": "a\tb"}],
                    [{"id": "https://e.example/1", "type": ["Evidence"], "genre": "x"}],
                ]
            )
        )
    if draw(st.booleans()):
        subject["identifier"] = [
            subject["identifier"] if isinstance(subject["identifier"], dict) else {},
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": draw(st.booleans()),
                "identityHash": draw(text),
            },
        ]
        subject["identifier"] = [entry for entry in subject["identifier"] if entry]
    return credential


@SMALLER
@given(variant_credentials())
def test_reshaped_credentials_canonize_fast_exactly_as_pyld_does_or_not_at_all(credential):
    fast = canonize_fast(credential)
    if fast is not None:
        assert fast == pyld_canonical(credential)


odd_iri = st.one_of(
    text,
    st.text(alphabet=IRI_CHARS + ' <>"{}|^`\\\u00e9\u0000', max_size=30),
    st.builds(lambda a, b: a + ":" + b, st.sampled_from(["name", "id", "_", "xsd", "did"]), text),
)


@SMALLER
@given(credentials(), *[st.one_of(http_iri(), odd_iri)] * 3)
def test_odd_iris_canonize_fast_exactly_as_pyld_does_or_not_at_all(credential, a, b, c):
    # Relative IRIs, blank node ids, spaces, non-ASCII, compact-IRI lookalikes in every
    # @id-typed place: PyLD resolves, keeps or drops them; the fast path must agree or
    # step aside.
    credential = copy.deepcopy(credential)
    credential["id"] = a
    credential["credentialSubject"]["achievement"]["image"] = b
    credential["issuer"]["id"] = c
    fast = canonize_fast(credential)
    if fast is not None:
        assert fast == pyld_canonical(credential)


# --- control characters PyLD and jsonld.js write differently: refused ------------------

TEXT_FIELDS = {
    "recipient name": lambda c, t: c["credentialSubject"].__setitem__("name", t),
    "achievement description": lambda c, t: c["credentialSubject"]["achievement"].__setitem__(
        "description", t
    ),
    "issuer name": lambda c, t: c["issuer"].__setitem__("name", t),
}


@SMALLER
@given(
    credentials(),
    st.sampled_from(sorted(TEXT_FIELDS)),
    short_text,
    st.sampled_from(REFUSED_CONTROLS),
    short_text,
)
def test_a_refused_control_character_anywhere_is_never_signed(
    credential, field, before, control, after
):
    TEXT_FIELDS[field](credential, before + control + after)
    assert canonize_fast(credential) is None
    with pytest.raises(ControlCharacterError, match=f"U\\+{ord(control):04X}"):
        sign(credential, private_key=KEY, verification_method=METHOD)


@SMALLER
@given(st.sampled_from(REFUSED_CONTROLS), short_text, short_text)
def test_build_credential_refuses_a_refused_control_character_naming_the_field(
    control, before, after
):
    with pytest.raises(ControlCharacterError) as refused:
        build_credential(
            credential_id="https://laurel.example/credential/1",
            issuer=IssuerProfile(id="did:web:laurel.example:issuers:demo", name="Demo"),
            achievement=AchievementInfo(
                id="https://laurel.example/groups/G", name="G", description="d", criteria="c"
            ),
            recipient=Recipient(name="x" + before + control + after, email="a@example.org"),
            valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        )
    assert str(refused.value) == (
        f"recipient name contains a control character (U+{ord(control):04X})"
    )
