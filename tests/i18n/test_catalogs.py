"""The catalogs: compiled as committed, complete for recipients, placeholders intact."""

from __future__ import annotations

import io

import pytest
from babel.messages.mofile import read_mo, write_mo

from laurel.ops.catalogs import rewrapped
from tests.i18n.catalogs import LOCALE, TRANSLATED, catalog, placeholders, recipient_facing


def _entries(messages) -> dict:
    """{msgid: msgstr} of what a compiled catalog holds (the header aside)."""
    return {(m.context, _tuple(m.id)): _tuple(m.string) for m in messages if m.id}


def _tuple(value):
    return tuple(value) if isinstance(value, list | tuple) else value


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_committed_po_is_in_babels_layout(language):
    # `make messages` writes them so: a merge then changes only what changed.
    po = (LOCALE / language / "LC_MESSAGES" / "django.po").read_bytes()
    assert rewrapped(po) == po, (
        f"laurel/locale/{language}/LC_MESSAGES/django.po is wrapped as GNU gettext "
        "wraps: run `.venv/bin/python -m laurel.ops.catalogs`"
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_committed_mo_is_the_po_compiled(language):
    po = catalog(language)
    compiled = io.BytesIO()
    write_mo(compiled, po)  # as `make catalogs` does (babel): fuzzy and empty entries left out
    compiled.seek(0)
    with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as committed:
        assert _entries(read_mo(committed)) == _entries(read_mo(compiled)), (
            f"laurel/locale/{language}/LC_MESSAGES/django.mo is stale: run `make catalogs`"
        )


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_committed_mo_knows_the_languages_plural_rule(language):
    with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as committed:
        plural = dict(read_mo(committed).mime_headers)["Plural-Forms"]
    expected = {
        "fr": "nplurals=2; plural=(n > 1);",
        "es": "nplurals=2; plural=(n != 1);",
        "ar": "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 "
        "&& n%100<=10 ? 3 : n%100>=11 && n%100<=99 ? 4 : 5;",
    }[language]
    assert plural == expected


def test_recipient_facing_messages_are_found():
    """The selection is not empty by mistake (a renamed folder would empty it)."""
    ids = {m.id for m in catalog("fr") if m.id and recipient_facing(m)}
    assert len(ids) > 250
    assert {"Verify a credential", "View & Verify", "Revoked", "What was checked"} <= ids
    assert "Issue one credential" not in ids  # the issuer app's


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_recipient_facing_message_is_translated_and_not_fuzzy(language):
    missing = []
    for message in catalog(language):
        if not message.id or not recipient_facing(message):
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id)
    assert missing == [], f"untranslated or fuzzy in {language}: {missing}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders_of_their_message(language):
    wrong = []
    for message in catalog(language):
        if not message.id or not message.string:
            continue
        if isinstance(message.id, tuple):  # plural: every form has the same names but the count
            wanted = set(placeholders(message.id[0])) | set(placeholders(message.id[1]))
            for form in message.string:
                if form and not (
                    set(placeholders(form)) - {"counter"} <= wanted - {"counter"}
                    and wanted - {"counter"} <= set(placeholders(form))
                ):
                    wrong.append((message.id, form))
        elif placeholders(message.id) != placeholders(message.string):
            wrong.append((message.id, message.string))
    assert wrong == []


@pytest.mark.parametrize(
    "text, names",
    [
        ("Hello %(name)s, %(size).1f MB of %(limit)d", ["limit", "name", "size"]),
        ("{count} credentials in {group}", ["count", "group"]),
        ("100% sure", []),
    ],
)
def test_placeholders_are_read_as_python_writes_them(text, names):
    assert placeholders(text) == names
