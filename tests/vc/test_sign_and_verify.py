"""Signing credentials with eddsa-rdfc-2022 and verifying their proofs."""

import copy
import json
import re
from datetime import UTC, datetime, timedelta

import base58
import pytest

from laurel.vc.credential import (
    AchievementInfo,
    IssuerProfile,
    Recipient,
    Skill,
    StatusEntry,
    build_credential,
)
from laurel.vc.did import VerificationKey, did_key, did_web, did_web_document, resolver_for
from laurel.vc.errors import ProofError, ResolutionError, SafeModeError, SchemaError, VCError
from laurel.vc.jsonld import canonize_generic
from laurel.vc.keys import generate_key, public_multikey
from laurel.vc.proof import canonize, sign, verify_proof

DID = did_web("https://laurel.example", "issuers/acme")
METHOD = f"{DID}#key-1"
SIGNED_AT = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def key():
    return generate_key()


@pytest.fixture(scope="module")
def resolve(key):
    document = did_web_document(DID, [VerificationKey("key-1", public_multikey(key.public_key()))])
    return resolver_for(document)


def unsigned(**overrides) -> dict:
    arguments = {
        "credential_id": "https://laurel.example/credential/0123456789abcdefghijklmnopqrstuv",
        "issuer": IssuerProfile(
            id=DID,
            name="Acme Academy",
            url="https://acme.example",
            email="badges@acme.example",
            image="https://laurel.example/media/acme.png",
        ),
        "achievement": AchievementInfo(
            id="https://laurel.example/groups/PY101",
            name="Python Foundations",
            description="Writes small, tested Python programs.",
            criteria="Passed the final project review.",
            image="https://laurel.example/media/py101.png",
            skills=(Skill("Testing", "https://skills.example/testing", "Tests", "ESCO", "S1"),),
        ),
        "recipient": Recipient("Ada Lovelace", "ada@example.org", salt="c0ffee"),
        "valid_from": datetime(2025, 5, 6, tzinfo=UTC),
        "valid_until": datetime(2027, 5, 6, tzinfo=UTC),
        "evidence_url": "https://portfolio.example/ada",
        "custom_attributes": {"custom_grade": "A+"},
        "status": [StatusEntry("https://laurel.example/status/list-1", 42)],
    }
    return build_credential(**(arguments | overrides))


@pytest.fixture(scope="module")
def signed(key) -> dict:
    return sign(unsigned(), private_key=key, verification_method=METHOD, created=SIGNED_AT)


def test_signed_credential_verifies(signed, resolve):
    check = verify_proof(signed, resolve=resolve)
    assert check.ok, check.reason
    assert check.verification_method == METHOD
    assert check.created == SIGNED_AT


def test_proof_is_a_one_element_array_of_data_integrity_proof(signed):
    (proof,) = signed["proof"]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofPurpose"] == "assertionMethod"
    assert proof["verificationMethod"] == METHOD
    assert proof["created"] == "2025-06-01T12:00:00Z"
    assert proof["proofValue"].startswith("z")
    assert len(base58.b58decode(proof["proofValue"][1:])) == 64


def test_signing_leaves_the_input_unchanged_and_returns_plain_json(key):
    document = unsigned()
    before = copy.deepcopy(document)
    signed = sign(document, private_key=key, verification_method=METHOD)
    assert document == before
    assert json.loads(json.dumps(signed)) == signed


def test_default_created_is_now_without_fractional_seconds(key):
    before = datetime.now(UTC).replace(microsecond=0)
    signed = sign(unsigned(), private_key=key, verification_method=METHOD)
    created = signed["proof"][0]["created"]
    assert created.endswith("Z") and "." not in created
    moment = datetime.fromisoformat(created.replace("Z", "+00:00"))
    assert before <= moment <= datetime.now(UTC) + timedelta(seconds=1)


def test_no_bare_email_in_the_signed_json(signed):
    assert "ada@example.org" not in json.dumps(signed).lower()


def leaf_paths(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaf_paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from leaf_paths(value, (*path, index))
    else:
        yield path


def tampered(document: dict, path: tuple) -> dict:
    copy_ = copy.deepcopy(document)
    parent = copy_
    for step in path[:-1]:
        parent = parent[step]
    value = parent[path[-1]]
    parent[path[-1]] = (not value) if isinstance(value, bool) else f"{value}x"
    return copy_


def document_leaves(signed):
    return [path for path in leaf_paths(signed) if path[0] != "proof"]


def test_every_leaf_of_the_credential_is_covered_by_the_signature(signed, resolve):
    paths = document_leaves(signed)
    assert len(paths) > 40
    accepted = []
    for path in paths:
        try:
            check = verify_proof(tampered(signed, path), resolve=resolve)
        except VCError:
            continue  # refused outright (undefined type, unknown context, ...): also a failure
        if check.ok:
            accepted.append(path)
    assert accepted == []


@pytest.mark.parametrize(
    "path",
    [
        ("credentialSubject", "name"),
        ("credentialSubject", "identifier", 0, "identityHash"),
        ("credentialSubject", "achievement", "name"),
        ("credentialSubject", "result", 0, "value"),
        ("validUntil",),
        ("credentialStatus", "statusListIndex"),
        ("issuer", "name"),
    ],
)
def test_tampered_value_fails_with_a_signature_mismatch(signed, resolve, path):
    check = verify_proof(tampered(signed, path), resolve=resolve)
    assert not check.ok
    assert "does not match" in check.reason


@pytest.mark.parametrize("field", ["created", "verificationMethod"])
def test_tampered_proof_options_fail(signed, key, field):
    document = copy.deepcopy(signed)
    proof = document["proof"][0]
    if field == "created":
        proof["created"] = "2025-06-01T12:00:01Z"
        resolve = resolver_for(
            did_web_document(DID, [VerificationKey("key-1", public_multikey(key.public_key()))])
        )
    else:
        proof["verificationMethod"] = f"{DID}#key-2"
        resolve = resolver_for(
            did_web_document(DID, [VerificationKey("key-2", public_multikey(key.public_key()))])
        )
    check = verify_proof(document, resolve=resolve)
    assert not check.ok
    assert "does not match" in check.reason


def test_removing_a_field_fails(signed, resolve):
    document = copy.deepcopy(signed)
    del document["validUntil"]
    assert not verify_proof(document, resolve=resolve).ok


def test_another_key_under_the_same_id_fails(signed):
    stranger = generate_key()
    document = did_web_document(
        DID, [VerificationKey("key-1", public_multikey(stranger.public_key()))]
    )
    check = verify_proof(signed, resolve=resolver_for(document))
    assert not check.ok
    assert "does not match" in check.reason


def test_key_not_controlled_by_the_issuer_fails(key):
    did, document = did_key(key.public_key())
    signed = sign(unsigned(), private_key=key, verification_method=f"{did}#{did[8:]}")
    check = verify_proof(signed, resolve=resolver_for(document))
    assert not check.ok
    assert f"not by the issuer '{DID}'" in check.reason


def test_a_key_in_another_did_document_claiming_the_issuer_as_controller_fails():
    # An attacker publishes their own DID document whose method says "controller: <issuer>"
    # and signs in the issuer's name: the controller claim alone must not be trusted.
    attacker_key = generate_key()
    attacker_did = did_web("https://attacker.example", "issuers/mallory")
    attacker_method = f"{attacker_did}#key-1"
    document = did_web_document(
        attacker_did, [VerificationKey("key-1", public_multikey(attacker_key.public_key()))]
    )
    document["verificationMethod"][0]["controller"] = DID  # the issuer, not the attacker
    forged = sign(unsigned(), private_key=attacker_key, verification_method=attacker_method)
    check = verify_proof(forged, resolve=resolver_for(document))
    assert not check.ok
    assert check.reason == f"key {attacker_method} is not in the issuer's DID document ({DID})"


def test_did_key_issuer_verifies(key):
    did, document = did_key(key.public_key())
    issuer = IssuerProfile(id=did, name="Self-issued")
    signed = sign(unsigned(issuer=issuer), private_key=key, verification_method=f"{did}#{did[8:]}")
    assert verify_proof(signed, resolve=resolver_for(document)).ok


def test_unknown_verification_method_raises_resolution_error(signed, key):
    document = did_web_document(DID, [VerificationKey("key-9", public_multikey(key.public_key()))])
    with pytest.raises(ResolutionError, match="key-1"):
        verify_proof(signed, resolve=resolver_for(document))


def with_proof(signed: dict, **changes) -> dict:
    document = copy.deepcopy(signed)
    document["proof"][0].update(changes)
    return document


def test_truncated_signature_is_refused(signed, resolve):
    short = signed["proof"][0]["proofValue"][:-10]
    with pytest.raises(ProofError, match="truncated or corrupted"):
        verify_proof(with_proof(signed, proofValue=short), resolve=resolve)


def test_signature_in_another_multibase_is_refused(signed, resolve):
    with pytest.raises(ProofError, match="base58btc"):
        verify_proof(with_proof(signed, proofValue="u" + "A" * 86), resolve=resolve)
    with pytest.raises(ProofError, match="base58btc"):
        verify_proof(with_proof(signed, proofValue="z0OIl"), resolve=resolve)


def test_flipped_signature_bit_fails_without_raising(signed, resolve):
    raw = bytearray(base58.b58decode(signed["proof"][0]["proofValue"][1:]))
    raw[10] ^= 1
    value = "z" + base58.b58encode(bytes(raw)).decode()
    check = verify_proof(with_proof(signed, proofValue=value), resolve=resolve)
    assert not check.ok


def test_unknown_cryptosuite_is_refused(signed, resolve):
    with pytest.raises(ProofError, match="unknown cryptosuite 'eddsa-jcs-2022'"):
        verify_proof(with_proof(signed, cryptosuite="eddsa-jcs-2022"), resolve=resolve)


def test_other_proof_type_is_refused(signed, resolve):
    with pytest.raises(ProofError, match="Ed25519Signature2020"):
        verify_proof(with_proof(signed, type="Ed25519Signature2020"), resolve=resolve)


def test_other_proof_purpose_is_refused(signed, resolve):
    with pytest.raises(ProofError, match="proof purpose"):
        verify_proof(with_proof(signed, proofPurpose="authentication"), resolve=resolve)


def test_missing_proof_is_refused(signed, resolve):
    document = {k: v for k, v in signed.items() if k != "proof"}
    with pytest.raises(ProofError, match="no proof"):
        verify_proof(document, resolve=resolve)
    with pytest.raises(ProofError, match="no proof"):
        verify_proof(document | {"proof": []}, resolve=resolve)


def test_double_proof_is_refused(signed, resolve):
    document = copy.deepcopy(signed)
    document["proof"].append(copy.deepcopy(document["proof"][0]))
    with pytest.raises(ProofError, match="2 proofs; exactly one is expected"):
        verify_proof(document, resolve=resolve)


def test_single_proof_object_verifies(signed, resolve):
    document = copy.deepcopy(signed)
    document["proof"] = document["proof"][0]
    assert verify_proof(document, resolve=resolve).ok


@pytest.mark.parametrize("proof", ["z123", 42, [None], ["z1"]])
def test_proof_that_is_not_an_object_is_refused(signed, resolve, proof):
    with pytest.raises(ProofError, match="not a JSON object"):
        verify_proof(signed | {"proof": proof}, resolve=resolve)


def test_malformed_created_is_refused(signed, resolve):
    with pytest.raises(ProofError, match="created"):
        verify_proof(with_proof(signed, created="yesterday"), resolve=resolve)


def test_document_that_is_not_an_object_is_refused(resolve):
    with pytest.raises(ProofError, match="JSON object"):
        verify_proof([], resolve=resolve)  # type: ignore[arg-type]


def test_verification_method_with_a_bad_key_is_refused(signed):
    method = {"id": METHOD, "type": "Multikey", "controller": DID, "publicKeyMultibase": "z1"}
    with pytest.raises(ProofError, match="publicKeyMultibase"):
        verify_proof(signed, resolve=lambda method_id: method)
    other = dict(method, type="JsonWebKey2020")
    with pytest.raises(ProofError, match="not Multikey"):
        verify_proof(signed, resolve=lambda method_id: other)


def test_undefined_term_is_refused_before_signing(key):
    document = unsigned()
    document["credentialSubject"]["shoeSize"] = "42"
    with pytest.raises(SafeModeError, match="undefined term 'shoeSize'"):
        sign(document, private_key=key, verification_method=METHOD)


def test_undefined_type_is_refused_before_signing(key):
    document = unsigned()
    document["type"].append("SuperBadge")
    with pytest.raises(SafeModeError, match="undefined type or term 'SuperBadge'"):
        sign(document, private_key=key, verification_method=METHOD)


def test_relative_iri_is_refused_before_signing(key):
    document = unsigned(evidence_url="portfolio/ada")
    with pytest.raises(SafeModeError, match="relative IRI 'portfolio/ada'"):
        sign(document, private_key=key, verification_method=METHOD)


def test_term_added_after_signing_is_refused_at_verification(signed, resolve):
    # Plain JSON-LD would drop the term and report a valid signature over the rest.
    document = copy.deepcopy(signed)
    document["credentialSubject"]["extra"] = "not signed"
    with pytest.raises(SafeModeError, match="undefined term 'extra'"):
        verify_proof(document, resolve=resolve)


def test_unknown_context_is_refused_without_fetching(key):
    document = unsigned()
    document["@context"] = [*document["@context"], "https://attacker.example/context.json"]
    with pytest.raises(ResolutionError, match="not one Laurel ships"):
        sign(document, private_key=key, verification_method=METHOD)


def test_schema_invalid_credential_is_refused_before_signing(key):
    document = unsigned()
    document["credentialSubject"]["achievement"]["criteria"] = "not an object"
    with pytest.raises(SchemaError, match="criteria: 'not an object' is not of type 'object'"):
        sign(document, private_key=key, verification_method=METHOD)
    del document["credentialSubject"]["achievement"]["criteria"]
    with pytest.raises(SchemaError, match="criteria"):
        sign(document, private_key=key, verification_method=METHOD)


def test_document_with_a_proof_is_not_signed_again(signed, key):
    with pytest.raises(VCError, match="already has a proof"):
        sign(signed, private_key=key, verification_method=METHOD)


def test_document_without_the_credentials_context_is_refused(key):
    document = unsigned()
    document["@context"] = document["@context"][1:]
    with pytest.raises(SafeModeError, match="defines no DataIntegrityProof terms"):
        sign(document, private_key=key, verification_method=METHOD)


def test_naive_created_is_refused(key):
    with pytest.raises(VCError, match="timezone-aware"):
        sign(unsigned(), private_key=key, verification_method=METHOD, created=datetime(2025, 1, 1))


def test_relative_verification_method_is_refused(key):
    with pytest.raises(VCError, match="absolute IRI"):
        sign(unsigned(), private_key=key, verification_method="key-1")


def test_generic_and_default_canonical_forms_agree(signed):
    document = {k: v for k, v in signed.items() if k != "proof"}
    assert canonize(document) == canonize_generic(document)


def test_international_and_hostile_text_signs_and_verifies(key, resolve):
    text = '山田 "Zoë" \\ \n\t\r\u202eRTL\u202c 👩🏽‍🚀 e\u0301 \x85'
    document = unsigned(
        recipient=Recipient(text, "zoe@example.org"),
        custom_attributes={text: text + "x" * 10_000},
    )
    signed = sign(document, private_key=key, verification_method=METHOD)
    assert verify_proof(signed, resolve=resolve).ok
    altered = copy.deepcopy(signed)
    altered["credentialSubject"]["name"] = text.replace("Zoë", "Zoe\u0308")
    assert not verify_proof(altered, resolve=resolve).ok


def test_status_list_style_document_signs_without_the_ob_schema(key, resolve):
    # sign() is generic: only Open Badges credentials are held to the OB schema.
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "https://laurel.example/status/list-1",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": DID,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "https://laurel.example/status/list-1#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA",
        },
    }
    signed = sign(document, private_key=key, verification_method=METHOD)
    assert verify_proof(signed, resolve=resolve).ok


def test_deeply_nested_document_is_refused_with_one_line(key):
    document = unsigned()
    achievement = document["credentialSubject"]["achievement"]
    node = achievement
    for depth in range(3000):
        node["achievement"] = dict(achievement, id=f"https://laurel.example/a/{depth}")
        node = node["achievement"]
    with pytest.raises(VCError, match="nested too deeply") as raised:
        sign(document, private_key=key, verification_method=METHOD)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"id": 5}, '"@id" value must be a string'),
        ({"type": [5]}, '"@type" value must be a string'),
        ({"@context": 5}, "defines no DataIntegrityProof terms"),
        ({"@context": [5]}, "defines no DataIntegrityProof terms"),
    ],
)
def test_invalid_json_ld_is_refused_at_verification_with_one_line(signed, resolve, change, reason):
    with pytest.raises(VCError, match=re.escape(reason)) as raised:
        verify_proof(signed | change, resolve=resolve)
    assert "\n" not in str(raised.value)


def test_resolver_answering_with_another_method_is_refused(signed, key):
    method = {
        "id": f"{DID}#key-2",
        "type": "Multikey",
        "controller": DID,
        "publicKeyMultibase": public_multikey(key.public_key()),
    }
    with pytest.raises(ProofError, match="got"):
        verify_proof(signed, resolve=lambda method_id: method)


def test_lone_surrogate_is_refused_with_one_line(signed, resolve, key):
    document = copy.deepcopy(signed)
    document["credentialSubject"]["name"] = json.loads('"Ada \\ud800"')
    with pytest.raises(VCError, match="not valid Unicode"):
        verify_proof(document, resolve=resolve)
    unsigned_document = unsigned(recipient=Recipient(json.loads('"\\udfff"'), "a@example.org"))
    with pytest.raises(VCError, match="not valid Unicode"):
        sign(unsigned_document, private_key=key, verification_method=METHOD)
