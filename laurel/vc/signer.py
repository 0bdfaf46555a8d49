"""Sign credentials on another core: a child process that runs ``signed_credential``.

A bulk job on SQLite has one writer, so one worker; half of that worker's time is spent
signing, which needs nothing but ``laurel.vc``. A :class:`SigningProcess` hands a batch of
signatures to a child Python process and returns at once; the worker writes the previous
batch meanwhile, and collects the signatures when it needs them. The child is a plain
``python -m laurel.vc.signer`` (no Django): it reads requests on its standard input and
writes the results on its standard output, each a length-prefixed pickle, one request at
a time. It exits when its input ends, so a parent killed with SIGKILL leaves no child
behind; a child that dies, or does not answer within its time (killed then), makes the
parent's :meth:`Signatures.result` raise :class:`SignerGone`, and the caller signs
in-process instead.

What the child signs is exactly what ``signed_credential`` in the parent would sign
(same code, same ``created``, and Ed25519 signatures are deterministic); a refused
credential comes back as its VCError.

Only the parent's own child is unpickled: nothing here reads a pickle from elsewhere.
"""

from __future__ import annotations

import os
import pickle
import select
import struct
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from typing import IO, Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from laurel.vc.errors import VCError
from laurel.vc.issue import signed_credential

_LENGTH = struct.Struct("!Q")


class SignerGone(Exception):
    """The signing process ended, or answered something unreadable."""


def sign_requests(
    requests: Sequence[dict[str, Any]],
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime,
) -> list:
    """``signed_credential(**request)`` for each request, in order: the signed document or
    the VCError that refused it (one refused credential does not stop the others)."""
    documents: list = []
    for request in requests:
        try:
            documents.append(
                signed_credential(
                    private_key=private_key,
                    verification_method=verification_method,
                    created=created,
                    **request,
                )
            )
        except VCError as error:
            documents.append(error)
    return documents


def _send(stream: IO[bytes], value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)))
    stream.write(data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    """The next message; EOFError when the stream ends (between or inside messages)."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        raise EOFError
    (size,) = _LENGTH.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)  # noqa: S301 - our own parent's message


def _receive_within(fd: int, seconds: float) -> Any:
    """The next message read from file descriptor `fd`, which must all arrive within
    `seconds`: EOFError when the stream ends, TimeoutError when the time is up."""
    deadline = time.monotonic() + seconds

    def read(size: int) -> bytes:
        chunks, left = [], size
        while left:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise TimeoutError
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    (size,) = _LENGTH.unpack(read(_LENGTH.size))
    return pickle.loads(read(size))  # noqa: S301 - our own child's answer


class Signatures:
    """The answer to one :meth:`SigningProcess.sign`, collected by :meth:`result`."""

    def __init__(self, process: SigningProcess, count: int):
        self._process, self._count = process, count
        self._documents: list | None = None

    def result(self) -> list:
        """The signed documents (or VCErrors), in the requests' order; waits for them."""
        if self._documents is None:
            self._documents = self._process._collect(self, self._count)
        return self._documents


def document_text(document: dict) -> str:
    """A signed document as the JSON text that is stored: orjson's (compact UTF-8), the
    same JSON as json.dumps's, made in 0.75 us rather than 10.7 (a 2 KB credential). A
    signed document holds only JSON's own types and no lone surrogate (signing refuses
    one), which is all orjson asks."""
    return orjson.dumps(document).decode()


class SigningProcess:
    """A child process that signs, one batch at a time (see the module's docstring).

    A batch's answer must come within `timeout` seconds: a child that hangs (as opposed
    to one that dies) is killed then, and reported as gone like a dead one, so that its
    worker signs in-process rather than wait for it forever."""

    def __init__(self, *, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self._child = subprocess.Popen(
            [sys.executable, "-m", "laurel.vc.signer"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
        assert self._child.stdin is not None and self._child.stdout is not None
        self._requests: IO[bytes] = self._child.stdin
        # Read only through its file descriptor (`_receive_within`), never its buffer.
        self._answers: IO[bytes] = self._child.stdout
        self._waiting: Signatures | None = None
        self.batches_signed = 0  # answered in full (what a test can check was used)

    @property
    def pid(self) -> int:
        return self._child.pid

    def alive(self) -> bool:
        return self._child.poll() is None

    def sign(
        self,
        requests: Sequence[dict[str, Any]],
        *,
        private_key: Ed25519PrivateKey,
        verification_method: str,
        created: datetime,
        as_json: bool = False,
    ) -> Signatures:
        """Send a batch to sign and return at once (`as_json`: each document comes back
        as its JSON text, `document_text`'s). A batch sent before and not collected
        yet is collected first (kept in its Signatures): the child has one batch at a time,
        since a child blocked writing a large answer to a parent blocked writing the next
        request would wait forever."""
        if self._waiting is not None:
            self._waiting.result()
        raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        try:
            request = (raw, verification_method, created, list(requests), as_json)
            _send(self._requests, request)
        except (BrokenPipeError, OSError) as error:
            raise SignerGone("The signing process has ended.") from error
        self._waiting = Signatures(self, len(requests))
        return self._waiting

    def _collect(self, signatures: Signatures, count: int) -> list:
        if signatures is not self._waiting:
            raise SignerGone("These signatures were lost with an earlier signing process.")
        self._waiting = None
        try:
            documents = _receive_within(self._answers.fileno(), self.timeout)
        except TimeoutError as error:
            self._child.kill()  # it would answer a batch nobody waits for any more
            raise SignerGone(
                f"The signing process did not answer within {self.timeout:g} s."
            ) from error
        except (EOFError, OSError, pickle.UnpicklingError) as error:
            raise SignerGone("The signing process ended before answering.") from error
        if not isinstance(documents, list) or len(documents) != count:
            raise SignerGone("The signing process answered something else.")
        self.batches_signed += 1
        return documents

    def close(self) -> None:
        """End the child (it exits once its input is closed) and reap it."""
        for stream in (self._requests, self._answers):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self._child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._child.kill()
            self._child.wait()


def serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    """The child's loop: sign each batch read from `requests`, until it ends."""
    keys: dict[bytes, Ed25519PrivateKey] = {}
    while True:
        try:
            raw, verification_method, created, batch, as_json = _receive(requests)
        except EOFError:
            return
        if raw not in keys:
            keys.clear()
            keys[raw] = Ed25519PrivateKey.from_private_bytes(raw)
        documents = sign_requests(
            batch, private_key=keys[raw], verification_method=verification_method, created=created
        )
        if as_json:  # the text the parent stores: cheaper to send than the dict, and made here
            documents = [d if isinstance(d, VCError) else document_text(d) for d in documents]
        _send(answers, documents)


if __name__ == "__main__":
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the answers
    serve(stdin, stdout)
