"""Schemas both dialects share: the error envelope and the 401 body."""

from __future__ import annotations

from typing import Literal

from ninja import Schema


class ErrorOut(Schema):
    success: Literal[False] = False
    error: str
    error_code: str


class UnauthorizedOut(Schema):
    detail: str


# Every authenticated operation may answer these.
COMMON_ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: UnauthorizedOut,
    413: ErrorOut,
    429: ErrorOut,
}


def responses(success: dict, *statuses: int) -> dict:
    """The operation's success responses, the common errors, and `statuses` as ErrorOut."""
    return {**success, **COMMON_ERRORS, **{status: ErrorOut for status in statuses}}
