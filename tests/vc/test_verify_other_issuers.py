"""Credentials issued by others verify in Laurel: the official 1EdTech vector exactly as
published, and every compacted JSON-LD shape, signed in this run by the Digital Bazaar
stack (interop/sign.mjs) with ``proof`` as one object, as @digitalbazaar/vc writes it.

Each shape is judged by ``laurel verify`` (the command, offline, with the DID document
given) and by the Python API; tampered, each fails on its signature. Some shapes change
the graph when expanded for the schema (an image by its URL becomes an object with a
type), so a valid verdict also shows that the signature was checked on the original.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest

from laurel.vc.cli import verify_main
from laurel.vc.credential import AchievementInfo, IssuerProfile, Recipient, build_credential
from laurel.vc.did import VerificationKey, did_web, did_web_document
from laurel.vc.keys import generate_key, public_multikey
from laurel.vc.resolver import Resolver
from laurel.vc.verify import verify_credential
from tests.conftest import STANDARDS
from tests.vc.interop import controller_document, sign_in_js, verify_in_js

pytestmark = [pytest.mark.interop, pytest.mark.xdist_group("node")]

OB_VECTOR = STANDARDS / "test-vectors" / "ob-v3p0-eddsa-rdfc-2022" / "ob-v3p0-testvector.json"
BASE = "https://wallet-issuer.example"
DID = did_web(BASE, "issuers/acme")
METHOD = f"{DID}#key-1"
SIGNED_ON = "2025-03-04T05:06:07Z"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
IMAGE = f"{BASE}/images/badge.png"
LOGO = f"{BASE}/images/logo.png"
ALL_PASSED = ["passed"] * 5


def _badge() -> dict:
    return build_credential(
        credential_id=f"{BASE}/credentials/1",
        issuer=IssuerProfile(id=DID, name="Acme Academy", url=BASE, image=LOGO),
        achievement=AchievementInfo(
            id=f"{BASE}/achievements/teamwork",
            name="Teamwork",
            description="Collaborates within a group.",
            criteria="Nominated by peers.",
            image=IMAGE,
        ),
        recipient=Recipient(name="Ada Lovelace", email="ada@example.org", salt="pepper"),
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
        schema=False,
    )


def _shape(change) -> dict:
    badge = _badge()
    change(badge, badge["credentialSubject"], badge["credentialSubject"]["achievement"])
    return badge


def _everything(badge, subject, achievement) -> None:
    for change in SHAPES.values():
        change(badge, subject, achievement)


# name -> how the shape differs from the plain-JSON form: (credential, subject, achievement)
SHAPES = {
    "proof as an object": lambda badge, subject, achievement: None,
    "identifier as an object": lambda b, subject, a: subject.update(
        identifier=subject["identifier"][0]
    ),
    "Achievement type as a string": lambda b, s, achievement: achievement.update(
        type="Achievement"
    ),
    "Profile type as a string": lambda badge, s, a: badge["issuer"].update(type="Profile"),
    "AchievementSubject type as a string": lambda b, subject, a: subject.update(
        type="AchievementSubject"
    ),
    "achievement image as a URL": lambda b, s, achievement: achievement.update(image=IMAGE),
    "issuer image as a URL": lambda badge, s, a: badge["issuer"].update(image=LOGO),
}
CASES = {
    **{name: _shape(change) for name, change in SHAPES.items()},
    "credentialSubject as a list of one": _shape(
        lambda badge, subject, a: badge.update(credentialSubject=[subject])
    ),
    "every compacted form at once": _shape(_everything),
}
# Where the schema check reads each case in plain-JSON form.
PLACES = {
    "proof as an object": "proof",
    "identifier as an object": "credentialSubject/identifier",
    "Achievement type as a string": "credentialSubject/achievement/type",
    "Profile type as a string": "issuer/type",
    "AchievementSubject type as a string": "credentialSubject/type",
    "achievement image as a URL": "credentialSubject/achievement/image",
    "issuer image as a URL": "issuer/image",
    "credentialSubject as a list of one": "credentialSubject",
}


@pytest.fixture(scope="module")
def issuer_key():
    return generate_key()


@pytest.fixture(scope="module")
def did_document(issuer_key) -> dict:
    return did_web_document(
        DID, [VerificationKey("key-1", public_multikey(issuer_key.public_key()))]
    )


@pytest.fixture(scope="module")
def signed(issuer_key) -> dict[str, dict]:
    """Every case signed by the Digital Bazaar stack, proof as one object (its default)."""
    key = {"seed": issuer_key.private_bytes_raw().hex()}
    jobs = [
        {"credential": case, "verificationMethod": METHOD, "key": key, "created": SIGNED_ON}
        for case in CASES.values()
    ]
    results = sign_in_js(jobs)
    documents = {name: r["credential"] for name, r in zip(CASES, results, strict=True)}
    assert all(isinstance(d["proof"], dict) for d in documents.values())
    return documents


def _resolver(did_document: dict) -> Resolver:
    return Resolver([did_document], offline=True)


def _tampered(document: dict) -> dict:
    tampered = copy.deepcopy(document)
    subject = tampered["credentialSubject"]
    subject = subject[0] if isinstance(subject, list) else subject
    subject["achievement"]["name"] = "Leadership"
    return tampered


def _run_cli(tmp_path, capsys, document: dict, did_document: dict) -> tuple[int, dict]:
    credential_file = tmp_path / "credential.json"
    did_file = tmp_path / "did.json"
    credential_file.write_text(json.dumps(document), encoding="utf-8")
    did_file.write_text(json.dumps(did_document), encoding="utf-8")
    capsys.readouterr()
    status = verify_main(
        ["--json", "--offline", "--no-cache", "--did", str(did_file), str(credential_file)]
    )
    return status, json.loads(capsys.readouterr().out)


# ---- the official 1EdTech vector, exactly as published --------------------------------


@pytest.fixture(scope="module")
def ob_vector() -> dict:
    return json.loads(OB_VECTOR.read_text(encoding="utf-8"))


def _vector_controller(vector: dict) -> dict:
    issuer = vector["signedCredential"]["issuer"]["id"]
    method = vector["proofOptions"]["verificationMethod"]
    return controller_document(issuer, method, vector["publicKeyMultibase"])


def test_the_official_open_badges_vector_is_valid_in_the_python_api(ob_vector):
    resolver = Resolver([_vector_controller(ob_vector)], offline=True)
    report = verify_credential(ob_vector["signedCredential"], resolver=resolver)
    assert report.valid and report.complete, report.to_text()
    assert [check.outcome for check in report.checks] == ALL_PASSED
    assert "compacted JSON-LD form" in report.check("schema").reason


def test_the_official_open_badges_vector_is_valid_in_laurel_verify(ob_vector, tmp_path, capsys):
    status, report = _run_cli(
        tmp_path, capsys, ob_vector["signedCredential"], _vector_controller(ob_vector)
    )
    assert status == 0, report
    assert report["valid"] and report["complete"]
    assert report["summary"] == "VALID: every check passed"


def test_the_official_vector_tampered_is_not_valid_for_its_signature(ob_vector):
    tampered = _tampered(ob_vector["signedCredential"])
    resolver = Resolver([_vector_controller(ob_vector)], offline=True)
    report = verify_credential(tampered, resolver=resolver)
    assert not report.valid
    assert report.check("proof").outcome == "failed"
    assert "signature does not match" in report.check("proof").reason


# ---- every compacted shape, signed by the Digital Bazaar stack -------------------------


def test_every_shape_verifies_in_the_digital_bazaar_stack_too(signed, did_document):
    jobs = [{"credential": doc, "didDocuments": {DID: did_document}} for doc in signed.values()]
    for name, verdict in zip(signed, verify_in_js(jobs), strict=True):
        assert verdict["verified"], (name, verdict["errors"])


@pytest.mark.parametrize("case", list(CASES))
def test_a_compacted_shape_is_valid_in_the_python_api_with_every_check_passed(
    signed, did_document, case
):
    report = verify_credential(signed[case], resolver=_resolver(did_document), now=NOW)
    assert report.valid and report.complete, report.to_text()
    assert [check.outcome for check in report.checks] == ALL_PASSED
    schema = report.check("schema").reason
    assert "compacted JSON-LD form" in schema
    if case in PLACES:
        assert PLACES[case] in schema


@pytest.mark.parametrize("case", list(CASES))
def test_a_compacted_shape_is_valid_in_laurel_verify(signed, did_document, case, tmp_path, capsys):
    status, report = _run_cli(tmp_path, capsys, signed[case], did_document)
    assert status == 0, report
    assert [check["outcome"] for check in report["checks"]] == ALL_PASSED


@pytest.mark.parametrize("case", list(CASES))
def test_a_compacted_shape_tampered_is_not_valid_for_its_signature(
    signed, did_document, case, tmp_path, capsys
):
    tampered = _tampered(signed[case])
    report = verify_credential(tampered, resolver=_resolver(did_document), now=NOW)
    assert not report.valid
    assert report.check("proof").outcome == "failed"
    assert "signature does not match" in report.check("proof").reason
    assert report.check("schema").outcome == "passed"  # the shape itself is still fine
    status, cli_report = _run_cli(tmp_path, capsys, tampered, did_document)
    assert status == 1
    assert cli_report["summary"] == "NOT VALID: proof failed"


def test_a_compacted_image_changed_after_signing_fails_the_signature(signed, did_document):
    tampered = copy.deepcopy(signed["achievement image as a URL"])
    tampered["credentialSubject"]["achievement"]["image"] = f"{BASE}/images/other.png"
    report = verify_credential(tampered, resolver=_resolver(did_document), now=NOW)
    assert report.check("proof").outcome == "failed"
    assert not report.valid


def test_the_original_document_is_left_as_it_was_signed(signed, did_document):
    document = signed["every compacted form at once"]
    before = json.dumps(document, sort_keys=True)
    verify_credential(document, resolver=_resolver(did_document), now=NOW)
    assert json.dumps(document, sort_keys=True) == before
