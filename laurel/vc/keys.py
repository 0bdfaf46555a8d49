"""Ed25519 signing keys: generation, Multikey encoding, and encryption at rest.

Public keys travel as Multikey values (``publicKeyMultibase``): the multicodec header
``0xed 0x01`` (ed25519-pub) before the 32 key bytes, base58btc-encoded with the multibase
prefix ``z`` — which is why every Ed25519 Multikey starts with ``z6Mk``.

Private keys are stored encrypted with a secret the caller gives (for Laurel, a setting):
AES-256-GCM under a key derived from the secret with scrypt and a random salt. The token
is versioned (``v1:...``) so the scheme can change without breaking stored keys.
"""

import base64
import binascii
import os
from functools import lru_cache

import base58
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from laurel.vc.errors import VCError

ED25519_PUB_HEADER = b"\xed\x01"
ED25519_PRIV_HEADER = b"\x80\x26"

TOKEN_VERSION = "v1"
_SALT_BYTES = 16
_NONCE_BYTES = 12
# Bound into the ciphertext so a token made for something else never decrypts as a key.
_ASSOCIATED_DATA = b"laurel ed25519 private key v1"


def generate_key() -> Ed25519PrivateKey:
    """A fresh Ed25519 signing key from the operating system's random source."""
    return Ed25519PrivateKey.generate()


def public_key_bytes(public_key: Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of an Ed25519 public key."""
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def private_key_seed(private_key: Ed25519PrivateKey) -> bytes:
    """The 32-byte seed of an Ed25519 private key (what is stored, encrypted)."""
    return private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def public_multikey(public_key: Ed25519PublicKey) -> str:
    """The Multikey ``publicKeyMultibase`` of an Ed25519 public key ("z6Mk...")."""
    return "z" + base58.b58encode(ED25519_PUB_HEADER + public_key_bytes(public_key)).decode("ascii")


def _multibase_payload(value: object, header: bytes, what: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("z"):
        raise VCError(f"{what} must be a base58btc multibase string starting with 'z'")
    try:
        raw = base58.b58decode(value[1:])
    except ValueError as error:
        raise VCError(f"{what} is not valid base58btc: {error}") from None
    if raw[:2] != header:
        raise VCError(f"{what} is not an Ed25519 Multikey (multicodec header {header.hex()})")
    if len(raw) != 34:
        raise VCError(f"{what} must carry 32 key bytes, found {len(raw) - 2}")
    return raw[2:]


def public_key_from_multikey(value: str) -> Ed25519PublicKey:
    """Decode a Multikey ``publicKeyMultibase`` ("z6Mk...") into an Ed25519 public key."""
    raw = _multibase_payload(value, ED25519_PUB_HEADER, "publicKeyMultibase")
    return Ed25519PublicKey.from_public_bytes(raw)


def private_multikey(private_key: Ed25519PrivateKey) -> str:
    """The Multikey ``secretKeyMultibase`` of an Ed25519 private key ("z3u2...")."""
    payload = ED25519_PRIV_HEADER + private_key_seed(private_key)
    return "z" + base58.b58encode(payload).decode("ascii")


def private_key_from_multikey(value: str) -> Ed25519PrivateKey:
    """Decode a Multikey ``secretKeyMultibase`` (multicodec ed25519-priv) into a private key."""
    raw = _multibase_payload(value, ED25519_PRIV_HEADER, "secretKeyMultibase")
    return Ed25519PrivateKey.from_private_bytes(raw)


@lru_cache(maxsize=64)
def _derive_key(secret: str, salt: bytes) -> bytes:
    # scrypt makes a guessable secret costly to brute-force; the cache keeps bulk jobs,
    # which decrypt the same key many times, from paying that cost on every credential.
    return Scrypt(salt=salt, length=32, n=2**14, r=8, p=1).derive(secret.encode("utf-8"))


def _check_secret(secret: object) -> str:
    if not isinstance(secret, str) or not secret:
        raise VCError("the key-encryption secret must be a non-empty string")
    return secret


def encrypt_private_key(private_key: Ed25519PrivateKey, secret: str) -> str:
    """Encrypt a private key for storage: ``"v1:" + base64url(salt | nonce | AES-GCM ciphertext)``."""
    salt, nonce = os.urandom(_SALT_BYTES), os.urandom(_NONCE_BYTES)
    key = _derive_key(_check_secret(secret), salt)
    ciphertext = AESGCM(key).encrypt(nonce, private_key_seed(private_key), _ASSOCIATED_DATA)
    body = base64.urlsafe_b64encode(salt + nonce + ciphertext).decode("ascii").rstrip("=")
    return f"{TOKEN_VERSION}:{body}"


def _token_parts(token: object) -> tuple[bytes, bytes, bytes]:
    if not isinstance(token, str) or ":" not in token:
        raise VCError("not an encrypted private key (expected 'v1:...')")
    version, body = token.split(":", 1)
    if version != TOKEN_VERSION:
        raise VCError(f"unknown encrypted key version {version!r} (this Laurel reads 'v1')")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise VCError("encrypted private key is not valid base64url") from None
    if len(raw) != _SALT_BYTES + _NONCE_BYTES + 32 + 16:
        raise VCError("encrypted private key has the wrong length (truncated or corrupted)")
    return (
        raw[:_SALT_BYTES],
        raw[_SALT_BYTES : _SALT_BYTES + _NONCE_BYTES],
        raw[_SALT_BYTES + _NONCE_BYTES :],
    )


def decrypt_private_key(token: str, secret: str) -> Ed25519PrivateKey:
    """Decrypt a token made by ``encrypt_private_key``; a wrong secret raises VCError."""
    salt, nonce, ciphertext = _token_parts(token)
    key = _derive_key(_check_secret(secret), salt)
    try:
        seed = AESGCM(key).decrypt(nonce, ciphertext, _ASSOCIATED_DATA)
    except InvalidTag:
        raise VCError(
            "cannot decrypt the private key: wrong secret, or the stored key was altered"
        ) from None
    return Ed25519PrivateKey.from_private_bytes(seed)
