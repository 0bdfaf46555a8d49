"""Turn the bytes of an uploaded CSV into text, never into mojibake.

UTF-8 (with or without a BOM) and UTF-16/32 with a BOM are read as they say. Anything else
was most likely saved by a spreadsheet in the computer's legacy code page (Windows-1252 for
Western Europe and the Americas, 1250 Central Europe, 1251 Cyrillic, …). Every such code
page is tried on the lines that hold bytes past ASCII; a reading is kept only if its names
read as names (``laurel.bulk.plausible``). When several plausible readings differ, a Latin
one wins only if its words spell real languages and the others' do not, a non-Latin one only
if charset-normalizer finds its language far more coherent on enough text; otherwise the
file is refused, with how to save it as CSV UTF-8. Windows-1252 reads every Latin-1 file
identically, so Latin-1 needs nothing of its own.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from laurel.bulk.errors import SAVE_AS_CSV_UTF8, UnknownEncoding, UnsupportedFile
from laurel.bulk.plausible import foreign_words, implausibility, non_ascii_letters

# Code pages that spreadsheet programs write when not told to use UTF-8, the common first
# (a text several pages read alike is named after the first).
LEGACY_CODE_PAGES = {
    "cp1252": "Windows-1252 (Western)",
    "latin_1": "Latin-1",
    "iso8859_15": "Latin-9",
    "cp1250": "Windows-1250 (Central European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1255": "Windows-1255 (Hebrew)",
    "cp1256": "Windows-1256 (Arabic)",
    "cp1257": "Windows-1257 (Baltic)",
    "cp1258": "Windows-1258 (Vietnamese)",
    "cp874": "Windows-874 (Thai)",
    "mac_roman": "Mac Roman",
    "cp932": "Shift JIS (Japanese)",
    "gb18030": "GB 18030 (Chinese)",
    "cp949": "Windows-949 (Korean)",
    "big5": "Big5 (Traditional Chinese)",
}
LATIN_CODE_PAGES = {
    "cp1252", "latin_1", "iso8859_15", "cp1250", "cp1254", "cp1257", "cp1258", "mac_roman"
}  # fmt: skip
SAMPLE_BYTES = 16_000  # of lines past ASCII: a few hundred names
# charset-normalizer's language fit of a non-Latin reading must lead by this many points, on
# at least this many letters. Measured on generated class lists: with fewer letters the wrong
# reading led by up to 17 points; with 150 or more, by at most 5 (the right one by up to 38).
COHERENCE_MARGIN = 12
COHERENCE_MIN_LETTERS = 150

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
    encoding = legacy_code_page(_non_ascii_lines(data))
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        raise UnknownEncoding(
            f"This file is not UTF-8 and not {LEGACY_CODE_PAGES[encoding]} either, so names "
            f"would come out garbled. {SAVE_AS_CSV_UTF8}"
        ) from None


def legacy_code_page(sample: bytes) -> str:
    """The code page ``sample`` (lines with bytes past ASCII) was saved in; UnknownEncoding
    unless exactly one plausible reading can be told from the others."""
    readings: dict[str, str] = {}  # text → the first code page reading it so
    for encoding in LEGACY_CODE_PAGES:
        try:
            readings.setdefault(sample.decode(encoding), encoding)
        except UnicodeDecodeError:
            continue
    scored = sorted((implausibility(text), position) for position, text in enumerate(readings))
    texts = list(readings.items())
    if not scored or scored[0][0][0] > 0:
        raise UnknownEncoding(
            "This file is not UTF-8 and its characters could not be told apart for sure, "
            f"so names would come out garbled. {SAVE_AS_CSV_UTF8}"
        )
    best = [texts[position] for score, position in scored if score == scored[0][0]]
    chosen = best[0] if len(best) == 1 else _tie_break(sample, best)
    if chosen is None:
        names = " and ".join(LEGACY_CODE_PAGES[encoding] for _, encoding in best[:2])
        raise UnknownEncoding(
            f"This file is not UTF-8, and it reads as different names in {names}; Laurel "
            f"will not guess. {SAVE_AS_CSV_UTF8}"
        )
    return chosen[1]


def _tie_break(sample: bytes, best: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The one of several plausible readings to trust, or None.

    Among Latin code pages, the reading whose words each spell a real language's letters:
    "Ibáñez" is Spanish, "Ibáńez" (Windows-1250) no language's; "Růžička" is Czech,
    "Rùžièka" (Windows-1252) nobody's. Among non-Latin ones, the language charset-normalizer
    finds far more coherent (Hebrew in cp1255 over the same bytes read as Cyrillic).
    """
    latin = [encoding in LATIN_CODE_PAGES for _, encoding in best]
    if all(latin):
        scored = sorted((foreign_words(text), position) for position, (text, _) in enumerate(best))
        return best[scored[0][1]] if scored[0][0] < scored[1][0] else None
    if any(latin) or non_ascii_letters(best[0][0]) < COHERENCE_MIN_LETTERS:
        return None
    tied = [encoding for _, encoding in best]
    coherence = {m.encoding: m.percent_coherence for m in from_bytes(sample, cp_isolation=tied)}
    ranked = sorted(best, key=lambda entry: -coherence.get(entry[1], 0.0))
    top, runner_up = (coherence.get(encoding, 0.0) for _, encoding in ranked[:2])
    return ranked[0] if top >= runner_up + COHERENCE_MARGIN else None


def _non_ascii_lines(data: bytes) -> bytes:
    sample, size = [], 0
    for line in data.splitlines():
        if not line.isascii():
            sample.append(line)
            size += len(line) + 1
            if size >= SAMPLE_BYTES:
                break
    return b"\n".join(sample)
