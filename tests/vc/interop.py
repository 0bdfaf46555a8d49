"""Drive the independent JavaScript verifier and signer (interop/*.mjs) from tests.

Each call starts node once for a whole list of jobs: node and the JSON-LD stack take
a few hundred milliseconds to start, a credential takes a few milliseconds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INTEROP = REPO / "interop"
TIMEOUT_SECONDS = 120


def node_binary() -> str:
    """The node found on PATH; fails the test (never skips) when there is none."""
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "node is not on PATH: the interoperability tests need Node.js 20+ "
            "(apt-get install nodejs npm, then `make interop`)",
            pytrace=False,
        )
    installed = [
        INTEROP / "node_modules" / p
        for p in ("@digitalbazaar/vc", "@digitalcredentials/verifier-core")
    ]
    if not all(path.is_dir() for path in installed):
        pytest.fail(
            "interop/node_modules is missing: run `make interop` (npm ci in interop/)",
            pytrace=False,
        )
    return node


def run_script(script: str, payload: dict) -> dict:
    """Run interop/<script> with `payload` as JSON on stdin and return its JSON answer."""
    completed = subprocess.run(
        [node_binary(), str(INTEROP / script)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        cwd=INTEROP,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    try:
        answer = json.loads(completed.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"interop/{script} exited {completed.returncode} without JSON: "
            f"{completed.stdout[:500]!r} {completed.stderr[:2000]!r}",
            pytrace=False,
        )
    if "error" in answer:
        pytest.fail(f"interop/{script} refused its input: {answer['error']}", pytrace=False)
    return answer


def verify_in_js(jobs: list[dict]) -> list[dict]:
    """Verify every job with the Digital Bazaar stack; one result per job, in order.

    job: {credential, didDocuments?: {id: document}, statusLists?: {url: credential},
    now?: ISO date, proofOnly?: bool}; result: {verified, errors, statusResults, requested}.
    """
    results = run_script("verify.mjs", {"jobs": jobs})["results"]
    assert len(results) == len(jobs)
    return results


def sign_in_js(jobs: list[dict]) -> list[dict]:
    """Sign every job with the Digital Bazaar stack; one {credential, publicKeyMultibase} per job.

    job: {credential, verificationMethod, key: {seed: hex} | {publicKeyMultibase,
    secretKeyMultibase}, created?: ISO date, proofArray?: bool}.
    """
    results = run_script("sign.mjs", {"jobs": jobs})["results"]
    assert len(results) == len(jobs)
    failures = [r["error"] for r in results if "error" in r]
    assert not failures, f"the JavaScript signer refused: {failures}"
    return results


def verify_in_verifier_core(jobs: list[dict]) -> list[dict]:
    """Verify every job with @digitalcredentials/verifier-core (interop/verifier_core.mjs).

    job: {credential, web: {https URL: document}} (a did:web's document under its
    did.json URL); result: {log: [{id, valid, error}], errors, schema, requested}.
    """
    results = run_script("verifier_core.mjs", {"jobs": jobs})["results"]
    assert len(results) == len(jobs)
    return results


def controller_document(
    controller: str, method_id: str, public_key_multibase: str, **marks: str
) -> dict:
    """A minimal DID/controller document with one Multikey assertion method (for vectors)."""
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": controller,
        "verificationMethod": [
            {
                "id": method_id,
                "type": "Multikey",
                "controller": controller,
                "publicKeyMultibase": public_key_multibase,
                **marks,
            }
        ],
        "assertionMethod": [method_id],
    }
