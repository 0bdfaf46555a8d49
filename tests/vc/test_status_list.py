import base64
import gzip
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laurel.vc.errors import VCError
from laurel.vc.status_list import (
    MIN_LENGTH,
    Bitstring,
    build_status_list_credential,
    scattered_index,
    scattered_indexes,
    status_entry,
)


def _raw_bits(encoded: str) -> bytes:
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_a_new_list_has_the_minimum_length_and_every_bit_clear():
    bits = Bitstring()
    assert len(bits) == MIN_LENGTH == 131072
    assert not any(bits.get(i) for i in (0, 1, 7, 8, MIN_LENGTH - 1))
    assert _raw_bits(bits.encode()) == bytes(MIN_LENGTH // 8)


def test_bit_zero_is_the_leftmost_bit_of_the_first_byte():
    bits = Bitstring()
    bits.set(0)
    bits.set(9)
    raw = _raw_bits(bits.encode())
    assert raw[0] == 0b1000_0000
    assert raw[1] == 0b0100_0000


def test_encoding_is_u_prefixed_base64url_without_padding():
    bits = Bitstring()
    bits.set(12345)
    encoded = bits.encode()
    assert encoded.startswith("u")
    assert "=" not in encoded and "+" not in encoded and "/" not in encoded


def test_set_clear_and_get_round_trip_through_the_encoding():
    bits = Bitstring()
    for index in (0, 3, 8, 1000, MIN_LENGTH - 1):
        bits.set(index)
    bits.clear(3)
    decoded = Bitstring.decode(bits.encode())
    assert [decoded.get(i) for i in (0, 3, 8, 1000, MIN_LENGTH - 1, 2)] == [
        True,
        False,
        True,
        True,
        True,
        False,
    ]


def test_setting_false_clears_only_that_bit():
    bits = Bitstring()
    bits.set(5)
    bits.set(6)
    bits.set(6, False)
    assert bits.get(5) and not bits.get(6)


def test_the_encoding_is_the_same_for_the_same_bits():
    first, second = Bitstring(), Bitstring()
    first.set(42)
    second.set(42)
    assert first.encode() == second.encode()


def test_a_longer_list_keeps_its_length():
    bits = Bitstring(MIN_LENGTH * 2)
    bits.set(MIN_LENGTH * 2 - 1)
    decoded = Bitstring.decode(bits.encode())
    assert len(decoded) == MIN_LENGTH * 2 and decoded.get(MIN_LENGTH * 2 - 1)


@pytest.mark.parametrize("length", [8, MIN_LENGTH - 8, MIN_LENGTH + 1])
def test_a_list_shorter_than_the_minimum_or_not_whole_bytes_is_refused(length):
    with pytest.raises(VCError, match="at least 131072"):
        Bitstring(length)


@pytest.mark.parametrize("index", [-1, MIN_LENGTH, "3", 1.0, True])
def test_an_index_outside_the_list_or_not_an_integer_is_refused(index):
    with pytest.raises(VCError, match="index"):
        Bitstring().set(index)


def test_decoding_without_the_u_prefix_is_refused():
    encoded = Bitstring().encode()
    with pytest.raises(VCError, match="starting with 'u'"):
        Bitstring.decode("z" + encoded[1:])


def test_decoding_data_that_is_not_gzip_is_refused():
    body = base64.urlsafe_b64encode(b"not gzip at all").decode().rstrip("=")
    with pytest.raises(VCError, match="not valid GZIP"):
        Bitstring.decode("u" + body)


def test_decoding_truncated_gzip_is_refused():
    encoded = base64.urlsafe_b64encode(gzip.compress(bytes(MIN_LENGTH // 8))[:-10])
    with pytest.raises(VCError, match="truncated"):
        Bitstring.decode("u" + encoded.decode().rstrip("="))


def test_decoding_a_list_that_is_too_short_is_refused():
    encoded = base64.urlsafe_b64encode(gzip.compress(bytes(1024))).decode().rstrip("=")
    with pytest.raises(VCError, match="too short: 8192 entries"):
        Bitstring.decode("u" + encoded)


def test_decoding_invalid_base64_is_refused():
    with pytest.raises(VCError, match="base64url"):
        Bitstring.decode("u!!!!")


def test_decoding_a_gzip_bomb_is_refused_without_expanding_it():
    encoded = base64.urlsafe_b64encode(gzip.compress(bytes(64 * 1024 * 1024))).decode()
    with pytest.raises(VCError, match="too large"):
        Bitstring.decode("u" + encoded.rstrip("="))


def test_a_status_entry_points_at_one_bit_of_a_list():
    entry = status_entry("https://laurel.example/status/abc", 94567, "suspension")
    assert entry == {
        "id": "https://laurel.example/status/abc#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "suspension",
        "statusListIndex": "94567",
        "statusListCredential": "https://laurel.example/status/abc",
    }


def test_a_status_entry_with_an_unknown_purpose_is_refused():
    with pytest.raises(VCError, match="revocation, suspension"):
        status_entry("https://laurel.example/status/abc", 1, "refresh")


def test_the_status_list_credential_has_the_vc2_shape():
    bits = Bitstring()
    bits.set(7)
    document = build_status_list_credential(
        list_url="https://laurel.example/status/abc",
        issuer_id="did:web:laurel.example:issuers:demo",
        purpose="revocation",
        encoded_list=bits.encode(),
        valid_from=datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=UTC),
    )
    assert document["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["issuer"] == "did:web:laurel.example:issuers:demo"
    assert document["validFrom"] == "2026-01-02T03:04:05Z"
    subject = document["credentialSubject"]
    assert subject["id"] == "https://laurel.example/status/abc#list"
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    assert Bitstring.decode(subject["encodedList"]).get(7)


# --- scattered indexes ------------------------------------------------------------------


@pytest.mark.parametrize("length", [1, 2, 3, 8, 1000, 4096, MIN_LENGTH])
def test_scattered_indexes_give_every_position_its_own_index(length):
    key = b"k" * 16
    indexes = {scattered_index(position, length=length, key=key) for position in range(length)}
    assert indexes == set(range(length))


def test_scattered_indexes_do_not_follow_the_order_of_issue():
    first = [
        scattered_index(position, length=MIN_LENGTH, key=b"list-key") for position in range(64)
    ]
    steps = {later - earlier for earlier, later in zip(first, first[1:], strict=False)}
    assert first != sorted(first)
    assert len(steps) > 32  # not an arithmetic progression either


def test_each_list_key_scatters_differently_and_always_the_same_way():
    one = [scattered_index(p, length=MIN_LENGTH, key=b"one") for p in range(100)]
    assert one == [scattered_index(p, length=MIN_LENGTH, key=b"one") for p in range(100)]
    assert one != [scattered_index(p, length=MIN_LENGTH, key=b"two") for p in range(100)]


def test_the_scatter_of_existing_lists_never_changes():
    """Slots already handed out keep their indexes: values of the first implementation."""
    positions = (0, 1, 2, 1000, MIN_LENGTH - 1)
    expected = [61849, 117233, 122545, 60090, 46513]
    assert [scattered_index(p, length=MIN_LENGTH, key=b"list-key") for p in positions] == expected
    many = scattered_indexes(0, MIN_LENGTH, length=MIN_LENGTH, key=b"list-key")
    assert [many[p] for p in positions] == expected


@settings(max_examples=60, deadline=None)
@given(
    length=st.sampled_from([1, 2, 7, 300, 4096, MIN_LENGTH, 1_000_003]),
    first=st.integers(min_value=0, max_value=2_000_000),
    count=st.integers(min_value=0, max_value=3000),
    key=st.binary(max_size=24),
)
def test_many_scattered_indexes_are_the_ones_given_one_at_a_time(length, first, count, key):
    first = first % length
    count = min(count, length - first)
    one_by_one = [scattered_index(p, length=length, key=key) for p in range(first, first + count)]
    assert scattered_indexes(first, count, length=length, key=key) == one_by_one


@pytest.mark.parametrize(("first", "count"), [(-1, 2), (MIN_LENGTH - 1, 2), (MIN_LENGTH, 1)])
def test_positions_outside_the_list_are_refused_together_too(first, count):
    with pytest.raises(VCError, match="outside a status list"):
        scattered_indexes(first, count, length=MIN_LENGTH, key=b"k")


def test_an_empty_key_takes_the_slots_in_order():
    assert [scattered_index(p, length=MIN_LENGTH, key=b"") for p in range(5)] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("position", [-1, MIN_LENGTH, MIN_LENGTH + 5])
def test_a_position_outside_the_list_is_refused(position):
    with pytest.raises(VCError, match="outside a status list"):
        scattered_index(position, length=MIN_LENGTH, key=b"k")
