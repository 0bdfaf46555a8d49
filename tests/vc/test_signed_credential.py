"""Building and signing in one step refuses exactly what build_credential then sign refuses.

issue.signed_credential leaves build_credential's whole-document checks (control
characters, OB 3.0 schema) to proof.sign, which makes them on the signed document. These
tests give both paths the same inputs, valid ones and ones each check refuses, and
compare the outcomes: the same document, or the same kind of refusal.
"""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from laurel.vc.credential import (
    AchievementInfo,
    IssuerProfile,
    Recipient,
    Skill,
    StatusEntry,
    _schema,
    build_credential,
)
from laurel.vc.did import VerificationKey, did_web_document, resolver_for
from laurel.vc.errors import ControlCharacterError, SchemaError, VCError
from laurel.vc.issue import signed_credential
from laurel.vc.keys import generate_key, public_multikey
from laurel.vc.proof import sign, verify_proof
from tests.vc.test_sign_and_verify import DID, METHOD

KEY = generate_key()
RESOLVE = resolver_for(
    did_web_document(DID, [VerificationKey("key-1", public_multikey(KEY.public_key()))])
)
SIGNED_AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
VALID_FROM = datetime(2026, 2, 1, tzinfo=UTC)
ISSUER = IssuerProfile(
    id=DID, name="Acme Academy", url="https://acme.example", image="https://acme.example/l.png"
)
ACHIEVEMENT = AchievementInfo(
    id="https://laurel.example/groups/PY101",
    name="Python Foundations",
    description="Writes small, tested Python programs.",
    criteria="Passed the final project review.",
    image="https://laurel.example/media/py101.png",
    skills=(Skill("Testing", "https://skills.example/testing", "Tests", "ESCO", "S1"),),
)
RECIPIENT = Recipient("Ada Lovelace", "ada@example.org", salt="c0ffee")


def fields(**overrides) -> dict:
    arguments = {
        "credential_id": "https://laurel.example/credential/0123456789abcdefghijklmnopqrstuv",
        "issuer": ISSUER,
        "achievement": ACHIEVEMENT,
        "recipient": RECIPIENT,
        "valid_from": VALID_FROM,
        "valid_until": VALID_FROM + timedelta(days=365),
        "custom_attributes": {"grade": "A"},
        "status": [StatusEntry("https://laurel.example/status/rev-1", 7)],
    }
    return arguments | overrides


def built_then_signed(arguments: dict) -> dict | VCError:
    try:
        return sign(
            build_credential(**arguments),
            private_key=KEY,
            verification_method=METHOD,
            created=SIGNED_AT,
        )
    except VCError as error:
        return error


def signed_at_once(arguments: dict) -> dict | VCError:
    try:
        return signed_credential(
            private_key=KEY, verification_method=METHOD, created=SIGNED_AT, **arguments
        )
    except VCError as error:
        return error


def assert_same_outcome(arguments: dict) -> dict | VCError:
    expected = built_then_signed(arguments)
    outcome = signed_at_once(arguments)
    if isinstance(expected, VCError):
        assert type(outcome) is type(expected), (outcome, expected)
    else:
        assert outcome == expected  # Ed25519 signatures are deterministic
    return outcome


def test_a_credential_signed_at_once_is_the_built_one_signed_and_verifies():
    document = assert_same_outcome(fields())
    assert isinstance(document, dict)
    assert verify_proof(document, resolve=RESOLVE).ok


@pytest.mark.parametrize(
    "arguments",
    [
        fields(recipient=Recipient("Ada\x08", "ada@example.org", salt="c0ffee")),
        fields(custom_attributes={"grade": "A\x7f"}),
        fields(achievement=replace(ACHIEVEMENT, name=["Python", "Found\x01ations"])),
        fields(issuer=replace(ISSUER, name={"en": "Acme\x1b"})),
    ],
    ids=["recipient name", "attribute value", "text in a list", "text in an object"],
)
def test_a_control_character_is_refused_at_once_as_after_building(arguments):
    assert isinstance(assert_same_outcome(arguments), ControlCharacterError)


@pytest.mark.parametrize(
    "arguments",
    [
        fields(achievement=replace(ACHIEVEMENT, achievement_type="Diploma2")),
        fields(achievement=replace(ACHIEVEMENT, name=42)),
        fields(achievement=replace(ACHIEVEMENT, skills=(Skill(["Testing"], 7),))),
        fields(issuer=replace(ISSUER, name=None)),
        fields(
            status=[StatusEntry("https://s.example/1", 1), StatusEntry("https://s.example/2", 2)]
        ),
    ],
    ids=["achievement type", "number name", "skill of wrong types", "no issuer name", "2 status"],
)
def test_a_schema_violation_is_refused_at_once_as_after_building(arguments):
    outcome = assert_same_outcome(arguments)
    assert isinstance(outcome, SchemaError)


def test_the_schema_refusal_names_the_same_place():
    arguments = fields(achievement=replace(ACHIEVEMENT, achievement_type="Diploma2"))
    assert str(signed_at_once(arguments)) == str(built_then_signed(arguments))
    assert "credentialSubject/achievement/achievementType" in str(signed_at_once(arguments))


# Values for one field: good text, text with any character (control ones included), and
# values of the wrong type, some holding control characters where no field check looks.
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
VALUE = st.one_of(
    st.sampled_from(["Acme", "https://x.example/a", "Course", "ext:Custom", "", " "]),
    ANY_TEXT,
    st.none(),
    st.integers(-2, 2),
    st.lists(ANY_TEXT, max_size=2),
    st.dictionaries(st.sampled_from(["en", "\x01"]), ANY_TEXT, max_size=1),
)


# Where a drawn value goes: (argument, attribute of its dataclass), "" for the argument itself.
PLACES = [
    ("issuer", "name"),
    ("issuer", "url"),
    ("issuer", "email"),
    ("achievement", "name"),
    ("achievement", "description"),
    ("achievement", "achievement_type"),
    ("achievement", "image"),
    ("recipient", "name"),
    ("skill", "name"),
    ("skill", "url"),
    ("skill", "code"),
    ("evidence_url", ""),
    ("custom_attributes", ""),
]


@st.composite
def inputs(draw) -> dict:
    """Valid arguments with up to two places given a drawn value."""
    arguments = fields()
    skill = ACHIEVEMENT.skills[0]
    for argument, attribute in draw(st.lists(st.sampled_from(PLACES), max_size=2)):
        if argument == "skill":
            skill = replace(skill, **{attribute: draw(VALUE)})
        elif argument == "custom_attributes":
            arguments[argument] = draw(st.dictionaries(ANY_TEXT, VALUE, max_size=2))
        elif attribute:
            arguments[argument] = replace(arguments[argument], **{attribute: draw(VALUE)})
        else:
            arguments[argument] = draw(VALUE)
    arguments["achievement"] = replace(arguments["achievement"], skills=(skill,))
    return arguments


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arguments=inputs())
def test_any_input_is_refused_at_once_exactly_when_it_is_refused_after_building(arguments):
    assert_same_outcome(arguments)


def test_the_schema_ties_nothing_at_its_top_level_to_the_proof():
    # issue.py's argument: the signed document validates exactly when the unsigned one
    # and its proof do. A keyword like dependentRequired or if/then here would break it.
    schema = _schema()
    assert set(schema) == {
        "$schema",
        "$id",
        "title",
        "description",
        "type",
        "properties",
        "required",
        "additionalProperties",
        "$defs",
    }
    assert "proof" not in schema["required"]
    assert schema["additionalProperties"] is True
