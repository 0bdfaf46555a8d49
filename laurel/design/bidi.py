"""The Unicode bidirectional algorithm (UAX #9), by GNU FriBidi.

FriBidi is the implementation Pango, GTK and libass use; Debian ships it as libfribidi0
(a dependency of Pango, so on any desktop or font-rendering system). We need the embedding
level of every character of a paragraph: shaping happens per run of one level and one
font, and the runs of a line are then put in visual order (rule L2).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

_PAR_LTR = 0x110
_PAR_RTL = 0x111
_PAR_ON = 0x40


class BidiUnavailable(Exception):
    """libfribidi is not installed."""


@functools.cache
def _fribidi() -> ctypes.CDLL:
    name = ctypes.util.find_library("fribidi") or "libfribidi.so.0"
    try:
        library = ctypes.CDLL(name)
    except OSError as exc:
        raise BidiUnavailable("libfribidi is not installed (apt-get install libfribidi0)") from exc
    library.fribidi_get_par_embedding_levels_ex.restype = ctypes.c_int8
    return library


def bidi_available() -> bool:
    """True when libfribidi can be loaded."""
    try:
        _fribidi()
    except BidiUnavailable:
        return False
    return True


def embedding_levels(text: str, base: str | None = None) -> tuple[int, list[int]]:
    """(paragraph level, level of each character) of one paragraph of `text`.

    `base` is 'ltr' or 'rtl' to force the paragraph direction; by default it is the
    direction of the first strong character (rule P2), left to right if there is none.
    """
    if not text:
        return (1 if base == "rtl" else 0), []
    if text.isascii() and base != "rtl":
        return 0, [0] * len(text)  # no RTL character: nothing to compute
    library = _fribidi()
    size = len(text)
    codepoints = (ctypes.c_uint32 * size)(*map(ord, text))
    types = (ctypes.c_uint32 * size)()
    brackets = (ctypes.c_uint32 * size)()
    levels = (ctypes.c_int8 * size)()
    library.fribidi_get_bidi_types(codepoints, size, types)
    library.fribidi_get_bracket_types(codepoints, size, types, brackets)
    direction = ctypes.c_uint32({"ltr": _PAR_LTR, "rtl": _PAR_RTL}.get(base or "", _PAR_ON))
    if (
        library.fribidi_get_par_embedding_levels_ex(
            types, brackets, size, ctypes.byref(direction), levels
        )
        == 0
    ):
        return 0, [0] * size
    return (1 if direction.value == _PAR_RTL else 0), list(levels)


def visual_order(levels: list[int]) -> list[int]:
    """Indices of `levels` in visual order (rule L2: reverse each run from the highest level)."""
    order = list(range(len(levels)))
    if not levels:
        return order
    highest = max(levels)
    lowest_odd = min((level for level in levels if level % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return order
