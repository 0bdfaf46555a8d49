"""`laurel verify FILE|URL`: verify a credential and print a report, one line per check.

No Django here: this runs on a laptop with nothing but the Python package installed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from laurel.vc.errors import VCError
from laurel.vc.extract import MAX_DOCUMENT_BYTES, check_size, extract_credential
from laurel.vc.resolver import Resolver, default_cache_dir, fetch_url

if TYPE_CHECKING:
    from laurel.vc.verify import Report

EXIT_VALID = 0
EXIT_NOT_VALID = 1
EXIT_BAD_INPUT = 2
CREDENTIAL_ACCEPT = "application/vc+ld+json, application/ld+json, application/json, */*;q=0.5"

DESCRIPTION = """\
Verify an Open Badges 3.0 credential and print a report, one line per check:
proof (signature), issuer key (known, the issuer's, not retired when it signed),
status (revoked / suspended), validity dates, schema. Each check is "passed",
"failed" (with the reason) or "could not check" (with the reason).

FILE may be JSON, a baked PNG or SVG, or a PDF with the credential attached
("-" reads standard input). A URL is fetched; a /credential/<id> page that
answers HTML is retried as <url>.json.

Valid means: the proof and the issuer key passed and no check failed. A status
that could not be checked (offline, list unreachable) does not make a credential
invalid but is reported; use --strict to require every check to run.

Exit status: 0 valid; 1 not valid (or, with --strict, a check could not run);
2 the input could not be read (missing file, malformed JSON, not a credential,
too large, unreachable URL, bad arguments)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, like every other input error of this command.
        raise _UsageError(f"{message} (see laurel verify --help)")


class _UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="laurel verify",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("source", metavar="FILE|URL", help="the credential to verify")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--did",
        action="append",
        default=[],
        metavar="FILE",
        help="a DID document, or the controller document of an https:// key, to use (repeatable)",
    )
    parser.add_argument(
        "--status-list",
        action="append",
        default=[],
        metavar="FILE",
        help="a status list credential to use (repeatable)",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="never use the network: only the documents given and the cache",
    )
    parser.add_argument(
        "--cache",
        metavar="DIR",
        help=f"cache of fetched DID documents and status lists (default: {default_cache_dir()}, "
        "or $LAUREL_VERIFY_CACHE); read only when offline",
    )
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 unless every check could be run and passed"
    )
    return parser


def verify_main(argv: list[str]) -> int:
    """Run `laurel verify` with `argv` (the arguments after "verify"); return the exit status."""
    from laurel.vc.verify import verify_credential

    try:
        args = _parser().parse_args(argv)
        resolver = _resolver(args)
        document = _load_credential(args.source, offline=args.offline)
        report = verify_credential(document, resolver=resolver)
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    except (_UsageError, VCError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
    except Exception as exc:  # the promise is one line, never a traceback
        if os.environ.get("LAUREL_DEBUG"):
            raise
        return _fail(
            f"internal error ({type(exc).__name__}: {exc}); set LAUREL_DEBUG=1 for details"
        )
    try:
        _print_report(report, as_json=args.json, out=sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:  # `laurel verify x | head -1`: the reader left, the verdict stands
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps the interpreter's final flush quiet
    if not report.valid:
        first = next(c for c in report.checks if c.outcome != "passed")
        _say(f"not valid: {first.name} {first.outcome}: {first.reason}")
        return EXIT_NOT_VALID
    if args.strict and not report.complete:
        _say(f"not every check could be run: {report.summary()}")
        return EXIT_NOT_VALID
    return EXIT_VALID


def _print_report(report: Report, *, as_json: bool, out: TextIO) -> None:
    if as_json:
        json.dump(report.to_dict(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(report.to_text() + "\n")


def _fail(reason: str) -> int:
    _say(reason)
    return EXIT_BAD_INPUT


def _say(line: str) -> None:
    sys.stderr.write("laurel verify: " + " ".join(line.split()) + "\n")


# ---- inputs -------------------------------------------------------------------------


def _resolver(args: argparse.Namespace) -> Resolver:
    cache_dir = None if args.no_cache else Path(args.cache) if args.cache else default_cache_dir()
    resolver = Resolver(offline=args.offline, cache_dir=cache_dir)
    for path in [*args.did, *args.status_list]:
        for document in _documents_in(path):
            resolver.add(document)
    return resolver


def _documents_in(path: str) -> list[dict]:
    """The JSON object (or list of objects) in a --did / --status-list file."""
    text = _read_text(path)
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise VCError(f"{path}: malformed JSON") from exc
    documents = parsed if isinstance(parsed, list) else [parsed]
    if not all(isinstance(d, dict) and isinstance(d.get("id"), str) for d in documents):
        raise VCError(f"{path}: expected a JSON document with an 'id' (or a list of them)")
    return documents


def _read_text(path: str) -> str:
    try:
        data = _read_file(path)
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise VCError(f"{path}: not UTF-8 text") from exc


def _load_credential(source: str, *, offline: bool) -> dict:
    if urllib.parse.urlsplit(source).scheme in ("http", "https"):
        if offline:
            raise VCError(f"cannot fetch {source} offline: download it and pass the file")
        data, content_type = _fetch_credential(source)
        return extract_credential(data, filename=source, content_type=content_type)
    return extract_credential(_read_file(source), filename=source)


def _read_file(path: str) -> bytes:
    """A file's bytes, refusing one over the size limit before reading it."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1)
        check_size(len(data))
        return data
    try:
        size = os.stat(path).st_size
        if Path(path).is_dir():
            raise VCError(f"{path} is a directory, not a credential file")
        check_size(size)
        with open(path, "rb") as handle:
            data = handle.read(MAX_DOCUMENT_BYTES + 1)
    except FileNotFoundError:
        raise VCError(f"no such file: {path}") from None
    except PermissionError:
        raise VCError(f"cannot read {path}: permission denied") from None
    except OSError as exc:
        raise VCError(f"cannot read {path}: {exc.strerror or exc}") from None
    check_size(len(data))  # it may have grown since stat
    return data


def _fetch_credential(url: str) -> tuple[bytes, str]:
    data, content_type = fetch_url(url, accept=CREDENTIAL_ACCEPT, max_bytes=MAX_DOCUMENT_BYTES)
    if content_type == "text/html" and not urllib.parse.urlsplit(url).path.endswith(".json"):
        # A verification page (/credential/<id>): the credential itself is at <url>.json.
        parts = urllib.parse.urlsplit(url)
        json_url = urllib.parse.urlunsplit(parts._replace(path=parts.path.rstrip("/") + ".json"))
        return fetch_url(json_url, accept=CREDENTIAL_ACCEPT, max_bytes=MAX_DOCUMENT_BYTES)
    return data, content_type
