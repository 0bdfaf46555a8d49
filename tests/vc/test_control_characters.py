"""Control characters that PyLD and jsonld.js canonicalize differently are never signed.

PyLD writes U+0000-U+001F (but tab, newline, carriage return) and U+007F raw in N-Quads;
jsonld.js escapes them, so a signature over them fails in every Digital Bazaar verifier.
build_credential refuses them naming the field, and proof.sign refuses any document
holding them, on the fast and on the generic path.
"""

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laurel.vc import text
from laurel.vc.credential import AchievementInfo, Recipient, Skill
from laurel.vc.errors import ControlCharacterError, VCError
from laurel.vc.fastcanon import canonize_fast
from laurel.vc.keys import generate_key
from laurel.vc.proof import sign
from laurel.vc.status_list import build_status_list_credential
from tests.vc.test_sign_and_verify import METHOD, unsigned

REFUSED = [chr(c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)]
KEY = generate_key()


def test_refused_characters_are_the_c0_controls_but_tab_newline_cr_and_del():
    assert len(REFUSED) == 30
    assert not {"\t", "\n", "\r", "\x85", "\u2028"} & set(REFUSED)


@pytest.mark.parametrize("control", REFUSED)
def test_a_recipient_name_with_a_control_character_is_refused_naming_it(control):
    with pytest.raises(ControlCharacterError) as refused:
        unsigned(recipient=Recipient(f"Ada{control}", "ada@example.org"))
    assert str(refused.value) == (
        f"recipient name contains a control character (U+{ord(control):04X})"
    )


def _achievement(**changes):
    base = AchievementInfo(
        id="https://laurel.example/groups/PY101",
        name="Python Foundations",
        description="Writes small, tested Python programs.",
        criteria="Passed the final project review.",
    )
    return replace(base, **changes)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"achievement": _achievement(name="Py\b")}, "achievement name"),
        ({"achievement": _achievement(description="a\x00b")}, "achievement description"),
        ({"achievement": _achievement(criteria="\x0cpage")}, "achievement criteria"),
        (
            {"achievement": _achievement(skills=(Skill("Te\x1bst", "https://s.example/t"),))},
            "skill name",
        ),
        ({"custom_attributes": {"grade\x7f": "A"}}, "custom attribute name"),
        ({"custom_attributes": {"grade": "A\x0b"}}, "custom attribute 'grade'"),
        ({"evidence_url": "https://e.example/\x01"}, "evidence url"),
    ],
)
def test_every_text_field_with_a_control_character_is_refused_by_name(arguments, field):
    with pytest.raises(ControlCharacterError, match=f"^{field} contains a control character"):
        unsigned(**arguments)


def test_tab_newline_and_carriage_return_are_accepted():
    credential = unsigned(recipient=Recipient("Ada\tB\nC\rD \x85 \u2028", "ada@example.org"))
    assert credential["credentialSubject"]["name"] == "Ada\tB\nC\rD \x85 \u2028"
    assert canonize_fast(credential) is not None


def test_sign_refuses_a_credential_changed_after_it_was_built():
    credential = unsigned()
    credential["credentialSubject"]["name"] = "Ada\bLovelace"
    with pytest.raises(ControlCharacterError) as refused:
        sign(credential, private_key=KEY, verification_method=METHOD)
    assert "(U+0008) at credentialSubject/name" in str(refused.value)
    assert "JavaScript verifiers" in str(refused.value)


def test_sign_refuses_a_control_character_on_the_generic_path_too():
    document = build_status_list_credential(
        list_url="https://laurel.example/status/1",
        issuer_id="did:web:laurel.example:issuers:demo",
        purpose="revocation",
        encoded_list="uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA",
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )
    document["name"] = "List\x1f1"
    document["credentialSubject"]["statusSize"] = 1  # a number: fastcanon never takes one
    assert canonize_fast(document) is None
    with pytest.raises(ControlCharacterError, match=r"U\+001F\) at name"):
        sign(document, private_key=KEY, verification_method=METHOD)


def test_a_key_with_a_control_character_is_refused_naming_the_key():
    credential = unsigned()
    credential["credentialSubject"]["na\x00me"] = "x"
    with pytest.raises(ControlCharacterError, match="the name of 'credentialSubject/na"):
        sign(credential, private_key=KEY, verification_method=METHOD)


def test_a_verification_method_with_a_control_character_is_refused():
    with pytest.raises(ControlCharacterError, match="verification method"):
        sign(unsigned(), private_key=KEY, verification_method=METHOD + "\x08")


def test_the_refusal_is_a_vc_error_with_one_line():
    credential = unsigned()
    credential["issuer"]["name"] = "Acme\x00"
    with pytest.raises(VCError) as refused:
        sign(credential, private_key=KEY, verification_method=METHOD)
    assert "\n" not in str(refused.value)


# The quick checks (one search over the joined text) against the checks they stand for:
# text.find_control_character against the walk that names the place (text._search), and
# text.check_texts against check_text on each value in turn.
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
CONTROL_PRONE_TEXT = st.one_of(ANY_TEXT, st.sampled_from(REFUSED), st.sampled_from(["\t\n\r", ""]))
DOCUMENTS = st.recursive(
    st.one_of(CONTROL_PRONE_TEXT, st.integers(), st.none(), st.booleans(), st.floats()),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.tuples(children),  # not JSON: neither check reads into it
        st.dictionaries(st.one_of(CONTROL_PRONE_TEXT, st.integers()), children, max_size=4),
    ),
    max_leaves=30,
)


def outcome(check, *arguments):
    try:
        return check(*arguments)
    except VCError as error:
        return type(error), str(error)


@settings(max_examples=1000, deadline=None)
@given(document=DOCUMENTS)
def test_the_quick_search_finds_what_the_full_walk_finds(document):
    assert outcome(text.find_control_character, document) == outcome(text._search, document)


@settings(max_examples=500, deadline=None)
@given(document=DOCUMENTS)
def test_the_quick_search_finds_a_control_character_in_a_credential(document):
    credential = unsigned()
    credential["credentialSubject"]["achievement"]["description"] = document
    assert outcome(text.find_control_character, credential) == outcome(text._search, credential)


@settings(max_examples=500, deadline=None)
@given(values=st.lists(st.tuples(st.sampled_from("abc"), DOCUMENTS), max_size=6))
def test_check_texts_refuses_as_checking_each_text_does(values):
    def one_by_one(labelled):
        for label, value in labelled:
            text.check_text(label, value)

    assert outcome(text.check_texts, values) == outcome(one_by_one, values)


def _nested(depth, innermost):
    document = innermost
    for _ in range(depth):
        document = [document]
    return document


@pytest.mark.parametrize(
    "document",
    [
        _nested(text.MAX_NESTING, "clean"),
        _nested(text.MAX_NESTING + 1, "clean"),
        _nested(text.MAX_NESTING + 1, 0),
        ["a\x01", _nested(3000, "clean")],
        [_nested(3000, "clean"), "a\x01"],
        [{"k": "v"}] * (text.MAX_QUICK_NODES + 1),
        [{"k": "v"}] * text.MAX_QUICK_NODES + ["\x02"],
    ],
    ids=[
        "at the limit",
        "past it",
        "a number past it",
        "found first",
        "too deep first",
        "wide",
        "wide, found",
    ],
)
def test_the_quick_search_agrees_on_deep_and_wide_documents(document):
    assert outcome(text.find_control_character, document) == outcome(text._search, document)


def test_a_cyclic_document_is_refused_as_nested_too_deeply():
    looped: list = ["clean"]
    looped.append(looped)
    doubled: list = []
    doubled += [doubled, doubled]
    for document in (looped, doubled):
        with pytest.raises(VCError, match="nested too deeply"):
            text.find_control_character(document)
