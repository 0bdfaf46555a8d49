"""The seeded recipient generator: the same bytes for the same seed, every script present."""

from __future__ import annotations

import unicodedata

from bench.make_recipients import LEGACY_VARIANTS, VARIANTS, legacy_csv, mistakes, recipients


def test_the_same_seed_makes_the_same_files_and_another_seed_others():
    people, again, other = (recipients(300, seed=seed) for seed in (13, 13, 14))

    for make in VARIANTS.values():
        assert make(people) == make(again)
        assert make(people) != make(other)
    for name in LEGACY_VARIANTS:
        assert legacy_csv(name, 300) == legacy_csv(name, 300)


def test_ten_thousand_recipients_hold_every_script_emoji_and_combining_marks(people):
    scripts = {
        unicodedata.name(letter).split()[0]
        for person in people
        for letter in person.name
        if letter.isalpha() and not letter.isascii()
    }

    assert {"LATIN", "GREEK", "CYRILLIC", "ARABIC", "HEBREW", "DEVANAGARI", "THAI"} <= scripts
    assert {"CJK", "HIRAGANA", "KATAKANA", "HANGUL"} <= scripts
    assert any(unicodedata.category(ch) == "So" for person in people for ch in person.name)
    assert any(unicodedata.normalize("NFC", p.name) != p.name for p in people)


def test_recipients_are_distinct_and_valid(people):
    assert len({person.email.lower() for person in people}) == len(people)
    assert all(person.name == person.name.strip() and person.name for person in people)


def test_every_mistake_says_what_it_should_be_reported_as():
    assert {person.expected for person in mistakes()} >= {
        "",
        "duplicate",
        "missing_name",
        "missing_email",
        "malformed_email",
        "control_character",
        "too_long",
        "unknown_custom_field",
    }
