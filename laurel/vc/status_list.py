"""W3C Bitstring Status List v1.0: the bitstring, its entries and its credential.

A credential's `credentialStatus` points at one bit of a list published by the issuer;
the bit set means revoked (or suspended, for a `suspension` list). The list is GZIP
compressed, base64url encoded without padding and prefixed "u" (multibase), and bit 0
is the left-most (most significant) bit of the first byte.
"""

from __future__ import annotations

import base64
import binascii
import functools
import gzip
import hashlib
import hmac
import zlib
from datetime import UTC, datetime

from laurel.vc.errors import VCError

MIN_LENGTH = 131072  # 16 KB: the spec's minimum, so one bit tells nobody who is who
PURPOSES = ("revocation", "suspension")
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
# An encoded list of a few million entries is far below this; a gzip bomb is not.
MAX_DECODED_BYTES = 16 * 1024 * 1024


class Bitstring:
    """A fixed-length string of bits, as published in a status list."""

    def __init__(self, length: int = MIN_LENGTH) -> None:
        """Make an all-clear bitstring of `length` bits (a multiple of 8, at least MIN_LENGTH)."""
        if length < MIN_LENGTH or length % 8:
            raise VCError(f"a status list needs a multiple of 8 and at least {MIN_LENGTH} entries")
        self._bits = bytearray(length // 8)

    def __len__(self) -> int:
        return len(self._bits) * 8

    def _locate(self, index: int) -> tuple[int, int]:
        if isinstance(index, bool) or not isinstance(index, int):
            raise VCError(f"status list index must be an integer, not {index!r}")
        if not 0 <= index < len(self):
            raise VCError(f"status list index {index} is outside the list (0..{len(self) - 1})")
        return index // 8, 7 - index % 8  # bit 0 is the left-most bit of byte 0

    def set(self, index: int, value: bool = True) -> None:
        """Set (or, with value=False, clear) the bit at `index`."""
        byte, shift = self._locate(index)
        if value:
            self._bits[byte] |= 1 << shift
        else:
            self._bits[byte] &= ~(1 << shift) & 0xFF

    def clear(self, index: int) -> None:
        """Clear the bit at `index` (e.g. lift a suspension)."""
        self.set(index, False)

    def get(self, index: int) -> bool:
        """Whether the bit at `index` is set."""
        byte, shift = self._locate(index)
        return bool(self._bits[byte] >> shift & 1)

    def encode(self) -> str:
        """The multibase form published in `encodedList`: "u" + base64url(gzip(bits)), no padding."""
        # mtime=0 keeps the encoding a function of the bits alone (stable signatures, caches).
        compressed = gzip.compress(bytes(self._bits), mtime=0)
        return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, encoded: str) -> Bitstring:
        """Parse an `encodedList` value; raise VCError saying what is wrong with it."""
        if not isinstance(encoded, str) or not encoded.startswith("u"):
            raise VCError(
                "status list encodedList must be a multibase base64url string starting with 'u'"
            )
        raw = _base64url_decode(encoded[1:])
        bits = _gunzip(raw)
        if len(bits) * 8 < MIN_LENGTH:
            raise VCError(
                f"status list is too short: {len(bits) * 8} entries, the minimum is {MIN_LENGTH}"
            )
        bitstring = cls.__new__(cls)
        bitstring._bits = bytearray(bits)
        return bitstring


def _base64url_decode(text: str) -> bytes:
    try:
        padded = text + "=" * (-len(text) % 4)
        return base64.b64decode(padded, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise VCError("status list encodedList is not valid base64url") from exc


def _gunzip(raw: bytes) -> bytes:
    # Decompress in bounded steps so a small, hostile list cannot expand into gigabytes.
    try:
        decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        bits = decompressor.decompress(raw, MAX_DECODED_BYTES + 1)
    except zlib.error as exc:
        raise VCError("status list encodedList is not valid GZIP data") from exc
    if len(bits) > MAX_DECODED_BYTES:
        raise VCError("status list is too large to decode")
    if not decompressor.eof:
        raise VCError("status list encodedList is truncated GZIP data")
    return bits


def scattered_index(position: int, *, length: int, key: bytes) -> int:
    """The index in a list of `length` bits for its `position`-th credential (0, 1, 2, ...).

    A keyed permutation of range(length): each position gets its own index, and without
    the list's secret `key` nobody can tell from an index which credentials were issued
    together or in what order (the Bitstring Status List's herd privacy; indexes handed
    out one after the other would give that away). An empty key is the identity, for
    lists whose slots were taken in order. A 4-round Feistel network on the smallest even
    number of bits that holds `length`, HMAC-SHA256 as its round function, walking the
    cycle until the value falls inside the list.
    """
    if not 0 <= position < length:
        raise VCError(f"position {position} is outside a status list of {length} entries")
    if not key:
        return position
    half = _half_bits(length)
    return _walk(position, length, half, lambda turn, right: _round(key, half, turn, right))


def scattered_indexes(first: int, count: int, *, length: int, key: bytes) -> list[int]:
    """`scattered_index` of positions `first` to `first + count - 1`, the same indexes.

    For many positions (a bulk batch's thousand), the round function is tabulated first:
    it takes only 2**half inputs a round (512 for a 131,072-entry list), so the table costs
    fewer HMACs than the positions would (four a walk, about two walks each)."""
    if count <= 0:
        return []
    if not (0 <= first and first + count <= length):
        raise VCError(
            f"positions {first} to {first + count - 1} are outside a status list of "
            f"{length} entries"
        )
    half = _half_bits(length)
    positions = range(first, first + count)
    if not key or 2 * count < 1 << half:  # fewer HMACs one position at a time (8 on average)
        return [scattered_index(position, length=length, key=key) for position in positions]
    table = _round_table(key, half)
    return [
        _walk(position, length, half, lambda turn, right: table[turn][right])
        for position in positions
    ]


@functools.lru_cache(maxsize=8)
def _round_table(key: bytes, half: int) -> tuple[tuple[int, ...], ...]:
    """The Feistel round function of `key` for every input of `half` bits, per round (a
    worker issuing a job's batches into the same list tabulates it once)."""
    return tuple(
        tuple(_round(key, half, turn, right) for right in range(1 << half)) for turn in range(4)
    )


def _round(key: bytes, half: int, turn: int, right: int) -> int:
    """The Feistel round function: HMAC-SHA256 of the round and the right half, cut to
    `half` bits."""
    digest = hmac.digest(key, b"%d:%d" % (turn, right), hashlib.sha256)
    return int.from_bytes(digest[:8], "big") & ((1 << half) - 1)


def _half_bits(length: int) -> int:
    """Half of the smallest even number of bits that holds every index of the list."""
    return max((length - 1).bit_length() + 1, 2) // 2


def _walk(position: int, length: int, half: int, round_value) -> int:
    """The 4-round Feistel permutation of `position`, walked until it falls in the list."""
    mask = (1 << half) - 1
    value = position
    while True:
        left, right = value >> half, value & mask
        for turn in range(4):
            left, right = right, left ^ round_value(turn, right)
        value = (left << half) | right
        if value < length:
            return value


def status_entry(list_url: str, index: int, purpose: str = "revocation") -> dict:
    """The `credentialStatus` entry (BitstringStatusListEntry) for bit `index` of a list."""
    _check_purpose(purpose)
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise VCError(f"status list index must be a non-negative integer, not {index!r}")
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def build_status_list_credential(
    *, list_url: str, issuer_id: str, purpose: str, encoded_list: str, valid_from: datetime
) -> dict:
    """The unsigned BitstringStatusListCredential for a list; sign it with proof.sign."""
    _check_purpose(purpose)
    return {
        # The status terms are part of the VC 2.0 context: no other context is needed.
        "@context": [CREDENTIALS_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": _xsd_datetime(valid_from),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded_list,
        },
    }


def _check_purpose(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise VCError(f"status purpose must be one of {', '.join(PURPOSES)}, not {purpose!r}")


def _xsd_datetime(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise VCError("validFrom must be a timezone-aware datetime")
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
