"""The JSON-LD document loader: serves the contexts Laurel ships, never the network.

A credential's meaning (and so its signature) depends on its contexts. Fetching them at
signing or verification time would make both depend on a third-party server being up and
unchanged, so the contexts are files in ``laurel/vc/contexts/`` (copied from the
standards repositories, see ``laurel/vc/contexts/README.md``).
"""

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from laurel.vc.errors import ResolutionError

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_V3P0_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
STATUS_V1 = "https://www.w3.org/ns/credentials/status/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"

CONTEXT_FILES: dict[str, str] = {
    CREDENTIALS_V2: "credentials-v2.jsonld",
    "https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
    STATUS_V1: "credentials-status-v1.jsonld",
    DATA_INTEGRITY_V2: "data-integrity-v2.jsonld",
    MULTIKEY_V1: "multikey-v1.jsonld",
    OB_V3P0: "ob-v3p0-context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": "ob-v3p0-context.json",
    OB_V3P0_EXTENSIONS: "ob-v3p0-extensions.json",
}


@cache
def _context_document(url: str) -> dict[str, Any]:
    return json.loads((CONTEXTS_DIR / CONTEXT_FILES[url]).read_text(encoding="utf-8"))


def known_context_urls() -> frozenset[str]:
    """The context URLs this loader can serve."""
    return frozenset(CONTEXT_FILES)


def document_loader(url: str, options: dict | None = None) -> dict[str, Any]:
    """PyLD document loader for the shipped contexts; any other URL raises ResolutionError.

    Returns a fresh copy each time: PyLD may rewrite nested context URLs in place, and the
    cached original must stay as published.
    """
    if url not in CONTEXT_FILES:
        raise ResolutionError(
            f"JSON-LD context {url!r} is not one Laurel ships; refusing to fetch it"
        )
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": copy.deepcopy(_context_document(url)),
    }
