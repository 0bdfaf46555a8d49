"""Control characters that PyLD and jsonld.js canonicalize differently are never signed.

PyLD writes U+0000-U+001F (but tab, newline, carriage return) and U+007F raw in N-Quads;
jsonld.js escapes them, so a signature over them fails in every Digital Bazaar verifier.
build_credential refuses them naming the field, and proof.sign refuses any document
holding them, on the fast and on the generic path.
"""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

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
