"""Errors raised by the standards library.

Every error carries a one-line human reason (``str(error)``), so that callers (the CLI,
the web pages, the API) can show it as is, without a traceback.
"""


class VCError(Exception):
    """Base of every error raised by ``laurel.vc``; ``str(e)`` is a one-line reason."""


class SafeModeError(VCError):
    """The document uses a term, type or IRI that its JSON-LD contexts do not define."""


class SchemaError(VCError):
    """The credential does not validate against the Open Badges 3.0 JSON schema."""


class ProofError(VCError):
    """The proof is missing, doubled, malformed, of an unknown cryptosuite, or does not verify."""


class ResolutionError(VCError):
    """A DID document, status list or JSON-LD context could not be obtained."""


class ControlCharacterError(VCError):
    """Text holds a control character that JSON-LD processors canonicalize differently.

    PyLD writes U+0000-U+001F (but tab, newline, carriage return) and U+007F as they are;
    jsonld.js (every Digital Bazaar verifier) escapes them, so a signature over such text
    would not verify there. Laurel refuses to build or sign it.
    """
