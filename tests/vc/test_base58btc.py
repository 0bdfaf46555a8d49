"""proof.base58btc writes exactly what the base58 package writes (and decodes back)."""

import random

import base58

from laurel.vc.proof import base58btc


def sample_inputs() -> list[bytes]:
    rng = random.Random(58)
    inputs = [b"", b"\0", b"\0\0\0", b"\xff" * 64, b"\0\0" + b"\xff" * 62]
    for size in range(0, 80):
        for _ in range(30):
            data = bytes(rng.randrange(256) for _ in range(size))
            inputs.append(data)
            inputs.append(b"\0" * rng.randrange(4) + data)
    return inputs


def test_base58btc_equals_the_base58_package_on_thousands_of_inputs():
    inputs = sample_inputs()
    assert len(inputs) > 4000
    mismatches = [data for data in inputs if base58btc(data) != base58.b58encode(data).decode()]
    assert mismatches == []


def test_base58btc_round_trips_a_signature_through_the_decoder():
    signature = bytes(range(64))
    assert base58.b58decode(base58btc(signature)) == signature
