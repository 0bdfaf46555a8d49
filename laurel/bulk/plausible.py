"""Does a decoded text read as names? The measures behind choosing a legacy code page.

Decoding a file in the wrong code page rarely fails: every byte means something in
Windows-1252. What gives it away is what it means: symbols inside names ("Jos£"), a word
mixing scripts ("Josй"), an accented capital mid-word ("JosÈ"), a "word" of accented Latin
letters without a plain one ("ůäĺ", Hebrew read as Central European), or a word whose
accented letters no one language has together ("Ibáńez", "Rùžièka").
"""

from __future__ import annotations

import re
import unicodedata

# Non-letters that turn up in names and are no sign of a wrong decoding.
NAME_PUNCTUATION = set("\u00a0’‘‚“”„–—«»•…′″ʻʼ‐‑\u200c\u200d\u200e\u200f")
WORD = re.compile(r"[^\W\d_]+")
# The accented letters of the languages the Latin code pages are used for (Faroese left out:
# its ø beside á would make Czech read as Windows-1252 look like a language).
ALPHABETS = [
    set(letters)
    for letters in (
        "àâæçéèêëîïôœùûüÿ",  # French
        "áéíñóúü",  # Spanish
        "áâãàçéêíóôõú",  # Portuguese
        "àèéìíîòóù",  # Italian
        "àçèéíïòóúü",  # Catalan
        "äöüß",  # German
        "áéëïóöüèà",  # Dutch, Afrikaans
        "åæøéóôü",  # Danish, Norwegian
        "åäöéü",  # Swedish
        "åäöšž",  # Finnish
        "áéíóúýðþæö",  # Icelandic
        "áčďéěíňóřšťúůýž",  # Czech
        "áäčďéíĺľňóôŕšťúýž",  # Slovak
        "ąćęłńóśźż",  # Polish
        "áéíóöőúüű",  # Hungarian
        "ăâîșşțţ",  # Romanian
        "čćđšž",  # Croatian, Serbian, Bosnian, Slovene
        "çğıöşüâî",  # Turkish
        "āčēģīķļņšūž",  # Latvian
        "ąčęėįšųūž",  # Lithuanian
        "äõöüšž",  # Estonian
        "çë",  # Albanian
        "âêîôûŵŷáéíóúàèìòùäëïöüÿẁẃẅỳ",  # Welsh
        "áéíóú",  # Irish
    )
]


def implausibility(text: str) -> tuple[int, int]:
    """(characters no name holds, odd words) in ``text``: both 0 for a file of names and
    addresses decoded right. An odd word mixes scripts, capitalises an accented letter
    mid-word, or is accented Latin letters without a plain one."""
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


def foreign_words(text: str) -> int:
    """How many words of ``text`` hold accented letters that no one language has together."""
    count = 0
    for word in WORD.findall(text.lower()):
        accented = {letter for letter in word if not letter.isascii()}
        if accented and not any(accented <= alphabet for alphabet in ALPHABETS):
            count += 1
    return count


def non_ascii_letters(text: str) -> int:
    return sum(1 for character in text if not character.isascii() and character.isalpha())


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
    first = unicodedata.name(letter, "").split(" ", 1)[0]
    if first in ("CJK", "HIRAGANA", "KATAKANA", "HANGUL"):
        return "CJK"  # written together in one Japanese or Korean name
    return first
