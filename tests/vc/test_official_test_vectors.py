"""Both official eddsa-rdfc-2022 test vectors, reproduced byte for byte.

W3C VC-DI-EdDSA Appendix A.1 and the 1EdTech "Linked Data Proof Test Vector for Open
Badges 3.0" (files in tests/standards/test-vectors/, see its README).
"""

import copy
import hashlib
import json
from datetime import UTC, datetime

import base58
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from laurel.vc.did import did_key, resolver_for
from laurel.vc.jsonld import canonize_generic
from laurel.vc.keys import private_key_from_multikey, public_multikey
from laurel.vc.proof import canonize, hash_data, sign, verify_proof


def read_text(path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def w3c(standards_dir):
    base = standards_dir / "test-vectors" / "vc-di-eddsa"
    suite = base / "eddsa-rdfc-2022"
    return {
        "keys": json.loads(read_text(base / "keyPair.json")),
        "unsigned": json.loads(read_text(base / "unsigned.json")),
        "proof_config": json.loads(read_text(suite / "proofConfigDataInt.json")),
        "signed": json.loads(read_text(suite / "signedDataInt.json")),
        "canon_doc": read_text(suite / "canonDocDataInt.txt"),
        "canon_proof": read_text(suite / "proofCanonDataInt.txt"),
        "doc_hash": read_text(suite / "docHashDataInt.txt").strip(),
        "proof_hash": read_text(suite / "proofHashDataInt.txt").strip(),
        "combined_hash": read_text(suite / "combinedHashDataInt.txt").strip(),
        "sig_hex": read_text(suite / "sigHexDataInt.txt").strip(),
        "sig_b58": read_text(suite / "sigBTC58DataInt.txt").strip(),
    }


@pytest.fixture(scope="module")
def ob(standards_dir):
    base = standards_dir / "test-vectors" / "ob-v3p0-eddsa-rdfc-2022"
    vector = json.loads(read_text(base / "ob-v3p0-testvector.json"))
    vector["canon_doc"] = read_text(base / "document-canon.nq")
    vector["canon_proof"] = read_text(base / "proof-canon.nq")
    return vector


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- W3C VC-DI-EdDSA A.1 -----------------------------------------------------------------


def test_w3c_key_pair_round_trips_through_multikey(w3c):
    private_key = private_key_from_multikey(w3c["keys"]["privateKeyMultibase"])
    assert public_multikey(private_key.public_key()) == w3c["keys"]["publicKeyMultibase"]


def test_w3c_document_canonical_form_matches_byte_for_byte(w3c):
    assert canonize_generic(w3c["unsigned"]) == w3c["canon_doc"]
    assert canonize(w3c["unsigned"]) == w3c["canon_doc"]


def test_w3c_proof_configuration_canonical_form_matches_byte_for_byte(w3c):
    assert canonize_generic(w3c["proof_config"]) == w3c["canon_proof"]
    assert canonize(w3c["proof_config"]) == w3c["canon_proof"]


def test_w3c_hashes_match(w3c):
    assert sha256_hex(w3c["canon_doc"]) == w3c["doc_hash"]
    assert sha256_hex(w3c["canon_proof"]) == w3c["proof_hash"]
    assert hash_data(w3c["unsigned"], w3c["proof_config"]).hex() == w3c["combined_hash"]


def test_w3c_signature_matches_in_hex_and_base58(w3c):
    private_key = private_key_from_multikey(w3c["keys"]["privateKeyMultibase"])
    config = w3c["proof_config"]
    signed = sign(
        w3c["unsigned"],
        private_key=private_key,
        verification_method=config["verificationMethod"],
        created=datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC),
    )
    proof_value = signed["proof"][0]["proofValue"]
    assert proof_value == w3c["sig_b58"] == w3c["signed"]["proof"]["proofValue"]
    assert base58.b58decode(proof_value[1:]).hex() == w3c["sig_hex"]


def test_w3c_signed_document_is_refused_because_its_issuer_does_not_control_the_key(w3c):
    # The vector's issuer is an https URL while the key is a did:key, so the signature is
    # good but Laurel's rule "the key's controller is the issuer" refuses it.
    private_key = private_key_from_multikey(w3c["keys"]["privateKeyMultibase"])
    _, document = did_key(private_key.public_key())
    check = verify_proof(w3c["signed"], resolve=resolver_for(document))
    assert not check.ok
    assert "not by the issuer" in check.reason
    relabelled = copy.deepcopy(w3c["signed"])
    relabelled["issuer"] = document["id"]
    check = verify_proof(relabelled, resolve=resolver_for(document))
    assert not check.ok
    assert "does not match" in check.reason


def test_w3c_key_relabelled_as_the_issuers_is_still_refused(w3c):
    # Claiming controller = issuer is not enough: the did:key method is not published
    # under the issuer's identifier (https://vc.example/issuers/5678).
    private_key = private_key_from_multikey(w3c["keys"]["privateKeyMultibase"])
    _, document = did_key(private_key.public_key())
    method = dict(document["verificationMethod"][0], controller=w3c["signed"]["issuer"])
    check = verify_proof(w3c["signed"], resolve=lambda method_id: method)
    assert not check.ok
    assert "is not in the issuer's DID document" in check.reason
    assert check.created == datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)


def test_w3c_signed_document_signature_itself_verifies(w3c):
    # The proof is sound as such (Laurel only refuses who signed): check the bytes directly.
    signed = w3c["signed"]
    proof = signed["proof"]
    unsigned = {key: value for key, value in signed.items() if key != "proof"}
    config = {"@context": signed["@context"]} | {
        k: v for k, v in proof.items() if k != "proofValue"
    }
    public_key = private_key_from_multikey(w3c["keys"]["privateKeyMultibase"]).public_key()
    public_key.verify(base58.b58decode(proof["proofValue"][1:]), hash_data(unsigned, config))
    with pytest.raises(InvalidSignature):
        altered = unsigned | {"name": "Another Credential"}
        public_key.verify(base58.b58decode(proof["proofValue"][1:]), hash_data(altered, config))


# --- 1EdTech Open Badges 3.0 ---------------------------------------------------------------


def ob_private_key(ob) -> Ed25519PrivateKey:
    seed = bytes.fromhex(ob["privateKeyHex_seed_plus_pub"][:64])
    return Ed25519PrivateKey.from_private_bytes(seed)


def ob_method(ob) -> dict:
    return {
        "id": ob["proofOptions"]["verificationMethod"],
        "type": "Multikey",
        "controller": ob["signedCredential"]["issuer"]["id"],
        "publicKeyMultibase": ob["publicKeyMultibase"],
    }


def test_ob_key_matches_its_published_multikey(ob):
    public_key = ob_private_key(ob).public_key()
    assert public_multikey(public_key) == ob["publicKeyMultibase"]
    assert public_key.public_bytes_raw().hex() == ob["publicKeyHex"]


def test_ob_document_canonical_form_and_hash_match(ob):
    assert canonize_generic(ob["unsignedCredential"]) == ob["canon_doc"]
    assert canonize(ob["unsignedCredential"]) == ob["canon_doc"]
    assert sha256_hex(ob["canon_doc"]) == ob["documentHashHex"]


def test_ob_proof_configuration_canonical_form_and_hash_match(ob):
    config = {"@context": ob["unsignedCredential"]["@context"], **ob["proofOptions"]}
    assert canonize_generic(config) == ob["canon_proof"]
    assert canonize(config) == ob["canon_proof"]
    assert sha256_hex(ob["canon_proof"]) == ob["proofHashHex"]


def test_ob_signature_matches_byte_for_byte(ob):
    signed = sign(
        ob["unsignedCredential"],
        private_key=ob_private_key(ob),
        verification_method=ob["proofOptions"]["verificationMethod"],
        created=datetime(2010, 1, 1, 19, 23, 24, tzinfo=UTC),
    )
    proof = signed["proof"][0]
    assert proof["proofValue"] == ob["proofValue"]
    assert base58.b58decode(proof["proofValue"][1:]).hex() == ob["signatureHex"]
    assert {k: v for k, v in proof.items() if k != "proofValue"} == ob["proofOptions"]


def test_ob_signed_credential_with_a_single_proof_object_verifies(ob):
    assert isinstance(ob["signedCredential"]["proof"], dict)
    check = verify_proof(ob["signedCredential"], resolve=lambda method_id: ob_method(ob))
    assert check.ok, check.reason
    assert check.verification_method == ob["proofOptions"]["verificationMethod"]


def test_ob_signed_credential_with_an_altered_name_fails(ob):
    altered = copy.deepcopy(ob["signedCredential"])
    altered["credentialSubject"]["achievement"]["name"] = "Teamwork!"
    check = verify_proof(altered, resolve=lambda method_id: ob_method(ob))
    assert not check.ok
    assert "does not match" in check.reason
