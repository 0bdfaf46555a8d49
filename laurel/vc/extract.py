"""Reading a credential out of whatever a verifier is handed: JSON, baked PNG or SVG, PDF.

Everything here treats its input as hostile: sizes are capped before parsing, and every
failure is a VCError whose message is one line a person can act on.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Mapping

from laurel.vc.baking import PNG_SIGNATURE, unbake_png, unbake_svg
from laurel.vc.errors import VCError

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024  # a credential is a few KB; a certificate PDF a few MB
MAX_JSON_DEPTH = 64
_BOM = b"\xef\xbb\xbf"


def extract_credential(
    data: bytes, *, filename: str | None = None, content_type: str | None = None
) -> dict:
    """The credential carried by `data` (JSON, baked PNG, baked SVG or a PDF with one attached).

    The format is recognised from the bytes themselves; `filename` and `content_type` only
    make the error clearer when they are not recognised. Raises VCError.
    """
    if not isinstance(data, bytes | bytearray):
        raise VCError("the document must be bytes")
    check_size(len(data))
    kind = detect_format(data)
    if kind == "png":
        document = unbake_png(bytes(data))
    elif kind == "pdf":
        document = _from_pdf(bytes(data))
    elif kind == "svg":
        document = unbake_svg(_text(data, "SVG"))
    elif kind == "json":
        document = parse_json(_text(data, "JSON"))
    else:
        hint = filename or content_type or "the document"
        raise VCError(f"{hint} is not a credential file: expected JSON, PNG, SVG or PDF")
    check_credential_shape(document)
    return document


def check_size(size: int) -> None:
    """Refuse a document over MAX_DOCUMENT_BYTES before anything parses it."""
    if size > MAX_DOCUMENT_BYTES:
        raise VCError(
            f"the document is too large ({size / 1024 / 1024:.1f} MB); "
            f"the limit is {MAX_DOCUMENT_BYTES // 1024 // 1024} MB"
        )


def detect_format(data: bytes) -> str | None:
    """'png', 'pdf', 'svg', 'json', or None, judged from the first bytes."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    head = data[:1024].removeprefix(_BOM).lstrip()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head[:1] in (b"{", b"["):
        return "json"
    if head[:1] == b"<":
        return "svg"
    if b"%PDF-" in data[:1024]:
        return "pdf"  # PDF readers accept junk before the header; so do we
    return None


def parse_json(text: str) -> dict:
    """Parse a JSON credential; VCError with the line and column when it is malformed."""
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise VCError(
            f"malformed JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    except RecursionError as exc:
        raise VCError("malformed JSON: nested too deeply") from exc
    except ValueError as exc:
        # Python refuses to read an integer of more than 4300 digits (a CPU guard), and
        # _refuse_constant refuses NaN / Infinity: neither is a credential's JSON.
        raise VCError(f"malformed JSON: {_first_line(exc)}") from exc
    if not isinstance(document, dict):
        raise VCError(f"the JSON is {_json_kind(document)}, not a credential object")
    if _depth(document) > MAX_JSON_DEPTH:
        raise VCError(f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep")
    return document


def _refuse_constant(name: str) -> object:
    # Python's json reads NaN and Infinity, which JSON (RFC 8259) and every JavaScript
    # verifier refuse: a document that only Laurel can read is not a portable credential.
    raise ValueError(f"{name} is not a JSON value")


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def check_credential_shape(document: object) -> None:
    """Refuse what is not a verifiable credential at all, before any check runs on it."""
    if not isinstance(document, dict):
        raise VCError(f"the credential is {_json_kind(document)}, not a JSON object")
    if "@context" not in document:
        raise VCError("not a verifiable credential: '@context' is missing")
    types = document.get("type")
    if types is None:
        raise VCError("not a verifiable credential: 'type' is missing")
    if isinstance(types, str):
        types = [types]
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        raise VCError("not a verifiable credential: 'type' must be a string or a list of strings")
    if "VerifiableCredential" not in types:
        raise VCError("not a verifiable credential: 'type' does not include VerifiableCredential")
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    if not isinstance(issuer, str) or not issuer:
        raise VCError("not a verifiable credential: 'issuer' (or its 'id') is missing")


def _text(data: bytes, what: str) -> str:
    try:
        return bytes(data).removeprefix(_BOM).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise VCError(f"the {what} is not UTF-8 text") from exc


def _from_pdf(data: bytes) -> dict:
    """The credential attached to a PDF (an embedded file whose content is a credential)."""
    import pypdf  # only PDF input pays for importing it

    # pypdf logs recoverable damage as warnings; the verdict below is what the user needs.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        attachments = {name: list(contents) for name, contents in reader.attachments.items()}
    except Exception as exc:  # a third-party parser on hostile input fails many ways
        raise VCError(f"the PDF could not be read ({type(exc).__name__})") from exc
    found: list[dict] = []
    for name in sorted(attachments, key=lambda n: not n.lower().endswith(".json")):
        for content in attachments[name]:
            document = _credential_or_none(content)
            if document is not None:
                found.append(document)
    if not found:
        raise VCError("the PDF carries no credential (no attached file holds one)")
    if len({json.dumps(d, sort_keys=True) for d in found}) > 1:
        raise VCError(f"the PDF carries {len(found)} different credentials; expected one")
    return found[0]


def _credential_or_none(content: bytes) -> dict | None:
    if len(content) > MAX_DOCUMENT_BYTES:
        return None
    try:
        document = parse_json(_text(content, "attachment"))
        check_credential_shape(document)
    except VCError:
        return None
    return document


def _json_kind(value: object) -> str:
    names = {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _depth(value: object) -> int:
    # Iterative, so hostile nesting cannot overflow the stack here either.
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        if isinstance(item, dict):
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, level + 1) for child in item)
    return deepest
