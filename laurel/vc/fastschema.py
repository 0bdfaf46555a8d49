"""A quick first opinion on the OB 3.0 JSON schema, for the documents fastcanon knows.

``credential.validate_schema`` (fastjsonschema, explained by jsonschema) costs about
90 us per typical credential, as much as the rest of a fast signature together. The
Rust validator ``jsonschema_rs``, given the same schema and the same two format
checkers, takes about 11 us.

It only ever says "valid" quickly: ``accepts`` returning False means "ask
``validate_schema``", which decides and explains. So a document is signed only if
jsonschema-rs or the reference validator accepts it; tests (tests/vc/test_fastschema.py)
check that jsonschema-rs accepts nothing the reference rejects on thousands of mutated
credentials.

jsonschema-rs recurses natively and crashes the process (it does not raise) on a
document nested thousands of levels deep, so it is only used on documents that
``fastcanon`` already walked, whose depth it bounds (``fastcanon.MAX_DEPTH``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from laurel.vc.credential import FORMATS, _schema


@cache
def _validator() -> Callable[[Any], bool] | None:
    try:
        import jsonschema_rs
    except ImportError:  # optional speed-up: validate_schema alone is always correct
        return None
    validator = jsonschema_rs.Draft201909Validator(
        _schema(), formats=FORMATS, validate_formats=True
    )
    return validator.is_valid  # type: ignore[no-any-return]


def accepts(document: dict) -> bool:
    """True if jsonschema-rs finds ``document`` valid against the OB 3.0 schema.

    False means "not known valid": the caller must run ``credential.validate_schema``.
    Only call it on a document whose nesting depth is bounded (one that
    ``fastcanon.canonize_fast`` accepted, plus its proof).
    """
    is_valid = _validator()
    if is_valid is None:
        return False
    try:
        return is_valid(document) is True
    except Exception:  # a value it cannot convert (lone surrogate...): let the reference decide
        return False
