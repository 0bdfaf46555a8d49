"""Laurel's credentials in @digitalcredentials/verifier-core, the verifier inside the
Learner Credential Wallet and VerifierPlus (interop/verifier_core.mjs).

verifier-core fetches did:web documents and status lists over HTTPS only; the script
answers its fetches from the documents each job gives (under the https URLs a wallet
would fetch) and the files Laurel ships, never from the network.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from laurel.vc.credential import (
    AchievementInfo,
    IssuerProfile,
    Recipient,
    Skill,
    StatusEntry,
    build_credential,
)
from laurel.vc.did import did_web_document_url
from laurel.vc.loader import known_context_urls
from tests.vc.interop import verify_in_verifier_core

from .verify_helpers import Issuer

pytestmark = [pytest.mark.interop, pytest.mark.xdist_group("node")]

BASE = "https://badges.example.org"
SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
REVOKED_INDEX = 17
ISSUED = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture(scope="module")
def issuer() -> Issuer:
    organization = Issuer(BASE)
    organization.set_bit("revocation", REVOKED_INDEX)
    return organization


def _badge(organization: Issuer, number: int, **options) -> dict:
    defaults = {
        "credential_id": f"{BASE}/credential/{number:032d}",
        "issuer": IssuerProfile(id=organization.did, name="Demo University", url=BASE),
        "achievement": AchievementInfo(
            id=f"{BASE}/achievements/teamwork",
            name="Teamwork",
            description="Works well with others.",
            criteria="Nominated by peers and reviewed by staff.",
        ),
        "recipient": Recipient(name="Ada Lovelace", email="ada@example.org"),
        "valid_from": datetime(2024, 9, 1, tzinfo=UTC),
    }
    return organization.sign(build_credential(**(defaults | options)), created=ISSUED)


def _credentials(issuer: Issuer) -> dict[str, dict]:
    status = issuer.list_url("revocation")
    return {
        "plain": _badge(issuer, 1),
        "custom attributes": _badge(
            issuer, 2, custom_attributes={"Grade": "A+", "Hours": "42", "Mentor": "Grace Hopper"}
        ),
        "international names": _badge(
            issuer,
            3,
            issuer=IssuerProfile(id=issuer.did, name="Universität Zürich — 東京大学 — جامعة"),
            achievement=AchievementInfo(
                id=f"{BASE}/achievements/i18n",
                name="Ünïcödé «Teamwork» 🎓 עברית",
                description="Zusammenarbeit, 协作, التعاون",
                criteria="Évalué par les pairs.",
                skills=(Skill(name="Ñandú handling", url=f"{BASE}/skills/ñandú"),),
            ),
            recipient=Recipient(
                name="José Müller-Łukasiewicz 李小龙 محمد", email="jose@example.org"
            ),
            custom_attributes={"学位": "工学士"},
        ),
        "status clear": _badge(issuer, 4, status=[StatusEntry(status, 3)]),
        "revoked": _badge(issuer, 5, status=[StatusEntry(status, REVOKED_INDEX)]),
        "expired": _badge(
            issuer,
            6,
            valid_from=datetime(2020, 1, 1, tzinfo=UTC),
            valid_until=datetime(2021, 1, 1, tzinfo=UTC),
        ),
    }


@pytest.fixture(scope="module")
def verdicts(issuer) -> dict[str, dict]:
    credentials = _credentials(issuer)
    web = {
        did_web_document_url(issuer.did): issuer.did_document(),
        issuer.list_url("revocation"): issuer.status_list("revocation"),
    }
    tampered = dict(credentials["plain"], name="Leadership")
    # The DID document only over plain http, as a LAUREL_BASE_URL of http://... publishes it.
    http_only = Issuer("http://plain-http.example")
    http_web = {
        did_web_document_url(http_only.did).replace("https://", "http://", 1): (
            http_only.did_document()
        )
    }
    jobs = {name: {"credential": doc, "web": web} for name, doc in credentials.items()}
    jobs["tampered"] = {"credential": tampered, "web": web}
    jobs["did:web served over http only"] = {"credential": http_only.credential(), "web": http_web}
    results = verify_in_verifier_core(list(jobs.values()))
    return dict(zip(jobs, results, strict=True)) | {"served": set(web) | set(http_web)}


def _steps(verdict: dict) -> dict[str, bool | None]:
    return {entry["id"]: entry["valid"] for entry in verdict["log"]}


@pytest.mark.parametrize("case", ["plain", "custom attributes", "international names"])
def test_a_laurel_credential_verifies_in_verifier_core(verdicts, case):
    verdict = verdicts[case]
    assert verdict["errors"] == []
    steps = _steps(verdict)
    assert steps["valid_signature"] is True
    assert steps["expiration"] is True
    assert "revocation_status" not in steps  # no status entry: nothing to revoke
    assert verdict["schema"] == [{"schema": SCHEMA, "valid": True, "errors": []}]


def test_a_laurel_credential_with_a_clear_status_bit_is_not_revoked_in_verifier_core(verdicts):
    steps = _steps(verdicts["status clear"])
    assert steps["valid_signature"] is True
    assert steps["revocation_status"] is True


def test_a_credential_laurel_revoked_fails_revocation_in_verifier_core_and_nothing_else(
    verdicts,
):
    verdict = verdicts["revoked"]
    assert verdict["errors"] == []
    steps = _steps(verdict)
    assert steps["revocation_status"] is False
    assert steps["valid_signature"] is True
    assert steps["expiration"] is True


def test_an_expired_laurel_credential_fails_expiration_in_verifier_core_and_nothing_else(
    verdicts,
):
    verdict = verdicts["expired"]
    assert verdict["errors"] == []
    steps = _steps(verdict)
    assert steps["expiration"] is False
    assert steps["valid_signature"] is True


def test_a_tampered_laurel_credential_fails_its_signature_in_verifier_core(verdicts):
    verdict = verdicts["tampered"]
    assert verdict["log"] == []
    assert [error["name"] for error in verdict["errors"]] == ["invalid_signature"]


def test_a_did_web_published_over_http_only_cannot_be_resolved_by_verifier_core(verdicts):
    # Why `laurel serve` warns about an http:// LAUREL_BASE_URL: wallets fetch did:web
    # documents over HTTPS only.
    verdict = verdicts["did:web served over http only"]
    assert verdict["log"] == []
    assert verdict["errors"], verdict
    assert "https://plain-http.example/issuers/demo/did.json" in verdict["requested"]


def test_verifier_core_only_fetched_what_the_tests_served(verdicts):
    allowed = verdicts["served"] | {SCHEMA} | set(known_context_urls())
    for name, verdict in verdicts.items():
        if name in ("served", "did:web served over http only"):
            continue
        assert set(verdict["requested"]) <= allowed, (name, verdict["requested"])
