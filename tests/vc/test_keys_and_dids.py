"""Ed25519 keys (Multikey, encryption at rest) and did:web / did:key documents."""

import json
from datetime import UTC, datetime

import base58
import pytest

from laurel.vc.did import (
    RETIRED_AT,
    VerificationKey,
    did_key,
    did_web,
    did_web_document,
    did_web_document_url,
    resolver_for,
    retired_at,
    verification_method,
)
from laurel.vc.errors import ResolutionError, VCError
from laurel.vc.keys import (
    decrypt_private_key,
    encrypt_private_key,
    generate_key,
    private_key_seed,
    public_key_bytes,
    public_key_from_multikey,
    public_multikey,
)

# --- keys --------------------------------------------------------------------------------


def test_generated_keys_are_distinct_and_sign():
    first, second = generate_key(), generate_key()
    assert private_key_seed(first) != private_key_seed(second)
    signature = first.sign(b"message")
    first.public_key().verify(signature, b"message")


def test_public_multikey_starts_with_z6mk_and_round_trips():
    public_key = generate_key().public_key()
    value = public_multikey(public_key)
    assert value.startswith("z6Mk")
    assert base58.b58decode(value[1:])[:2] == b"\xed\x01"
    assert public_key_bytes(public_key_from_multikey(value)) == public_key_bytes(public_key)


@pytest.mark.parametrize(
    "value, reason",
    [
        ("", "multibase"),
        ("u6Mkabc", "multibase"),
        ("z0OIl", "base58"),
        ("z" + base58.b58encode(b"\x12\x00" + bytes(32)).decode(), "not an Ed25519 Multikey"),
        ("z" + base58.b58encode(b"\xed\x01" + bytes(31)).decode(), "32 key bytes"),
        (None, "multibase"),
    ],
)
def test_malformed_multikey_is_refused_with_a_reason(value, reason):
    with pytest.raises(VCError, match=reason):
        public_key_from_multikey(value)


def test_encrypted_private_key_round_trips():
    key = generate_key()
    token = encrypt_private_key(key, "a caller secret")
    assert token.startswith("v1:")
    assert private_key_seed(decrypt_private_key(token, "a caller secret")) == private_key_seed(key)


def test_encrypted_token_does_not_contain_the_seed():
    key = generate_key()
    token = encrypt_private_key(key, "secret")
    assert private_key_seed(key).hex() not in token
    assert base58.b58encode(private_key_seed(key)).decode() not in token


def test_encrypting_twice_gives_different_tokens():
    key = generate_key()
    assert encrypt_private_key(key, "secret") != encrypt_private_key(key, "secret")


def test_wrong_secret_gives_a_clear_error():
    token = encrypt_private_key(generate_key(), "right secret")
    with pytest.raises(VCError, match="wrong secret"):
        decrypt_private_key(token, "wrong secret")


def test_altered_token_is_refused():
    token = encrypt_private_key(generate_key(), "secret")
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(VCError, match="wrong secret, or the stored key was altered"):
        decrypt_private_key(flipped, "secret")


@pytest.mark.parametrize(
    "token, reason",
    [
        ("no-version", "expected 'v1:"),
        ("v9:abcd", "unknown encrypted key version"),
        ("v1:abcd", "wrong length"),
        ("v1:!!!!", "base64url|wrong length"),
        (None, "expected 'v1:"),
    ],
)
def test_malformed_token_is_refused_with_a_reason(token, reason):
    with pytest.raises(VCError, match=reason):
        decrypt_private_key(token, "secret")


def test_empty_secret_is_refused():
    with pytest.raises(VCError, match="non-empty"):
        encrypt_private_key(generate_key(), "")


def test_unicode_secret_works():
    key = generate_key()
    token = encrypt_private_key(key, "mot de passe — 秘密 🔑")
    assert private_key_seed(
        decrypt_private_key(token, "mot de passe — 秘密 🔑")
    ) == private_key_seed(key)


# --- did:web ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "base_url, path, did",
    [
        ("http://127.0.0.1:8000", "issuers/demo", "did:web:127.0.0.1%3A8000:issuers:demo"),
        ("https://laurel.example", "issuers/acme", "did:web:laurel.example:issuers:acme"),
        ("https://laurel.example/", "/issuers/acme/", "did:web:laurel.example:issuers:acme"),
        ("https://Laurel.Example", "issuers/acme", "did:web:laurel.example:issuers:acme"),
        ("https://example.org/laurel", "issuers/a", "did:web:example.org:laurel:issuers:a"),
        ("https://laurel.example:8443", "", "did:web:laurel.example%3A8443"),
        ("http://[::1]:8000", "issuers/x", "did:web:%5B%3A%3A1%5D%3A8000:issuers:x"),
        ("https://laurel.example", "issuers/a b", "did:web:laurel.example:issuers:a%20b"),
    ],
)
def test_did_web_encodes_ports_and_paths(base_url, path, did):
    assert did_web(base_url, path) == did


@pytest.mark.parametrize("base_url", ["ftp://example.org", "example.org", "https://", ""])
def test_did_web_refuses_a_base_that_is_not_http(base_url):
    with pytest.raises(VCError, match="base URL"):
        did_web(base_url, "issuers/x")


@pytest.mark.parametrize(
    "did, url",
    [
        ("did:web:127.0.0.1%3A8000:issuers:demo", "http://127.0.0.1:8000/issuers/demo/did.json"),
        ("did:web:localhost%3A8000:issuers:demo", "http://localhost:8000/issuers/demo/did.json"),
        ("did:web:%5B%3A%3A1%5D%3A8000:issuers:x", "http://[::1]:8000/issuers/x/did.json"),
        ("did:web:laurel.example:issuers:acme", "https://laurel.example/issuers/acme/did.json"),
        ("did:web:laurel.example", "https://laurel.example/.well-known/did.json"),
        ("did:web:laurel.example%3A8443", "https://laurel.example:8443/.well-known/did.json"),
        ("did:web:localhost.evil.example:x", "https://localhost.evil.example/x/did.json"),
        ("did:web:laurel.example:issuers:a#key-1", "https://laurel.example/issuers/a/did.json"),
    ],
)
def test_did_web_document_url_uses_http_only_for_the_local_host(did, url):
    assert did_web_document_url(did) == url


def test_did_web_and_its_document_url_agree():
    did = did_web("http://127.0.0.1:8000", "issuers/demo")
    assert did_web_document_url(did) == "http://127.0.0.1:8000/issuers/demo/did.json"


@pytest.mark.parametrize(
    "did", ["did:key:z6Mkabc", "did:web:", "did:web:example.org::x", "https://x", None]
)
def test_did_web_document_url_refuses_what_is_not_a_did_web(did):
    with pytest.raises(ResolutionError, match="did:web"):
        did_web_document_url(did)


# --- DID documents ------------------------------------------------------------------------

DID = "did:web:laurel.example:issuers:acme"


def two_keys(retired: datetime | None = None) -> list[VerificationKey]:
    old = VerificationKey("key-1", public_multikey(generate_key().public_key()), retired)
    new = VerificationKey("key-2", public_multikey(generate_key().public_key()))
    return [old, new]


def test_did_web_document_lists_every_key_as_a_multikey_assertion_method():
    keys = two_keys()
    document = did_web_document(DID, keys)
    assert document["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ]
    assert document["id"] == DID
    assert document["verificationMethod"] == [
        {
            "id": f"{DID}#{key.key_id}",
            "type": "Multikey",
            "controller": DID,
            "publicKeyMultibase": key.public_key_multibase,
        }
        for key in keys
    ]
    assert document["assertionMethod"] == [f"{DID}#key-1", f"{DID}#key-2"]
    json.dumps(document)


def test_retired_key_stays_in_the_document_marked_with_retired_at():
    moment = datetime(2025, 3, 4, 5, 6, 7, 890, tzinfo=UTC)
    document = did_web_document(DID, two_keys(retired=moment))
    old, new = document["verificationMethod"]
    assert old[RETIRED_AT] == "2025-03-04T05:06:07Z"
    assert RETIRED_AT not in new
    assert f"{DID}#key-1" in document["assertionMethod"]
    assert "revoked" not in old and "expires" not in old
    # retiredAt is defined for JSON-LD processors by an inline context term.
    assert document["@context"][2][RETIRED_AT]["@id"].endswith("#retiredAt")
    assert retired_at(old) == moment.replace(microsecond=0)
    assert retired_at(new) is None


def test_did_web_document_refuses_duplicate_key_ids():
    key = VerificationKey("key-1", public_multikey(generate_key().public_key()))
    with pytest.raises(VCError, match="share one key id"):
        did_web_document(DID, [key, key])


def test_verification_method_helper_finds_a_method_and_refuses_unknown_ids():
    document = did_web_document(DID, two_keys())
    assert verification_method(document, f"{DID}#key-2")["publicKeyMultibase"]
    resolve = resolver_for(document)
    assert resolve(f"{DID}#key-1")["id"] == f"{DID}#key-1"
    with pytest.raises(ResolutionError, match="not in DID document"):
        resolve(f"{DID}#key-3")


def test_verification_method_not_authorized_for_assertion_is_refused():
    document = did_web_document(DID, two_keys())
    document["assertionMethod"] = [f"{DID}#key-2"]
    with pytest.raises(ResolutionError, match="assertionMethod"):
        verification_method(document, f"{DID}#key-1")


def test_retired_at_with_a_malformed_value_is_reported():
    with pytest.raises(VCError, match="malformed retiredAt"):
        retired_at({RETIRED_AT: "yesterday"})


def test_did_key_document_uses_the_multikey_as_id_and_fragment():
    public_key = generate_key().public_key()
    did, document = did_key(public_key)
    multikey = public_multikey(public_key)
    assert did == f"did:key:{multikey}"
    method = verification_method(document, f"{did}#{multikey}")
    assert method["controller"] == did
    assert public_key_bytes(public_key_from_multikey(method["publicKeyMultibase"])) == (
        public_key_bytes(public_key)
    )
