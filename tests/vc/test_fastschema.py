"""fastschema (jsonschema-rs) never accepts what the reference schema validator rejects."""

import pytest

from laurel.vc import fastcanon, fastschema, proof
from laurel.vc.credential import _validator
from laurel.vc.errors import SchemaError
from laurel.vc.keys import generate_key
from tests.vc.test_schema_validation import variants
from tests.vc.test_sign_and_verify import unsigned

PROOF = {
    "type": "DataIntegrityProof",
    "created": "2026-03-01T09:00:00Z",
    "verificationMethod": "did:web:laurel.example:issuers:demo#key-1",
    "cryptosuite": "eddsa-rdfc-2022",
    "proofPurpose": "assertionMethod",
    "proofValue": "z",
}

# Values the mutations below put in place of each field, beyond test_schema_validation's.
TRICKY = [
    "ext:Custom\n",  # Python's "$" matches before a final newline, Rust's does not
    "ext:",
    "Certificate ",
    "2025-01-01T00:00:00Z\n",
    "٢٠٢٥-01-01T00:00:00Z",  # Arabic-Indic digits: \d in Python matches them
    ["Profile", "Profile"],
    [True],
]


def mutated_credentials(schema: bool) -> list[dict]:
    signed_shape = unsigned(schema=schema) | {"proof": [PROOF]}
    documents = list(variants(signed_shape))
    for document in list(documents[:: max(1, len(documents) // 60)]):
        for key in ("name", "validFrom"):
            for value in TRICKY:
                documents.append(document | {key: value})
    achievement = signed_shape["credentialSubject"]["achievement"]
    for value in TRICKY:
        subject = signed_shape["credentialSubject"] | {
            "achievement": achievement | {"achievementType": value}
        }
        documents.append(signed_shape | {"credentialSubject": subject})
    return documents


@pytest.mark.parametrize("schema", [True, False])
def test_jsonschema_rs_accepts_nothing_the_reference_validator_rejects(schema):
    reference = _validator()
    documents = mutated_credentials(schema)
    assert len(documents) > 500
    wrongly_accepted = [d for d in documents if fastschema.accepts(d) and not reference.is_valid(d)]
    assert wrongly_accepted == []
    assert any(fastschema.accepts(d) for d in documents)
    assert any(not reference.is_valid(d) for d in documents)


def test_jsonschema_rs_accepts_the_credentials_laurel_builds():
    assert fastschema.accepts(unsigned() | {"proof": [PROOF]})
    assert fastschema.accepts(unsigned(schema=False) | {"proof": [PROOF]})


def test_a_value_jsonschema_rs_cannot_read_is_left_to_the_reference_validator():
    assert fastschema.accepts(unsigned() | {"name": object()}) is False
    assert fastschema.accepts(unsigned() | {"name": ["a list", "not text"]}) is False


def test_signing_still_refuses_a_credential_that_fails_the_schema_on_the_fast_path():
    document = unsigned()
    document["credentialSubject"]["identifier"][0]["identityType"] = "shoeSize"
    assert fastcanon.canonize_fast(document) is not None  # the fast path knows the shape
    with pytest.raises(SchemaError, match="identityType"):
        proof.sign(
            document,
            private_key=generate_key(),
            verification_method="did:web:laurel.example:issuers:demo#key-1",
        )


def nested_parent_organizations(levels: int) -> dict:
    document = unsigned()
    node = document["issuer"]
    for level in range(levels):
        node["parentOrg"] = {"id": f"https://org.example/{level}", "type": ["Profile"]}
        node = node["parentOrg"]
    return document


def test_documents_nested_deeper_than_the_limit_leave_the_fast_path():
    assert fastcanon.canonize_fast(nested_parent_organizations(fastcanon.MAX_DEPTH - 4))
    assert fastcanon.canonize_fast(nested_parent_organizations(fastcanon.MAX_DEPTH + 2)) is None


def test_signing_uses_the_fast_canonicalizer_the_module_holds_now(monkeypatch):
    """bench/vc.py measures the generic path by swapping fastcanon.canonize_fast: proof
    must look the function up each time, not keep the first one it met."""
    key = generate_key()
    method = "did:web:laurel.example:issuers:demo#key-1"
    proof.sign(unsigned(), private_key=key, verification_method=method)  # met once
    asked = []
    monkeypatch.setattr(fastcanon, "canonize_fast", lambda document: asked.append(1))
    generic = proof.sign(unsigned(), private_key=key, verification_method=method)
    assert asked and "proof" in generic  # the swapped function was asked, the generic path signed
