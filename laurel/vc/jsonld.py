"""Generic JSON-LD processing with PyLD: safe-mode checks and RDFC-1.0 canonicalization.

Safe mode. The JavaScript libraries (jsonld.js with ``safe: true``, used by every Digital
Bazaar verifier) refuse a document in which a property does not expand to an absolute IRI
(an undefined term, which plain JSON-LD silently drops) or an ``@id`` / ``@type`` value
stays relative. PyLD has no safe mode, and instead resolves relative IRIs against a base,
so Python and JavaScript would sign and verify different data. ``SafeProcessor`` records
those same events while PyLD expands the document; any event is a ``SafeModeError``
naming the offending term.
"""

from typing import Any

from pyld.jsonld import JsonLdError, JsonLdProcessor

from laurel.vc.errors import SafeModeError, VCError
from laurel.vc.loader import document_loader


def _is_absolute(iri: str) -> bool:
    return ":" in iri and not iri.startswith(":")


class SafeProcessor(JsonLdProcessor):
    """A PyLD processor that notes what jsonld.js safe mode would reject."""

    def __init__(self) -> None:
        super().__init__(on_property_dropped=self._property_dropped)
        self.problems: list[str] = []

    def _property_dropped(self, expanded_property: str | None) -> None:
        if expanded_property is None:
            self.problems.append("a property name that is not a JSON-LD term (e.g. '@foo')")
        else:
            self.problems.append(
                f"undefined term {expanded_property!r}: the document's contexts do not define it"
            )

    def _expand_iri(self, active_ctx, value, base=None, vocab=False, local_ctx=None, defined=None):
        # Only values (``@id``, ``@type``, ``@type: @id`` and ``@vocab`` values) are expanded
        # with a document base; keys are reported by ``_property_dropped`` instead.
        if base is None or local_ctx is not None or not isinstance(value, str):
            return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
        unresolved = super()._expand_iri(active_ctx, value, None, vocab, None, None)
        if unresolved is None or not (
            unresolved.startswith("@") or unresolved.startswith("_:") or _is_absolute(unresolved)
        ):
            self.problems.append(
                f"undefined type or term {value!r}: the document's contexts do not define it"
                if vocab
                else f"relative IRI {value!r}: identifiers must be absolute IRIs"
            )
        return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)

    def raise_problems(self) -> None:
        """Raise SafeModeError for the first problem found, if any."""
        if self.problems:
            more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
            raise SafeModeError(f"{self.problems[0]}{more}")


def _options() -> dict[str, Any]:
    # An empty base makes PyLD hand every value IRI to ``_expand_iri`` with a base, which is
    # where a relative one is caught (and refused) before it could be resolved.
    return {"documentLoader": document_loader, "base": ""}


def _failure(error: Exception) -> VCError:
    """One VCError for anything PyLD raised: our own error if PyLD wrapped one (e.g. the
    loader's ResolutionError), else the innermost JSON-LD reason on one line."""
    if isinstance(error, RecursionError):
        return VCError("the document is nested too deeply to process")
    if isinstance(error, UnicodeError):
        return VCError("the document contains text that is not valid Unicode")
    innermost: BaseException = error
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, VCError):
            return cause
        if isinstance(cause, JsonLdError):
            innermost = cause
        cause = cause.__cause__
    if isinstance(innermost, JsonLdError):
        message = str(innermost.args[0]) if innermost.args else innermost.type
        code = f" ({innermost.code})" if innermost.code else ""
        return VCError(f"invalid JSON-LD{code}: {message}")
    return VCError(f"invalid JSON-LD: {type(error).__name__}: {error}")


def _check_document(document: object) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise VCError("a credential must be a JSON object")
    if "@context" not in document:
        raise SafeModeError("document has no @context, so none of its terms are defined")
    return document


def expand_safely(document: dict[str, Any]) -> list[Any]:
    """Expand a JSON-LD document, refusing (SafeModeError) what jsonld.js safe mode refuses."""
    processor = SafeProcessor()
    try:
        expanded = processor.expand(_check_document(document), _options())
    except (JsonLdError, RecursionError, TypeError, ValueError, KeyError, AttributeError) as error:
        raise _failure(error) from None
    processor.raise_problems()
    return expanded


def check_safe(document: dict[str, Any]) -> None:
    """Raise SafeModeError if any term, type or IRI in ``document`` is undefined or relative."""
    expand_safely(document)


def canonize_generic(document: dict[str, Any]) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of ``document`` with PyLD, in safe mode."""
    processor = SafeProcessor()
    options = _options() | {"algorithm": "URDNA2015", "format": "application/n-quads"}
    try:
        canonical = processor.normalize(_check_document(document), options)
    except (JsonLdError, RecursionError, TypeError, ValueError, KeyError, AttributeError) as error:
        raise _failure(error) from None
    processor.raise_problems()
    return canonical
