"""Interoperability with an independent implementation: the Digital Bazaar JavaScript stack.

interop/verify.mjs verifies with @digitalbazaar/vc + DataIntegrityProof + eddsa-rdfc-2022
(safe mode on) and @digitalcredentials/vc-bitstring-status-list, offline, with the
contexts Laurel ships; interop/sign.mjs signs with the same stack. Jobs are batched:
every module fixture starts node once.
"""

from __future__ import annotations

import copy
import json
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from laurel.vc.credential import (
    AchievementInfo,
    IssuerProfile,
    Recipient,
    Skill,
    StatusEntry,
    build_credential,
)
from laurel.vc.did import VerificationKey, did_web, did_web_document, resolver_for
from laurel.vc.keys import generate_key, public_multikey
from laurel.vc.proof import sign, verify_proof
from laurel.vc.resolver import Resolver
from laurel.vc.status_list import Bitstring, build_status_list_credential, status_entry
from laurel.vc.verify import verify_credential
from tests.conftest import STANDARDS
from tests.vc.interop import (
    INTEROP,
    controller_document,
    node_binary,
    sign_in_js,
    verify_in_js,
)

pytestmark = [pytest.mark.interop, pytest.mark.xdist_group("node")]

OB_VECTOR = STANDARDS / "test-vectors" / "ob-v3p0-eddsa-rdfc-2022" / "ob-v3p0-testvector.json"
EDDSA_VECTOR = STANDARDS / "test-vectors" / "vc-di-eddsa" / "eddsa-rdfc-2022" / "signedDataInt.json"
PAST = "2020-01-01T00:00:00Z"


def _load(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ob_vector() -> dict:
    return _load(OB_VECTOR)


def _vector_issuer(vector: dict) -> tuple[str, str]:
    return vector["signedCredential"]["issuer"]["id"], vector["proofOptions"]["verificationMethod"]


def _vector_controller_document(vector: dict, **marks: str) -> dict:
    issuer, method = _vector_issuer(vector)
    return controller_document(issuer, method, vector["publicKeyMultibase"], **marks)


def _without_assertion_method(document: dict) -> dict:
    document = copy.deepcopy(document)
    document["assertionMethod"] = []
    return document


# --- the official vectors and the harness itself -------------------------------------------


@pytest.fixture(scope="module")
def vector_verdicts(ob_vector) -> dict[str, dict]:
    signed = ob_vector["signedCredential"]
    issuer, _ = _vector_issuer(ob_vector)
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Teamwork (edited)"
    unknown_context = copy.deepcopy(signed)
    unknown_context["@context"].append("https://example.org/not-shipped/context.json")
    docs = {issuer: _vector_controller_document(ob_vector)}
    jobs = {
        "ob": {"credential": signed, "didDocuments": docs},
        "ob tampered": {"credential": tampered, "didDocuments": docs},
        "ob unknown context": {"credential": unknown_context, "didDocuments": docs},
        "ob without controller document": {"credential": signed},
        "ob key revoked in the past": {
            "credential": signed,
            "didDocuments": {issuer: _vector_controller_document(ob_vector, revoked=PAST)},
        },
        "ob key expired in the past": {
            "credential": signed,
            "didDocuments": {issuer: _vector_controller_document(ob_vector, expires=PAST)},
        },
        "ob key with an undefined retirement term": {
            "credential": signed,
            "didDocuments": {
                issuer: {
                    **_vector_controller_document(ob_vector, retiredAt=PAST),
                    # multikey first: the verifier then frames the document in safe mode
                    "@context": [
                        "https://w3id.org/security/multikey/v1",
                        "https://www.w3.org/ns/did/v1",
                    ],
                }
            },
        },
        "ob key not an assertion method": {
            "credential": signed,
            "didDocuments": {issuer: _without_assertion_method(docs[issuer])},
        },
        "eddsa proof": {"credential": _load(EDDSA_VECTOR), "proofOnly": True},
        "eddsa credential": {"credential": _load(EDDSA_VECTOR)},
    }
    return dict(zip(jobs, verify_in_js(list(jobs.values())), strict=True))


def test_the_open_badges_test_vector_verifies_in_javascript(vector_verdicts):
    verdict = vector_verdicts["ob"]
    assert verdict["verified"], verdict["errors"]
    assert verdict["errors"] == []


def test_the_verifier_only_loads_the_shipped_contexts_and_the_given_controller_document(
    vector_verdicts, ob_vector
):
    issuer, method = _vector_issuer(ob_vector)
    assert set(vector_verdicts["ob"]["requested"]) == {
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        issuer,
        method,
    }


def test_a_tampered_open_badges_vector_fails_on_its_signature(vector_verdicts):
    verdict = vector_verdicts["ob tampered"]
    assert not verdict["verified"]
    assert "Invalid signature." in verdict["errors"]


def test_a_context_that_is_not_shipped_is_refused_rather_than_fetched(vector_verdicts):
    verdict = vector_verdicts["ob unknown context"]
    assert not verdict["verified"]
    assert any("not available offline" in e for e in verdict["errors"]), verdict["errors"]


def test_a_credential_whose_controller_document_is_not_given_fails_offline(vector_verdicts):
    verdict = vector_verdicts["ob without controller document"]
    assert not verdict["verified"]
    assert any("not available offline" in e for e in verdict["errors"]), verdict["errors"]


def test_the_vc_di_eddsa_vector_proof_verifies_in_javascript(vector_verdicts):
    verdict = vector_verdicts["eddsa proof"]
    assert verdict["verified"], verdict["errors"]
    assert "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2" in verdict["requested"]


def test_the_vc_di_eddsa_vector_is_refused_as_a_credential_because_its_issuer_does_not_hold_the_key(
    vector_verdicts,
):
    verdict = vector_verdicts["eddsa credential"]
    assert not verdict["verified"]
    assert verdict["errors"] == ["Credential issuer must match the verification method controller."]


def test_a_verification_method_marked_revoked_or_expired_in_the_past_still_verifies_in_javascript(
    vector_verdicts,
):
    # DataIntegrityProof does not read `revoked`/`expires` on the method: judging a retired
    # key is left to the verifier's policy (Laurel's own report does it).
    for case in ("ob key revoked in the past", "ob key expired in the past"):
        verdict = vector_verdicts[case]
        assert verdict["verified"], (case, verdict["errors"])


def test_an_undefined_term_in_a_framed_did_document_fails_safe_mode(vector_verdicts):
    verdict = vector_verdicts["ob key with an undefined retirement term"]
    assert not verdict["verified"]
    assert "Safe mode validation error." in verdict["errors"]


def test_a_key_missing_from_assertion_method_is_not_authorized(vector_verdicts, ob_vector):
    verdict = vector_verdicts["ob key not an assertion method"]
    assert not verdict["verified"]
    _, method = _vector_issuer(ob_vector)
    assert verdict["errors"] == [
        f'Verification method "{method}" not authorized by controller '
        'for proof purpose "assertionMethod".'
    ]


# --- the JavaScript signer ---------------------------------------------------------------


def test_javascript_signs_the_open_badges_vector_byte_for_byte(ob_vector):
    [result] = sign_in_js(
        [
            {
                "credential": ob_vector["unsignedCredential"],
                "verificationMethod": ob_vector["proofOptions"]["verificationMethod"],
                "key": {"seed": ob_vector["privateKeyHex_seed_plus_pub"][:64]},
                "created": ob_vector["proofOptions"]["created"],
            }
        ]
    )
    assert result["publicKeyMultibase"] == ob_vector["publicKeyMultibase"]
    assert result["credential"]["proof"] == ob_vector["signedCredential"]["proof"]


# --- Laurel's Bitstring Status Lists, read by the JavaScript status checker ----------------

STATUS_ISSUER = "did:web:issuer.example:issuers:demo"
STATUS_METHOD = f"{STATUS_ISSUER}#key-1"
STATUS_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
REVOCATION_LIST = "https://issuer.example/status/revocation-1"
SUSPENSION_LIST = "https://issuer.example/status/suspension-1"


def _status_list(url: str, purpose: str, set_bits: tuple[int, ...]) -> dict:
    bits = Bitstring()
    for index in set_bits:
        bits.set(index)
    return build_status_list_credential(
        list_url=url,
        issuer_id=STATUS_ISSUER,
        purpose=purpose,
        encoded_list=bits.encode(),
        valid_from=datetime(2024, 1, 1, tzinfo=UTC),
    )


def _badge_with_status(ob_vector: dict, number: int, entries: list[dict]) -> dict:
    credential = copy.deepcopy(ob_vector["unsignedCredential"])
    credential["id"] = f"https://issuer.example/credential/{number}"
    credential["issuer"]["id"] = STATUS_ISSUER
    credential["credentialStatus"] = entries
    return credential


@pytest.fixture(scope="module")
def status_verdicts(ob_vector) -> dict[str, dict]:
    unsigned = {
        "revocation list": _status_list(REVOCATION_LIST, "revocation", (3, 131071)),
        "suspension list": _status_list(SUSPENSION_LIST, "suspension", (4,)),
        "clear": _badge_with_status(
            ob_vector,
            1,
            [
                status_entry(REVOCATION_LIST, 2),
                status_entry(SUSPENSION_LIST, 2, "suspension"),
            ],
        ),
        "revoked": _badge_with_status(ob_vector, 2, [status_entry(REVOCATION_LIST, 3)]),
        "revoked at the last index": _badge_with_status(
            ob_vector, 3, [status_entry(REVOCATION_LIST, 131071)]
        ),
        "suspended": _badge_with_status(
            ob_vector,
            4,
            [status_entry(REVOCATION_LIST, 4), status_entry(SUSPENSION_LIST, 4, "suspension")],
        ),
        "list missing": _badge_with_status(
            ob_vector, 5, [status_entry("https://issuer.example/status/gone", 1)]
        ),
    }
    key = {"seed": STATUS_SEED}
    signed_results = sign_in_js(
        [
            {"credential": doc, "verificationMethod": STATUS_METHOD, "key": key}
            for doc in unsigned.values()
        ]
    )
    signed = {name: r["credential"] for name, r in zip(unsigned, signed_results, strict=True)}
    public = signed_results[0]["publicKeyMultibase"]
    docs = {STATUS_ISSUER: controller_document(STATUS_ISSUER, STATUS_METHOD, public)}
    lists = {REVOCATION_LIST: signed["revocation list"], SUSPENSION_LIST: signed["suspension list"]}
    cases = ("clear", "revoked", "revoked at the last index", "suspended", "list missing")
    jobs = [
        {"credential": signed[name], "didDocuments": docs, "statusLists": lists} for name in cases
    ]
    return dict(zip(cases, verify_in_js(jobs), strict=True))


def test_a_credential_whose_status_bits_are_clear_verifies_in_javascript(status_verdicts):
    verdict = status_verdicts["clear"]
    assert verdict["verified"], verdict["errors"]
    assert [(s["statusPurpose"], s["set"]) for s in verdict["statusResults"]] == [
        ("revocation", False),
        ("suspension", False),
    ]


def test_a_bit_set_in_laurels_revocation_list_reads_as_revoked_in_javascript(status_verdicts):
    for case, index in (("revoked", 3), ("revoked at the last index", 131071)):
        verdict = status_verdicts[case]
        assert not verdict["verified"]
        assert verdict["errors"] == [
            f"credential is revoked: bit {index} of {REVOCATION_LIST} is set"
        ]


def test_a_bit_set_in_laurels_suspension_list_reads_as_suspended_in_javascript(status_verdicts):
    verdict = status_verdicts["suspended"]
    assert not verdict["verified"]
    assert verdict["errors"] == [f"credential is suspended: bit 4 of {SUSPENSION_LIST} is set"]
    assert [(s["statusPurpose"], s["set"]) for s in verdict["statusResults"]] == [
        ("revocation", False),
        ("suspension", True),
    ]


def test_a_status_list_that_cannot_be_loaded_fails_the_status_check(status_verdicts):
    verdict = status_verdicts["list missing"]
    assert not verdict["verified"]
    assert any('Could not load "BitstringStatusListCredential"' in e for e in verdict["errors"]), (
        verdict["errors"]
    )


# --- credentials Laurel signs, verified by the JavaScript stack ----------------------------

LAUREL_BASE = "https://badges.example.org"
LAUREL_DID = did_web(LAUREL_BASE, "issuers/demo")
ACTIVE_KEY_ID = "key-2"
RETIRED_KEY_ID = "key-1"
ROTATED_ON = datetime(2024, 6, 1, tzinfo=UTC)
SIGNED_ON = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
LAUREL_REVOCATIONS = f"{LAUREL_BASE}/status/rev-1"
LAUREL_SUSPENSIONS = f"{LAUREL_BASE}/status/sus-1"
REVOKED_INDEX, SUSPENDED_INDEX = 17, 40000


@dataclass(frozen=True)
class LaurelIssuer:
    active: Ed25519PrivateKey
    retired: Ed25519PrivateKey
    did_document: dict

    @property
    def active_method(self) -> str:
        return f"{LAUREL_DID}#{ACTIVE_KEY_ID}"

    @property
    def retired_method(self) -> str:
        return f"{LAUREL_DID}#{RETIRED_KEY_ID}"


@pytest.fixture(scope="module")
def laurel_issuer() -> LaurelIssuer:
    active, retired = generate_key(), generate_key()
    document = did_web_document(
        LAUREL_DID,
        [
            VerificationKey(RETIRED_KEY_ID, public_multikey(retired.public_key()), ROTATED_ON),
            VerificationKey(ACTIVE_KEY_ID, public_multikey(active.public_key())),
        ],
    )
    return LaurelIssuer(active, retired, document)


def _laurel_badge(number: int, **options) -> dict:
    defaults = {
        "credential_id": f"{LAUREL_BASE}/credential/{number:032d}",
        "issuer": IssuerProfile(
            id=LAUREL_DID, name="Demo University", url=LAUREL_BASE, email="registrar@example.org"
        ),
        "achievement": AchievementInfo(
            id=f"{LAUREL_BASE}/achievements/teamwork",
            name="Teamwork",
            description="Works well with others.",
            criteria="Nominated by peers and reviewed by staff.",
        ),
        "recipient": Recipient(name="Ada Lovelace", email="ada@example.org"),
        "valid_from": datetime(2024, 9, 1, tzinfo=UTC),
        "schema": False,
    }
    return build_credential(**(defaults | options))


def _international_badge(number: int) -> dict:
    return _laurel_badge(
        number,
        issuer=IssuerProfile(id=LAUREL_DID, name="Universität Zürich — 東京大学 — جامعة"),
        achievement=AchievementInfo(
            id=f"{LAUREL_BASE}/achievements/i18n",
            name="Ünïcödé & “quotes” \\ back\\slash 🎓 עברית",
            description="Line one\nLine two\ttabbed, combining: e\u0301, RTL: \u202eabc\u202c",
            criteria="Passe l'examen «final» — 合格",
            skills=(Skill(name="Ñandú handling", url=f"{LAUREL_BASE}/skills/ñandú"),),
        ),
        recipient=Recipient(name="José Müller-Łukasiewicz 李小龙 محمد", email="José@Example.org"),
        custom_attributes={"Note": "Grade «A+» ✓", "学位": "工学士", "Score": "97.5"},
        evidence_url=f"{LAUREL_BASE}/evidence/42",
        valid_until=datetime(2099, 1, 1, tzinfo=UTC),
    )


def _laurel_status_list(url: str, purpose: str, index: int, key: Ed25519PrivateKey, method: str):
    bits = Bitstring()
    bits.set(index)
    unsigned = build_status_list_credential(
        list_url=url,
        issuer_id=LAUREL_DID,
        purpose=purpose,
        encoded_list=bits.encode(),
        valid_from=datetime(2024, 1, 1, tzinfo=UTC),
    )
    return sign(unsigned, private_key=key, verification_method=method, created=SIGNED_ON)


@pytest.fixture(scope="module")
def laurel_signed(laurel_issuer) -> dict[str, dict]:
    """Every case, signed by laurel.vc.proof.sign; the status lists are in ``lists``."""
    revocation = StatusEntry(LAUREL_REVOCATIONS, REVOKED_INDEX)
    suspension = StatusEntry(LAUREL_SUSPENSIONS, SUSPENDED_INDEX, "suspension")
    unsigned = {
        "plain": _laurel_badge(1),
        "with status": _laurel_badge(2, status=[StatusEntry(LAUREL_REVOCATIONS, 3)]),
        "with a suspension entry": _laurel_badge(
            11, status=[StatusEntry(LAUREL_SUSPENSIONS, 3, "suspension")]
        ),
        "with credentialSchema": _laurel_badge(3, schema=True),
        "international": _international_badge(4),
        "revoked": _laurel_badge(5, status=[revocation]),
        "suspended": _laurel_badge(6, status=[suspension]),
        "expired": _laurel_badge(
            7,
            valid_from=datetime(2020, 1, 1, tzinfo=UTC),
            valid_until=datetime(2021, 1, 1, tzinfo=UTC),
        ),
        "not yet valid": _laurel_badge(8, valid_from=datetime(2098, 1, 1, tzinfo=UTC)),
        "everything": _international_badge(9)
        | {"credentialSchema": _laurel_badge(9, schema=True)["credentialSchema"]},
    }
    unsigned["everything"]["@context"] = _laurel_badge(9, schema=True)["@context"]
    signed = {
        name: sign(
            doc,
            private_key=laurel_issuer.active,
            verification_method=laurel_issuer.active_method,
            created=SIGNED_ON,
        )
        for name, doc in unsigned.items()
    }
    signed["by the retired key before rotation"] = sign(
        _laurel_badge(10),
        private_key=laurel_issuer.retired,
        verification_method=laurel_issuer.retired_method,
        created=ROTATED_ON - timedelta(days=30),
    )
    tampered = copy.deepcopy(signed["plain"])
    tampered["credentialSubject"]["achievement"]["name"] = "Leadership"
    signed["tampered"] = tampered
    recipient_swapped = copy.deepcopy(signed["plain"])
    recipient_swapped["credentialSubject"]["identifier"][0]["identityHash"] = "sha256$" + "0" * 64
    signed["recipient swapped"] = recipient_swapped
    undefined_term = copy.deepcopy(signed["plain"])
    undefined_term["credentialSubject"]["favouriteColour"] = "green"
    signed["undefined term added"] = undefined_term
    signed["lists"] = {
        LAUREL_REVOCATIONS: _laurel_status_list(
            LAUREL_REVOCATIONS,
            "revocation",
            REVOKED_INDEX,
            laurel_issuer.active,
            laurel_issuer.active_method,
        ),
        LAUREL_SUSPENSIONS: _laurel_status_list(
            LAUREL_SUSPENSIONS,
            "suspension",
            SUSPENDED_INDEX,
            laurel_issuer.active,
            laurel_issuer.active_method,
        ),
    }
    return signed


@pytest.fixture(scope="module")
def laurel_verdicts(laurel_signed, laurel_issuer) -> dict[str, dict]:
    names = [name for name in laurel_signed if name != "lists"]
    jobs = [
        {
            "credential": laurel_signed[name],
            "didDocuments": {LAUREL_DID: laurel_issuer.did_document},
            "statusLists": laurel_signed["lists"],
        }
        for name in names
    ]
    names.append("expired, checked at a moment inside its validity")
    jobs.append(jobs[names.index("expired")] | {"now": "2020-06-01T00:00:00Z"})
    return dict(zip(names, verify_in_js(jobs), strict=True))


@pytest.mark.parametrize(
    "case",
    [
        "plain",
        "with status",
        "with a suspension entry",
        "with credentialSchema",
        "international",
        "everything",
        "by the retired key before rotation",
    ],
)
def test_a_credential_laurel_signs_verifies_in_javascript(laurel_verdicts, case):
    verdict = laurel_verdicts[case]
    assert verdict["verified"], verdict["errors"]
    assert verdict["errors"] == []


def test_the_status_entries_laurel_writes_are_read_clear_in_javascript(laurel_verdicts):
    for case, purpose in (("with status", "revocation"), ("with a suspension entry", "suspension")):
        results = laurel_verdicts[case]["statusResults"]
        assert [(r["statusPurpose"], r["statusListIndex"], r["set"]) for r in results] == [
            (purpose, "3", False)
        ]


def test_a_credential_laurel_revoked_is_refused_as_revoked_in_javascript(laurel_verdicts):
    verdict = laurel_verdicts["revoked"]
    assert not verdict["verified"]
    assert verdict["errors"] == [
        f"credential is revoked: bit {REVOKED_INDEX} of {LAUREL_REVOCATIONS} is set"
    ]


def test_a_credential_laurel_suspended_is_refused_as_suspended_in_javascript(laurel_verdicts):
    verdict = laurel_verdicts["suspended"]
    assert not verdict["verified"]
    assert verdict["errors"] == [
        f"credential is suspended: bit {SUSPENDED_INDEX} of {LAUREL_SUSPENSIONS} is set"
    ]


def test_an_expired_laurel_credential_is_refused_for_its_valid_until_in_javascript(
    laurel_verdicts,
):
    verdict = laurel_verdicts["expired"]
    assert not verdict["verified"]
    [error] = verdict["errors"]
    assert error.endswith('is after "validUntil" (2021-01-01T00:00:00Z).'), error


def test_a_laurel_credential_not_yet_valid_is_refused_for_its_valid_from_in_javascript(
    laurel_verdicts,
):
    verdict = laurel_verdicts["not yet valid"]
    assert not verdict["verified"]
    [error] = verdict["errors"]
    assert error.endswith('is before "validFrom" (2098-01-01T00:00:00Z).'), error


@pytest.mark.parametrize("case", ["tampered", "recipient swapped"])
def test_a_tampered_laurel_credential_fails_on_its_signature_in_javascript(laurel_verdicts, case):
    verdict = laurel_verdicts[case]
    assert not verdict["verified"]
    assert verdict["errors"] == ["Invalid signature."]


def test_a_term_no_context_defines_added_to_a_laurel_credential_fails_safe_mode_in_javascript(
    laurel_verdicts,
):
    verdict = laurel_verdicts["undefined term added"]
    assert not verdict["verified"]
    assert "Safe mode validation error." in verdict["errors"]


def test_an_expired_credential_verifies_in_javascript_at_a_moment_inside_its_validity(
    laurel_verdicts,
):
    verdict = laurel_verdicts["expired, checked at a moment inside its validity"]
    assert verdict["verified"], verdict["errors"]


# --- credentials the JavaScript stack signs, verified by Laurel ----------------------------


def _seed(key: Ed25519PrivateKey) -> str:
    return key.private_bytes_raw().hex()


@pytest.fixture(scope="module")
def js_signed(laurel_issuer, ob_vector) -> dict[str, dict]:
    """Laurel-built (and official) credentials, signed by interop/sign.mjs."""
    active = {"verificationMethod": laurel_issuer.active_method}
    active["key"] = {"seed": _seed(laurel_issuer.active)}
    created = SIGNED_ON.isoformat().replace("+00:00", "Z")
    jobs = {
        "plain, proof as an object": {"credential": _laurel_badge(21), **active},
        "international, proof array": {
            "credential": _international_badge(22),
            **active,
            "proofArray": True,
            "created": created,
        },
        "with credentialSchema": {
            "credential": _laurel_badge(23, schema=True),
            **active,
            "created": created,
        },
        "revoked": {
            "credential": _laurel_badge(
                24, status=[StatusEntry(LAUREL_REVOCATIONS, REVOKED_INDEX)]
            ),
            **active,
            "created": created,
        },
        "by the retired key after rotation": {
            "credential": _laurel_badge(25),
            "verificationMethod": laurel_issuer.retired_method,
            "key": {"seed": _seed(laurel_issuer.retired)},
            "created": created,
        },
        "ob vector": {
            "credential": ob_vector["unsignedCredential"],
            "verificationMethod": ob_vector["proofOptions"]["verificationMethod"],
            "key": {"seed": ob_vector["privateKeyHex_seed_plus_pub"][:64]},
        },
    }
    results = sign_in_js(list(jobs.values()))
    signed = {name: r["credential"] for name, r in zip(jobs, results, strict=True)}
    signed["public keys"] = {
        name: r["publicKeyMultibase"] for name, r in zip(jobs, results, strict=True)
    }
    return signed


def _laurel_resolver(laurel_issuer, laurel_signed) -> Resolver:
    documents = [laurel_issuer.did_document, *laurel_signed["lists"].values()]
    return Resolver(documents, offline=True)


def test_javascript_derives_the_same_multikey_as_laurel_from_a_seed(js_signed, laurel_issuer):
    keys = js_signed["public keys"]
    assert keys["plain, proof as an object"] == public_multikey(laurel_issuer.active.public_key())
    assert keys["by the retired key after rotation"] == public_multikey(
        laurel_issuer.retired.public_key()
    )


def test_a_credential_javascript_signs_passes_laurels_proof_check(js_signed, laurel_issuer):
    resolve = resolver_for(laurel_issuer.did_document)
    for case in ("plain, proof as an object", "international, proof array", "revoked"):
        check = verify_proof(js_signed[case], resolve=resolve)
        assert check.ok, (case, check.reason)
        assert check.verification_method == laurel_issuer.active_method


def _resolver_for_vector(document: dict):
    # The OB vector's issuer is an https URL, not a DID: look the method up directly.
    methods = {m["id"]: m for m in document["verificationMethod"]}
    return methods.__getitem__


def test_the_open_badges_vector_as_javascript_signs_it_passes_laurels_proof_check(
    js_signed, ob_vector
):
    vector_document = _vector_controller_document(ob_vector)
    check = verify_proof(js_signed["ob vector"], resolve=_resolver_for_vector(vector_document))
    assert check.ok, check.reason


def test_a_credential_javascript_signed_then_altered_fails_laurels_proof_check(
    js_signed, laurel_issuer
):
    altered = copy.deepcopy(js_signed["plain, proof as an object"])
    altered["credentialSubject"]["achievement"]["description"] = "Works alone."
    check = verify_proof(altered, resolve=resolver_for(laurel_issuer.did_document))
    assert not check.ok
    assert "signature does not match" in check.reason


@pytest.mark.parametrize(
    "case", ["plain, proof as an object", "international, proof array", "with credentialSchema"]
)
def test_a_credential_javascript_signs_is_valid_in_laurels_report(
    js_signed, laurel_issuer, laurel_signed, case
):
    report = verify_credential(
        js_signed[case], resolver=_laurel_resolver(laurel_issuer, laurel_signed)
    )
    assert report.valid and report.complete, report.to_text()
    assert [c.outcome for c in report.checks] == ["passed"] * 5


def test_a_javascript_signed_credential_revoked_in_laurels_list_is_reported_revoked(
    js_signed, laurel_issuer, laurel_signed
):
    report = verify_credential(
        js_signed["revoked"], resolver=_laurel_resolver(laurel_issuer, laurel_signed)
    )
    assert not report.valid
    assert report.check("proof").outcome == "passed"
    status = report.check("status")
    assert status.outcome == "failed"
    assert "revoked" in status.reason


def test_a_retired_key_signing_after_its_rotation_is_reported_by_laurel(
    js_signed, laurel_issuer, laurel_signed
):
    report = verify_credential(
        js_signed["by the retired key after rotation"],
        resolver=_laurel_resolver(laurel_issuer, laurel_signed),
    )
    assert report.check("proof").outcome == "passed"
    key = report.check("issuer key")
    assert key.outcome == "failed"
    assert "retired" in key.reason
    assert not report.valid


# --- the harness itself --------------------------------------------------------------------


def test_without_node_on_path_the_interop_tests_fail_with_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(pytest.fail.Exception, match="node is not on PATH"):
        node_binary()


@pytest.mark.parametrize("script", ["verify.mjs", "sign.mjs"])
def test_the_harness_answers_unreadable_input_with_a_one_line_error(script):
    completed = subprocess.run(
        [node_binary(), str(INTEROP / script)],
        input="{not json",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stdout.count("\n") == 1
    assert json.loads(completed.stdout)["error"].startswith("input is not JSON")
    assert completed.stderr == ""


# --- control characters: whatever build_credential accepts verifies in JavaScript ----------

REFUSED_CONTROLS = [chr(c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)]
ACCEPTED_SAMPLES = {
    "every accepted character below U+00A0": "".join(
        chr(c) for c in range(0xA0) if chr(c) not in REFUSED_CONTROLS
    ),
    "tab, newline, carriage return": "a\tb\nc\rd\r\ne",
    "emoji": "🎓 👩🏽‍🚀 🇫🇷 \U0010fffd",
    "right to left": "\u202eabc\u202c עברית العربية \u200f\u2066x\u2069",
    "combining marks": "e\u0301\u0301 a\u0308 \u0915\u094d\u0937",
    "line and paragraph separators": "a\u2028b\u2029c\u0085d\ufeff\u200b\u200d",
}


@pytest.fixture(scope="module")
def control_character_verdicts(laurel_issuer) -> dict[str, dict]:
    """Laurel-signed badges whose every text holds one accepted sample, verified in JS;
    and one with a backspace signed bypassing sign's refusal, to show why it exists."""
    jobs, names = [], []
    for number, (name, text) in enumerate(ACCEPTED_SAMPLES.items()):
        badge = _laurel_badge(
            9000 + number,
            recipient=Recipient(name=f"Ada {text}", email="ada@example.org"),
            achievement=AchievementInfo(
                id=f"{LAUREL_BASE}/achievements/controls",
                name=f"Controls {text}",
                description=text,
                criteria=text,
            ),
            custom_attributes={f"Note {text}": text},
        )
        signed = sign(
            badge,
            private_key=laurel_issuer.active,
            verification_method=laurel_issuer.active_method,
            created=SIGNED_ON,
        )
        names.append(name)
        jobs.append(
            {"credential": signed, "didDocuments": {LAUREL_DID: laurel_issuer.did_document}}
        )
    names.append("backspace, signed around the refusal")
    jobs.append(
        {
            "credential": _signed_without_the_refusal(laurel_issuer, "Ada\bLovelace"),
            "didDocuments": {LAUREL_DID: laurel_issuer.did_document},
        }
    )
    return dict(zip(names, verify_in_js(jobs), strict=True))


def _signed_without_the_refusal(issuer: LaurelIssuer, name: str) -> dict:
    from laurel.vc.proof import base58btc, hash_data

    badge = _laurel_badge(9999)
    badge["credentialSubject"]["name"] = name
    proof = {
        "type": "DataIntegrityProof",
        "created": "2025-01-02T03:04:05Z",
        "verificationMethod": issuer.active_method,
        "cryptosuite": "eddsa-rdfc-2022",
        "proofPurpose": "assertionMethod",
    }
    signature = issuer.active.sign(hash_data(badge, {"@context": badge["@context"], **proof}))
    return badge | {"proof": [proof | {"proofValue": "z" + base58btc(signature)}]}


@pytest.mark.parametrize("sample", list(ACCEPTED_SAMPLES))
def test_every_text_build_credential_accepts_verifies_in_javascript(
    control_character_verdicts, sample
):
    verdict = control_character_verdicts[sample]
    assert verdict["verified"], verdict["errors"]


def test_a_backspace_signed_with_pylds_escaping_fails_in_javascript(control_character_verdicts):
    # Why build_credential and sign refuse these characters: PyLD writes U+0008 raw,
    # jsonld.js writes "\b", so the signed bytes differ.
    verdict = control_character_verdicts["backspace, signed around the refusal"]
    assert not verdict["verified"]


@pytest.mark.parametrize("control", REFUSED_CONTROLS)
def test_build_credential_refuses_every_control_character_javascript_escapes_differently(
    control,
):
    from laurel.vc.errors import ControlCharacterError

    with pytest.raises(ControlCharacterError, match=f"U\\+{ord(control):04X}"):
        _laurel_badge(1, recipient=Recipient(name=f"Ada{control}", email="ada@example.org"))
