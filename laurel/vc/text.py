"""Text that every JSON-LD processor canonicalizes the same way.

RDFC-1.0's canonical N-Quads escape the C0 control characters and DEL, and jsonld.js
(the Digital Bazaar verifiers) does so; PyLD escapes only tab, newline, carriage return,
quote and backslash, and writes the others raw. The signed bytes would differ, so a
credential carrying them would verify in Laurel and fail elsewhere. Laurel refuses them
wherever text enters a credential (``credential.build_credential``) and again before
signing (``proof.sign``): tab, newline and carriage return stay allowed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from laurel.vc.errors import ControlCharacterError, VCError

# U+0000-U+001F without tab (09), newline (0A) and carriage return (0D); and DEL.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_NESTING = 2000
# A credential has about a hundred nodes; past this many the quick check gives up (a
# document built with shared or cyclic parts could otherwise grow its levels without end).
MAX_QUICK_NODES = 100_000


def code_point(character: str) -> str:
    """``"U+0008"`` for a backspace."""
    return f"U+{ord(character):04X}"


def check_text(label: str, value: object) -> None:
    """Raise ControlCharacterError naming ``label`` if ``value`` is text holding a
    control character other than tab, newline and carriage return."""
    if isinstance(value, str):
        found = CONTROL_CHARACTERS.search(value)
        if found is not None:
            raise ControlCharacterError(
                f"{label} contains a control character ({code_point(found.group())})"
            )


def check_texts(labelled: Sequence[tuple[str, object]]) -> None:
    """``check_text(label, value)`` for each pair, in order: the first refused one raises.

    The values are searched as one text first. The pattern matches single characters and
    the joining newline is not one of them, so the joined text holds a refused character
    exactly when one of the values does; only then is each looked at to name it.
    """
    joined = "\n".join(value for _, value in labelled if isinstance(value, str))
    if CONTROL_CHARACTERS.search(joined) is None:
        return
    for label, value in labelled:
        check_text(label, value)


def _place(trail: tuple | None) -> str:
    steps = []
    while trail is not None:
        trail, step = trail
        steps.append(str(step))
    return "/".join(reversed(steps)) or "(document)"


def _plainly_free_of_control_characters(document: Any) -> bool:
    """True if ``document`` surely holds no refused control character and is nested no
    deeper than MAX_NESTING: then ``_search`` would find nothing and raise nothing.

    It reads the same text as ``_search`` (str values and str keys, through dicts and
    lists), a level at a time and as one joined text, with no place to keep: about half
    the cost. False means "not sure" (a character found, too deep, or more nodes than a
    credential has, which also ends a cycle): ``_search`` decides.
    """
    texts: list[str] = []
    level = [document]
    depth = nodes = 0
    while level:
        nodes += len(level)
        if depth > MAX_NESTING or nodes > MAX_QUICK_NODES:
            return False
        below: list[Any] = []
        for value in level:
            if isinstance(value, str):
                texts.append(value)
            elif isinstance(value, dict):
                texts.extend(key for key in value if isinstance(key, str))
                below.extend(value.values())
            elif isinstance(value, list):
                below.extend(value)
        level = below
        depth += 1
    return CONTROL_CHARACTERS.search("\n".join(texts)) is None  # as in check_texts


def find_control_character(document: Any) -> tuple[str, str] | None:
    """The first (place, character) in a JSON document whose text (keys included) holds
    a refused control character, or None. Places are written like ``issuer/name``.

    Iterative, and the place is only spelled out once found, so that a document nested
    thousands of levels deep costs time in proportion to its size. Most documents hold
    none: a quick check says so first, and the walk that names the place only runs when
    it cannot (tests/vc/test_control_characters.py checks both give the same answers).
    """
    if _plainly_free_of_control_characters(document):
        return None
    return _search(document)


def _search(document: Any) -> tuple[str, str] | None:
    # Depth first, in document order, keeping each node's trail to spell out its place.
    pending: list[tuple[tuple | None, int, Any]] = [(None, 0, document)]
    while pending:
        trail, depth, value = pending.pop()
        if depth > MAX_NESTING:
            # Deeper than any JSON parser or JSON-LD processor goes (or a cycle).
            raise VCError("the document is nested too deeply to process")
        if isinstance(value, str):
            found = CONTROL_CHARACTERS.search(value)
            if found is not None:
                return _place(trail), found.group()
        elif isinstance(value, dict):
            for key in value:
                in_key = CONTROL_CHARACTERS.search(key) if isinstance(key, str) else None
                if in_key is not None:
                    return f"the name of {_place((trail, key))!r}", in_key.group()
            pending.extend(
                ((trail, key), depth + 1, child) for key, child in reversed(value.items())
            )
        elif isinstance(value, list):
            items = list(enumerate(value))
            pending.extend(((trail, index), depth + 1, child) for index, child in reversed(items))
    return None


def refuse_control_characters(document: Any, what: str = "the document") -> None:
    """Raise ControlCharacterError (naming the place) if ``document`` holds a refused
    control character anywhere in its text."""
    found = find_control_character(document)
    if found is not None:
        place, character = found
        raise ControlCharacterError(
            f"{what} contains a control character ({code_point(character)}) at {place}: "
            "JavaScript verifiers canonicalize it differently, so the signature would not "
            "verify there"
        )
