"""The fast canonicalizer: official vectors, the term table, what it refuses, and signatures.

The property-based proof over thousands of generated credentials is in
test_fastcanon_properties.py; here are the fixed cases and the refusals.
"""

import copy
import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from pyld import jsonld

from laurel.vc import fastcanon
from laurel.vc.credential import (
    AchievementInfo,
    IssuerProfile,
    Recipient,
    Skill,
    StatusEntry,
    build_credential,
)
from laurel.vc.did import did_key, resolver_for
from laurel.vc.fastcanon import canonize_fast
from laurel.vc.jsonld import canonize_generic
from laurel.vc.keys import generate_key
from laurel.vc.loader import CREDENTIALS_V2, OB_V3P0, OB_V3P0_EXTENSIONS, document_loader
from laurel.vc.proof import sign, verify_proof

ISSUED = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
# The control characters build_credential accepts (PyLD and jsonld.js agree on them)...
ACCEPTED_CONTROL_CHARACTERS = "\t\n\r\x85\u2028\x80\x9f"
# ...and those it refuses (PyLD writes them raw, jsonld.js escapes them).
REFUSED_CONTROL_CHARACTERS = [chr(c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)]


def pyld_canonical(document: dict) -> str:
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": document_loader,
    }
    return jsonld.normalize(copy.deepcopy(document), options)


def full_credential(
    text: str = "Ada \u201cthe\u201d Lovelace", issuer_id: str | None = None
) -> dict:
    """A credential with every optional part build_credential offers."""
    return build_credential(
        credential_id="https://laurel.example/credential/Zq3nTg7yVbQx0aLmW5cRk2pHs8dFj4uE",
        issuer=IssuerProfile(
            id=issuer_id or "did:web:laurel.example:issuers:demo",
            name=f"Demo University {text}",
            url="https://demo.example",
            email="registrar@demo.example",
            image="https://laurel.example/media/issuers/demo.png",
        ),
        achievement=AchievementInfo(
            id="https://laurel.example/groups/PY101",
            name=f"Python 101 {text}",
            description=f"An introduction\n\t{text}",
            criteria=f'Pass the "final" exam \\ {text}',
            image="https://laurel.example/media/groups/py101.png",
            achievement_type="Course",
            skills=(
                Skill(
                    name="Programming",
                    url="https://skills.example/programming",
                    description=text,
                    framework="ESCO",
                    code="S1.2",
                ),
                Skill(name="Testing", url="https://skills.example/testing"),
            ),
        ),
        recipient=Recipient(name=text, email="Ada@Example.org ", salt="pepper"),
        valid_from=ISSUED,
        valid_until=ISSUED + timedelta(days=365),
        evidence_url="https://portfolio.example/ada",
        custom_attributes={"grade": "A+", "cohort \u00e9t\u00e9": text},
        status=[StatusEntry("https://laurel.example/status/rev-1", 42)],
        schema=True,
    )


def minimal_credential() -> dict:
    return build_credential(
        credential_id="https://laurel.example/credential/minimal",
        issuer=IssuerProfile(id="did:web:laurel.example:issuers:demo", name="Demo"),
        achievement=AchievementInfo(
            id="https://laurel.example/groups/G1", name="G", description="", criteria=""
        ),
        recipient=Recipient(name="R", email="r@example.org", salt="s"),
        valid_from=ISSUED,
        schema=False,
    )


# --- the official vectors -----------------------------------------------------------------


@pytest.fixture(scope="module")
def ob_vector(standards_dir):
    base = standards_dir / "test-vectors" / "ob-v3p0-eddsa-rdfc-2022"
    vector = json.loads((base / "ob-v3p0-testvector.json").read_text(encoding="utf-8"))
    vector["canon_doc"] = (base / "document-canon.nq").read_text(encoding="utf-8")
    vector["canon_proof"] = (base / "proof-canon.nq").read_text(encoding="utf-8")
    return vector


def test_official_ob_vector_document_canonizes_fast_to_the_published_nquads(ob_vector):
    assert canonize_fast(ob_vector["unsignedCredential"]) == ob_vector["canon_doc"]


def test_official_ob_vector_proof_configuration_canonizes_fast_to_the_published_nquads(
    ob_vector,
):
    config = {"@context": ob_vector["unsignedCredential"]["@context"], **ob_vector["proofOptions"]}
    assert canonize_fast(config) == ob_vector["canon_proof"]


def test_w3c_vector_with_the_examples_context_is_left_to_the_generic_path(standards_dir):
    unsigned = json.loads(
        (standards_dir / "test-vectors" / "vc-di-eddsa" / "unsigned.json").read_text("utf-8")
    )
    assert canonize_fast(unsigned) is None


# --- fixed credentials against PyLD -------------------------------------------------------


def test_credential_with_every_optional_part_matches_pyld():
    credential = full_credential()
    assert canonize_fast(credential) == pyld_canonical(credential)


def test_minimal_credential_matches_pyld():
    credential = minimal_credential()
    assert canonize_fast(credential) == pyld_canonical(credential)


def test_every_accepted_control_character_is_escaped_as_pyld_escapes_it():
    credential = full_credential(ACCEPTED_CONTROL_CHARACTERS + '"\\')
    fast = canonize_fast(credential)
    assert fast == pyld_canonical(credential)
    # PyLD escapes only \\ \t \n \r and "; the C1 controls and U+2028 stay raw characters.
    assert "\\t" in fast and "\\n" in fast and "\\r" in fast and '\\"' in fast
    assert "\x85" in fast and "\u2028" in fast


@pytest.mark.parametrize("character", REFUSED_CONTROL_CHARACTERS)
def test_a_control_character_jsonld_js_escapes_differently_leaves_the_fast_path(character):
    credential = full_credential()
    credential["credentialSubject"]["name"] = f"Ada{character}Lovelace"
    assert canonize_fast(credential) is None


def test_unicode_is_written_raw_and_not_normalized():
    decomposed = (
        "Zo\u0065\u0301 \u202eevil\u202c \U0001f393 \u0627\u0644\u0639\u0631\u0628\u064a\u0629"
    )
    credential = full_credential(decomposed)
    fast = canonize_fast(credential)
    assert fast == pyld_canonical(credential)
    assert decomposed in fast  # no NFC: "e" + combining acute stays two code points


def test_hashed_true_is_a_boolean_literal_of_the_ob_context_datatype():
    fast = canonize_fast(minimal_credential())
    assert '"true"^^<https://www.w3.org/2001/XMLSchema#boolean>' in fast


def test_status_list_index_stays_a_plain_string_literal():
    fast = canonize_fast(full_credential())
    assert '<https://www.w3.org/ns/credentials/status#statusListIndex> "42" .' in fast


def test_two_identical_skills_are_interchangeable_blank_nodes_and_match_pyld():
    credential = full_credential()
    alignments = credential["credentialSubject"]["achievement"]["alignment"]
    alignments.append(copy.deepcopy(alignments[1]))
    fast = canonize_fast(credential)
    assert fast is not None
    assert fast == pyld_canonical(credential)


def test_several_groups_of_identical_blank_nodes_match_pyld():
    credential = full_credential()
    alignments = credential["credentialSubject"]["achievement"]["alignment"]
    alignments += [copy.deepcopy(alignments[1]), copy.deepcopy(alignments[1]), alignments[0]]
    identifiers = credential["credentialSubject"]["identifier"]
    identifiers.append(copy.deepcopy(identifiers[0]))
    credential["evidence"] = [
        {"type": ["Evidence"], "name": "essay"},
        {"type": ["Evidence"], "name": "essay"},
        {"type": ["Evidence"], "name": "talk"},
    ]
    fast = canonize_fast(credential)
    assert fast is not None
    assert fast == pyld_canonical(credential)


def test_colliding_blank_nodes_under_different_parents_are_left_to_the_generic_path():
    credential = minimal_credential()
    subject = credential["credentialSubject"]
    other = copy.deepcopy(subject) | {"name": "someone else"}
    credential["credentialSubject"] = [subject, other]  # same IdentityObject under both
    assert canonize_fast(credential) is None
    assert canonize_fast(minimal_credential()) is not None


def test_a_node_named_twice_is_merged_as_pyld_merges_it():
    credential = full_credential()
    shared_image = credential["issuer"]["image"]["id"]
    credential["credentialSubject"]["achievement"]["image"]["id"] = shared_image
    credential["type"] = ["VerifiableCredential", "OpenBadgeCredential", "VerifiableCredential"]
    fast = canonize_fast(credential)
    assert fast is not None
    assert fast == pyld_canonical(credential)


def test_a_repeated_literal_statement_is_left_to_the_generic_path():
    credential = full_credential()
    credential["issuer"]["image"]["caption"] = "logo"
    credential["credentialSubject"]["achievement"]["image"] = copy.deepcopy(
        credential["issuer"]["image"]
    )
    assert canonize_fast(credential) is None


def test_canonize_fast_leaves_its_input_unchanged():
    credential = full_credential()
    before = copy.deepcopy(credential)
    canonize_fast(credential)
    assert credential == before


# --- the term table is the shipped contexts ----------------------------------------------


def _scoped_types(context_list: tuple[str, ...]) -> list[str | None]:
    root = fastcanon._ROOT_CONTEXTS[context_list]
    return [None] + sorted(name for name, term in root.terms.items() if term.scoped is not None)


@pytest.mark.parametrize("context_list", fastcanon.KNOWN_CONTEXT_LISTS, ids=len)
def test_every_term_the_fast_path_accepts_means_what_pyld_says_it_means(context_list):
    # For every type with a type-scoped context (and for no type), every term the fast path
    # would accept in that node, with a string value: same quads as PyLD, or refused.
    root = fastcanon._ROOT_CONTEXTS[context_list]
    checked = 0
    for type_name in _scoped_types(context_list):
        node_context = root
        if type_name is not None:
            try:
                node_context = root.with_local(root.terms[type_name].scoped, type_scoped=True)
            except fastcanon.Unsupported:
                continue  # e.g. "cnf", a property whose context redefines protected terms
        for term_name, term in node_context.terms.items():
            if term.kind in (fastcanon.UNSUPPORTED, fastcanon.ID_ALIAS, fastcanon.TYPE_ALIAS):
                continue
            value = "https://value.example/x" if term.kind == fastcanon.IRI else "value"
            if term.kind == fastcanon.VOCAB:
                value = "assertionMethod"
            document = {"@context": list(context_list), "id": "https://node.example/1"}
            if type_name is not None:
                document["type"] = type_name
            document[term_name] = value
            fast = canonize_fast(document)
            if fast is not None:
                assert fast == pyld_canonical(document), (type_name, term_name)
                checked += 1
    assert checked > 20


def test_type_scoped_terms_do_not_leak_into_nested_nodes():
    # "achievementType" is defined by Achievement's type-scoped context only: inside the
    # achievement's criteria node, JSON-LD no longer knows it.
    credential = minimal_credential()
    credential["credentialSubject"]["achievement"]["criteria"]["achievementType"] = "Course"
    assert canonize_fast(credential) is None


# --- what the fast path refuses ----------------------------------------------------------


def _set(path: str, value) -> Callable[[dict], None]:
    def change(document: dict) -> None:
        *parents, last = path.split(".")
        node = document
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return change


def _top(key: str, value) -> Callable[[dict], None]:
    return lambda document: document.__setitem__(key, value)


def _subject(key: str, value) -> Callable[[dict], None]:
    return _set(f"credentialSubject.{key}", value)


def _achievement(key: str, value) -> Callable[[dict], None]:
    return _set(f"credentialSubject.achievement.{key}", value)


UNKNOWN_SHAPES = {
    "an undefined top-level term": _set("colour", "blue"),
    "an undefined term in the achievement": _achievement("colour", "blue"),
    "a term of another node's type": _subject("identityHash", "sha256$00"),
    "a compact IRI as a key": _set("schema:name", "x"),
    "an absolute IRI as a key": _top("https://schema.org/name", "x"),
    "the @id keyword instead of its alias": _achievement("@id", "https://x.example/a"),
    "a @type keyword key": _achievement("@type", "Achievement"),
    "a @graph key": _set("@graph", []),
    "a nested @context": _achievement("@context", {"colour": "https://x.example/colour"}),
    "a fourth context": _set(
        "@context",
        [
            CREDENTIALS_V2,
            OB_V3P0,
            OB_V3P0_EXTENSIONS,
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
    ),
    "a context given as one string": _set("@context", CREDENTIALS_V2),
    "contexts in another order": _set("@context", [OB_V3P0, CREDENTIALS_V2, OB_V3P0_EXTENSIONS]),
    "a number": _achievement("creditsAvailable", 3.5),
    "an integer": _achievement("humanCode", 7),
    "a null": _set("validUntil", None),
    "a relative IRI id": _set("id", "credential/123"),
    "a blank node id": _set("id", "_:b0"),
    "an IRI with a space": _set("evidence.0.id", "https://portfolio.example/a b"),
    "a non-ASCII IRI": _set("evidence.0.id", "https://portfolio.example/\u00e9t\u00e9"),
    "an IRI whose scheme is a term": _set("evidence.0.id", "name:portfolio"),
    "an empty id": _set("id", ""),
    "a relative @id-typed value": _set("credentialStatus.statusListCredential", "/status/1"),
    "a language-tagged value": _set("name", {"@value": "Badge", "@language": "en"}),
    "a typed value object": _set(
        "name", {"@value": "Badge", "@type": "http://www.w3.org/2001/XMLSchema#token"}
    ),
    "a @json term": _set(
        "credentialSchema.0",
        {"id": "https://x.example/s", "type": "JsonSchema", "jsonSchema": {"type": "object"}},
    ),
    "a @list term": _achievement(
        "resultDescription",
        [{"type": ["ResultDescription"], "name": "grade", "allowedValue": ["A", "B"]}],
    ),
    "a property-scoped context": _set(
        "credentialStatus.statusMessage", [{"status": "0x1", "message": "revoked"}]
    ),
    "a term whose datatype is an undefined compact IRI": _set(
        "awardedDate", "2026-01-01T00:00:00Z"
    ),
    "an undefined type": _set("type", ["VerifiableCredential", "OpenBadgeCredential", "Diploma"]),
    "an absolute IRI as a type": _achievement("type", ["https://types.example/Achievement"]),
    "an empty type list": _achievement("type", []),
    "a type that is not a string": _achievement("type", [{"id": "https://x.example"}]),
    "a list inside a list": _achievement("tag", [["a", "b"]]),
    "a boolean where a date belongs": _set("validFrom", True),
    "a boolean under an IRI term": _set("evidence.0.id", False),
    "a node object where a date belongs": _set("validFrom", {"id": "https://x.example/t"}),
    "an empty node object": _achievement("criteria", {}),
}


@pytest.mark.parametrize("change", UNKNOWN_SHAPES.values(), ids=UNKNOWN_SHAPES.keys())
def test_unknown_shapes_are_left_to_the_generic_path(change):
    credential = full_credential()
    assert canonize_fast(credential) is not None  # so the change is what is refused
    change(credential)
    assert canonize_fast(credential) is None


@pytest.mark.parametrize(
    "document",
    [None, [], "credential", 42, {}, {"@context": [CREDENTIALS_V2]}, {"id": "https://x.example"}],
    ids=repr,
)
def test_documents_that_are_not_laurel_credentials_are_left_to_the_generic_path(document):
    assert canonize_fast(document) is None


def proof_configuration() -> dict:
    return {
        "@context": [CREDENTIALS_V2, OB_V3P0],
        "type": "DataIntegrityProof",
        "created": "2026-03-01T08:30:00Z",
        "verificationMethod": "did:web:laurel.example:issuers:demo#key-1",
        "cryptosuite": "eddsa-rdfc-2022",
        "proofPurpose": "assertionMethod",
    }


def test_proof_purpose_is_read_through_its_property_scoped_context():
    config = proof_configuration()
    fast = canonize_fast(config)
    assert fast == pyld_canonical(config)
    assert "<https://w3id.org/security#assertionMethod>" in fast


@pytest.mark.parametrize("purpose", ["somethingElse", "https://x.example/purpose", "id", 1])
def test_proof_purpose_that_is_not_a_defined_term_is_left_to_the_generic_path(purpose):
    config = proof_configuration() | {"proofPurpose": purpose}
    assert canonize_fast(config) is None


def test_signed_documents_are_left_to_the_generic_path():
    credential = full_credential()
    credential["proof"] = [{"type": "DataIntegrityProof"}]
    assert canonize_fast(credential) is None


def test_a_lone_surrogate_is_left_to_the_generic_path():
    assert canonize_fast(full_credential("\ud800")) is None


# --- signatures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def issuer_key():
    key = generate_key()
    did, document = did_key(key.public_key())
    return key, did, document


def _generic_signed_bytes(signed: dict) -> bytes:
    proof = signed["proof"][0]
    config = {"@context": signed["@context"]} | {
        k: v for k, v in proof.items() if k != "proofValue"
    }
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    return (
        hashlib.sha256(canonize_generic(config).encode("utf-8")).digest()
        + hashlib.sha256(canonize_generic(unsigned).encode("utf-8")).digest()
    )


def _signature(signed: dict) -> bytes:
    import base58

    return base58.b58decode(signed["proof"][0]["proofValue"][1:])


def test_signature_made_on_the_fast_path_verifies_on_the_generic_path(issuer_key):
    key, did, document = issuer_key
    credential = full_credential(ACCEPTED_CONTROL_CHARACTERS, issuer_id=did)
    assert canonize_fast(credential) is not None
    signed = sign(
        credential, private_key=key, verification_method=document["verificationMethod"][0]["id"]
    )
    key.public_key().verify(_signature(signed), _generic_signed_bytes(signed))  # raises if not
    check = verify_proof(signed, resolve=resolver_for(document))
    assert check.ok, check.reason


def test_tampered_credential_fails_on_both_paths(issuer_key):
    from cryptography.exceptions import InvalidSignature

    key, did, document = issuer_key
    signed = sign(
        full_credential(issuer_id=did),
        private_key=key,
        verification_method=document["verificationMethod"][0]["id"],
    )
    signed["credentialSubject"]["name"] += "\t"
    assert not verify_proof(signed, resolve=resolver_for(document)).ok
    with pytest.raises(InvalidSignature):
        key.public_key().verify(_signature(signed), _generic_signed_bytes(signed))
