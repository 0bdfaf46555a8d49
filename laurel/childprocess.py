"""A helper child process that answers one request at a time, to use a second core.

The parent starts ``python -m <module>``; the module's main calls :func:`serve` with a
function of one request. Requests and answers are length-prefixed pickles on the child's
standard input and output. :meth:`ChildProcess.ask` sends a request and returns at once;
:meth:`Answer.result` waits for the answer. One request is in flight at a time: asking
again first collects the answer still due (into its own Answer), since a child blocked
writing a large answer to a parent blocked writing the next request would wait forever.

The child exits when its input ends, so a parent killed with SIGKILL leaves no child
behind. A child that dies, or answers with an error, makes :meth:`Answer.result` raise
:class:`ChildGone`; the caller then does the work itself.

Only the parent's own child is unpickled: nothing here reads a pickle from elsewhere.
"""

from __future__ import annotations

import pickle
import struct
import subprocess
import sys
import traceback
from collections.abc import Callable
from typing import IO, Any

_LENGTH = struct.Struct("!Q")


class ChildGone(Exception):
    """The child process ended, failed on the request, or answered something unreadable."""


def _send(stream: IO[bytes], value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)))
    stream.write(data)
    stream.flush()


def _receive(stream: IO[bytes]) -> object:
    """The next message; EOFError when the stream ends (between or inside messages)."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        raise EOFError
    (size,) = _LENGTH.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)  # noqa: S301 - our own child's or parent's message


class Answer:
    """The answer to one :meth:`ChildProcess.ask`, collected by :meth:`result`."""

    def __init__(self, process: ChildProcess):
        self._process = process
        self._done = False
        self._value: Any = None
        self._error: ChildGone | None = None

    def result(self) -> Any:
        """The child's answer (waiting for it); ChildGone if there is none."""
        if not self._done:
            try:
                self._value = self._process._collect(self)
            except ChildGone as gone:
                self._error = gone
            self._done = True
        if self._error is not None:
            raise self._error
        return self._value


class ChildProcess:
    """``python -m <module>``, asked one request at a time (see the module's docstring)."""

    def __init__(self, module: str, *, env: dict[str, str] | None = None):
        self._child = subprocess.Popen(
            [sys.executable, "-m", module],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
            env=env,
        )
        self._waiting: Answer | None = None

    @property
    def pid(self) -> int:
        return self._child.pid

    def alive(self) -> bool:
        return self._child.poll() is None

    def ask(self, request: object) -> Answer:
        """Send `request` and return at once (after collecting the answer still due)."""
        if self._waiting is not None:
            try:
                self._waiting.result()
            except ChildGone:
                pass  # its asker hears it from its own Answer
        answer = Answer(self)
        try:
            _send(self._child.stdin, request)
        except (BrokenPipeError, OSError, pickle.PicklingError) as error:
            answer._done, answer._error = True, ChildGone(f"The child process is gone: {error}")
            return answer
        self._waiting = answer
        return answer

    def _collect(self, answer: Answer) -> Any:
        if answer is not self._waiting:
            raise ChildGone("This answer was lost with an earlier child process.")
        self._waiting = None
        try:
            ok, value = _receive(self._child.stdout)
        except (EOFError, OSError, pickle.UnpicklingError, ValueError, TypeError) as error:
            raise ChildGone("The child process ended before answering.") from error
        if not ok:
            raise ChildGone(f"The child process failed: {value}")
        return value

    def close(self) -> None:
        """End the child (it exits once its input is closed) and reap it."""
        for stream in (self._child.stdin, self._child.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self._child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._child.kill()
            self._child.wait()


def serve(answer: Callable[[Any], Any]) -> None:
    """The child's loop: `answer(request)` for each request read, until the input ends.
    An exception is sent back as its traceback (the parent raises ChildGone with it)."""
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the answers
    while True:
        try:
            request = _receive(requests)
        except EOFError:
            return
        try:
            reply = (True, answer(request))
        except Exception:  # noqa: BLE001 - reported to the parent, which carries on
            reply = (False, traceback.format_exc(limit=5))
        try:
            _send(answers, reply)
        except (pickle.PicklingError, TypeError, AttributeError):
            _send(answers, (False, traceback.format_exc(limit=5)))
