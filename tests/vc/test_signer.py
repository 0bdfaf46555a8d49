"""The signing process signs exactly what signing in-process signs, and never outlives
its parent.

laurel.vc.signer runs `python -m laurel.vc.signer` for real: a child that reads batches
on its standard input. Its documents must be byte for byte those of signed_credential in
this process (Ed25519 is deterministic), a refusal must come back as the same VCError, and
a child whose parent is gone must exit on its own.
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import replace

import pytest

from laurel.vc.errors import ControlCharacterError, VCError
from laurel.vc.proof import verify_proof
from laurel.vc.signer import SignerGone, SigningProcess, sign_requests
from tests.helpers.processes import process_running
from tests.vc.test_signed_credential import KEY, METHOD, RECIPIENT, RESOLVE, SIGNED_AT, fields


def requests_of(count: int) -> list[dict]:
    return [
        fields(
            credential_id=f"https://laurel.example/credential/{n:032d}",
            recipient=replace(RECIPIENT, name=f"Zoë Ångström-{n} 山田"),
        )
        for n in range(count)
    ]


def test_the_child_signs_byte_for_byte_what_this_process_signs():
    wanted = requests_of(40)
    here = sign_requests(wanted, private_key=KEY, verification_method=METHOD, created=SIGNED_AT)
    signer = SigningProcess()
    try:
        there = signer.sign(
            wanted, private_key=KEY, verification_method=METHOD, created=SIGNED_AT
        ).result()
        again = signer.sign(
            wanted[:3], private_key=KEY, verification_method=METHOD, created=SIGNED_AT
        ).result()
    finally:
        signer.close()
    assert [json.dumps(d, sort_keys=True) for d in there] == [
        json.dumps(d, sort_keys=True) for d in here
    ]
    assert again == here[:3]
    assert verify_proof(there[7], resolve=RESOLVE).ok


def test_a_refused_credential_comes_back_as_its_error_and_the_others_are_signed():
    wanted = requests_of(3)
    wanted[1] = fields(recipient=replace(RECIPIENT, name="Bell\x07"))
    signer = SigningProcess()
    try:
        documents = signer.sign(
            wanted, private_key=KEY, verification_method=METHOD, created=SIGNED_AT
        ).result()
    finally:
        signer.close()
    assert isinstance(documents[1], ControlCharacterError)
    assert "control character" in str(documents[1]).lower()
    assert [isinstance(d, VCError) for d in documents] == [False, True, False]
    assert documents[0]["credentialSubject"]["identifier"]


def test_a_second_batch_waits_for_the_first_whose_signatures_are_kept():
    signer = SigningProcess()
    try:
        first = signer.sign(
            requests_of(30), private_key=KEY, verification_method=METHOD, created=SIGNED_AT
        )
        second = signer.sign(
            requests_of(2), private_key=KEY, verification_method=METHOD, created=SIGNED_AT
        )
        assert len(second.result()) == 2
        assert len(first.result()) == 30
        assert first.result()[:2] == second.result()
    finally:
        signer.close()


def test_a_dead_child_is_reported_not_waited_for():
    signer = SigningProcess()
    try:
        os.kill(signer.pid, signal.SIGKILL)
        signer._child.wait(timeout=10)
        with pytest.raises(SignerGone):
            signer.sign(
                requests_of(2), private_key=KEY, verification_method=METHOD, created=SIGNED_AT
            ).result()
        assert not signer.alive()
    finally:
        signer.close()


def test_a_hung_child_is_killed_and_reported_once_its_time_is_up():
    signer = SigningProcess(timeout=1)
    try:
        os.kill(signer.pid, signal.SIGSTOP)  # alive, and never answering
        pending = signer.sign(
            requests_of(2), private_key=KEY, verification_method=METHOD, created=SIGNED_AT
        )
        with pytest.raises(SignerGone, match="did not answer within 1 s"):
            pending.result()
        signer._child.wait(timeout=10)
        assert not signer.alive()
    finally:
        signer.close()


def test_an_answer_that_takes_its_time_within_the_limit_is_waited_for():
    signer = SigningProcess(timeout=30)
    try:
        os.kill(signer.pid, signal.SIGSTOP)
        pending = signer.sign(
            requests_of(2), private_key=KEY, verification_method=METHOD, created=SIGNED_AT
        )
        threading.Timer(1.5, os.kill, (signer.pid, signal.SIGCONT)).start()
        assert len(pending.result()) == 2
        assert signer.alive()
    finally:
        signer.close()


def test_the_child_exits_when_its_parent_is_killed():
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import sys, time
                from laurel.vc.signer import SigningProcess
                signer = SigningProcess()
                print(signer.pid, flush=True)
                time.sleep(600)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    child = int(parent.stdout.readline())
    assert process_running(child)
    parent.kill()
    parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while process_running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_running(child)
