"""Turn the bytes of an uploaded CSV into text, never into mojibake.

UTF-8 (with or without a BOM) and UTF-16/32 with a BOM are read as they say. Anything else
was most likely saved by a spreadsheet in the computer's legacy code page (Windows-1252 for
Western Europe and the Americas, 1250 Central Europe, 1251 Cyrillic, …). charset-normalizer
ranks the code pages; a decoding is kept only when the names it yields look like names
(letters, one script to a word, no stray symbols), and when two plausible code pages give
different text with nothing to tell them apart the file is refused with how to save it as
CSV UTF-8. The one tie broken by preference is Windows-1252 against its Western siblings,
because it is by far the most common (and reads every Latin-1 file identically).
"""

from __future__ import annotations

import codecs
import unicodedata

from charset_normalizer import from_bytes

from laurel.bulk.errors import SAVE_AS_CSV_UTF8, UnknownEncoding, UnsupportedFile

# Code pages that spreadsheet programs actually write when not told to use UTF-8.
LEGACY_CODE_PAGES = [
    "cp1252",
    "latin_1",
    "iso8859_15",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "cp1258",
    "cp874",
    "mac_roman",
    "cp932",
    "gb18030",
    "cp949",
    "big5",
]
LABELS = {
    "cp1250": "Windows-1250 (Central European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1252": "Windows-1252 (Western)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1255": "Windows-1255 (Hebrew)",
    "cp1256": "Windows-1256 (Arabic)",
    "cp1257": "Windows-1257 (Baltic)",
    "cp1258": "Windows-1258 (Vietnamese)",
    "cp874": "Windows-874 (Thai)",
    "cp932": "Shift JIS (Japanese)",
    "gb18030": "GB 18030 (Chinese)",
    "cp949": "Windows-949 (Korean)",
    "big5": "Big5 (Traditional Chinese)",
    "mac_roman": "Mac Roman",
    "latin_1": "Latin-1",
    "iso8859_15": "Latin-9",
}
SAMPLE_BYTES = 64_000
WESTERN = {"cp1252", "latin_1", "iso8859_15"}
LATIN_CODE_PAGES = WESTERN | {"cp1250", "cp1254", "cp1257", "cp1258", "mac_roman"}
ICELANDIC_OR_TURKISH = set("ÞþÐðÝý")

# Byte order marks, the longest first (UTF-32-LE's begins with UTF-16-LE's).
BOMS = [
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
]

# What a file starts with when it is not text at all, and what to tell its owner.
SIGNATURES = [
    (b"PK\x03\x04", "an Excel workbook or another ZIP archive: give an .xlsx file its .xlsx name"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97–2003 workbook (.xls): save it as .xlsx or CSV UTF-8"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"{\\rtf", "an RTF document"),
]

# Non-letters that turn up in names and are no sign of a wrong decoding.
NAME_PUNCTUATION = set("\u00a0’‘‚“”„–—«»·•…′″ʻʼ‐‑\u200c\u200d\u200e\u200f")


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a CSV file's bytes; UnsupportedFile for a binary file and
    UnknownEncoding when the characters cannot be told for sure."""
    for bom, codec, label in BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], codec, label), label
    _refuse_binary(data)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _legacy(data)


def _strict(data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise UnknownEncoding(
            f"The file says it is {label.upper()} but byte {error.start + 1} is not valid "
            f"{label.upper()}, so names would come out garbled. {SAVE_AS_CSV_UTF8}"
        ) from None


def _refuse_binary(data: bytes) -> None:
    for signature, what in SIGNATURES:
        if data.startswith(signature):
            raise UnsupportedFile(
                f"This file is {what}, not a CSV text file. Upload a .csv or .xlsx file. "
                f"{SAVE_AS_CSV_UTF8}"
            )
    if b"\x00" in data:
        raise UnsupportedFile(
            "This file holds binary data, not CSV text (or it is UTF-16 text without a byte "
            f"order mark). {SAVE_AS_CSV_UTF8}"
        )


def _legacy(data: bytes) -> tuple[str, str]:
    # The code page shows only in the lines with bytes past ASCII: decide on those (a
    # sample of them for a large file), then read the whole file in the page chosen.
    sample = _non_ascii_lines(data)
    text, encoding = _legacy_reading(sample)
    if encoding not in WESTERN and _decodes_as(sample, "cp1252") == text:
        encoding = "cp1252"  # the same text: name the page it most likely was saved in
    whole = _decodes_as(data, encoding)
    if whole is None:
        raise UnknownEncoding(
            f"This file is not UTF-8 and not {_label(encoding)} either, so names would come out "
            f"garbled. {SAVE_AS_CSV_UTF8}"
        )
    return whole, encoding


def _non_ascii_lines(data: bytes) -> bytes:
    lines = [line for line in data.splitlines() if not line.isascii()]
    sample, size = [], 0
    for line in lines:
        sample.append(line)
        size += len(line) + 1
        if size >= SAMPLE_BYTES:
            break
    return b"\n".join(sample)


def _decodes_as(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _legacy_reading(data: bytes) -> tuple[str, str]:
    matches = from_bytes(data, cp_isolation=LEGACY_CODE_PAGES)
    ranked = [match.encoding for match in matches if match.encoding in LEGACY_CODE_PAGES]
    candidates: dict[str, str] = {}  # text → the best-ranked code page giving it
    for encoding in ranked:
        text = _decodes_as(data, encoding)
        if text is None:
            continue
        # The best-ranked page giving this text, named as the common one if it reads the same.
        previous = candidates.get(text)
        if previous is None or (encoding in WESTERN and previous not in WESTERN):
            candidates[text] = encoding
    scored = sorted(
        (implausibility(text), position, text, encoding)
        for position, (text, encoding) in enumerate(candidates.items())
    )
    if not scored or scored[0][0][0] > 0:
        raise UnknownEncoding(
            "This file is not UTF-8 and its characters could not be told apart for sure, "
            f"so names would come out garbled. {SAVE_AS_CSV_UTF8}"
        )
    best = [(text, encoding) for score, _, text, encoding in scored if score == scored[0][0]]
    if len(best) == 1:
        return best[0]
    chosen = _tie_break(best, {match.encoding: match.coherence for match in matches})
    if chosen is None:
        raise UnknownEncoding(
            "This file is not UTF-8, and it reads as different names in "
            f"{' and '.join(_label(encoding) for _, encoding in best[:2])}; Laurel will not "
            f"guess. "
            f"{SAVE_AS_CSV_UTF8}"
        )
    return chosen


def _tie_break(best: list[tuple[str, str]], coherence: dict[str, float]):
    """The one of several plausible readings to trust, or None.

    First the language charset-normalizer recognises clearly best (Turkish in cp1254 over
    the same bytes in cp1252). Failing that, Windows-1252 among Latin code pages, since it is
    the common one, except where it reads Icelandic letters that Windows-1254 reads Turkish.
    """
    ranked = sorted(best, key=lambda entry: -coherence.get(entry[1], 0.0))
    top, runner_up = (coherence.get(entry[1], 0.0) for entry in ranked[:2])
    if top >= runner_up + 5:
        return ranked[0]
    if not all(encoding in LATIN_CODE_PAGES for _, encoding in best):
        return None
    for text, encoding in best:
        if encoding in WESTERN and not ICELANDIC_OR_TURKISH & set(text):
            return text, encoding
    return None


def _label(encoding: str) -> str:
    return LABELS.get(encoding, encoding)


def implausibility(text: str) -> tuple[int, int]:
    """(characters no name holds, words no name has) in ``text``: both 0 for a file of names
    and addresses decoded right. An odd word mixes scripts, capitalises an accented letter
    mid-word ("JosÈ"), or is Latin without one plain letter ("ůäĺ": Hebrew read as
    Central European)."""
    strange = 0
    odd_words = 0
    word = _Word()
    for character in text:
        category = unicodedata.category(character)
        if category[0] in "LM":
            word.add(character, category)
            continue
        odd_words += word.odd()
        word = _Word()
        if not character.isascii() and not _name_punctuation(character, category):
            strange += 1
    return strange, odd_words + word.odd()


class _Word:
    __slots__ = ("scripts", "plain", "accented", "odd_case", "previous_lower")

    def __init__(self) -> None:
        self.scripts: set[str] = set()
        self.plain = self.accented = 0
        self.odd_case = self.previous_lower = False

    def add(self, character: str, category: str) -> None:
        if character.isascii():
            self.plain += 1
            self.scripts.add("LATIN")
        else:
            script = _script(character)
            if script != "COMBINING":
                self.scripts.add(script)
            self.accented += script == "LATIN"
            self.odd_case |= category == "Lu" and self.previous_lower
        self.previous_lower = category == "Ll"

    def odd(self) -> bool:
        if len(self.scripts) > 1 or self.odd_case:
            return True
        return self.scripts == {"LATIN"} and not self.plain and self.accented >= 2


def _name_punctuation(character: str, category: str) -> bool:
    if character in NAME_PUNCTUATION or category in ("Zs", "Cf"):
        return True
    return category == "So" and ord(character) >= 0x2190  # emoji and dingbats, not ¦ © ° ¬


def _script(letter: str) -> str:
    name = unicodedata.name(letter, "")
    first = name.split(" ", 1)[0]
    if first in ("CJK", "HIRAGANA", "KATAKANA", "HANGUL"):
        return "CJK"  # written together in one Japanese or Korean name
    return first
