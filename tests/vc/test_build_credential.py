"""Building Open Badges 3.0 credentials from plain inputs."""

import copy
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from laurel.vc.credential import (
    ACHIEVEMENT_CREDENTIAL_SCHEMA,
    AchievementInfo,
    IssuerProfile,
    Recipient,
    Skill,
    StatusEntry,
    build_credential,
    hash_identity,
    validate_schema,
)
from laurel.vc.errors import SafeModeError, SchemaError, VCError
from laurel.vc.jsonld import check_safe, expand_safely

ISSUER = IssuerProfile(
    id="did:web:laurel.example:issuers:acme",
    name="Acme Academy",
    url="https://acme.example",
    email="badges@acme.example",
    image="https://laurel.example/media/acme.png",
)
ACHIEVEMENT = AchievementInfo(
    id="https://laurel.example/groups/PY101",
    name="Python Foundations",
    description="Writes small, tested Python programs.",
    criteria="Passed the final project review.",
    image="https://laurel.example/media/py101.png",
    achievement_type="Certificate",
    skills=(
        Skill("Testing", "https://skills.example/testing", "Writes tests", "ESCO", "S1.2"),
        Skill("Python", "https://skills.example/python"),
    ),
)
RECIPIENT = Recipient(name="Ada Lovelace", email="Ada@Example.org", salt="0f1e2d3c")
VALID_FROM = datetime(2025, 5, 6, 7, 8, 9, tzinfo=UTC)


def make(**overrides) -> dict:
    arguments = {
        "credential_id": "https://laurel.example/credential/abcdefghijklmnopqrstuvwxyz012345",
        "issuer": ISSUER,
        "achievement": ACHIEVEMENT,
        "recipient": RECIPIENT,
        "valid_from": VALID_FROM,
    }
    return build_credential(**(arguments | overrides))


def full(**overrides) -> dict:
    arguments = {
        "valid_until": VALID_FROM + timedelta(days=365),
        "evidence_url": "https://portfolio.example/ada/project",
        "custom_attributes": {"custom_grade": "A+", "Hours": "40"},
        "status": [StatusEntry("https://laurel.example/status/list-1", 42)],
    }
    return make(**(arguments | overrides))


def test_plain_credential_has_the_ob3_shape():
    credential = make()
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"] == {
        "id": ISSUER.id,
        "type": ["Profile"],
        "name": "Acme Academy",
        "url": "https://acme.example",
        "email": "badges@acme.example",
        "image": {"id": "https://laurel.example/media/acme.png", "type": "Image"},
    }
    assert credential["validFrom"] == "2025-05-06T07:08:09Z"
    assert credential["credentialSchema"] == [
        {"id": ACHIEVEMENT_CREDENTIAL_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}
    ]
    assert "validUntil" not in credential and "credentialStatus" not in credential
    assert "evidence" not in credential


def test_without_credential_schema_the_extensions_context_is_left_out():
    credential = make(schema=False)
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert "credentialSchema" not in credential
    check_safe(credential)


def test_achievement_carries_criteria_image_type_and_skills_as_alignments():
    achievement = make()["credentialSubject"]["achievement"]
    assert achievement["id"] == ACHIEVEMENT.id
    assert achievement["type"] == ["Achievement"]
    assert achievement["criteria"] == {"narrative": "Passed the final project review."}
    assert achievement["image"] == {"id": "https://laurel.example/media/py101.png", "type": "Image"}
    assert achievement["achievementType"] == "Certificate"
    assert achievement["alignment"] == [
        {
            "type": ["Alignment"],
            "targetName": "Testing",
            "targetUrl": "https://skills.example/testing",
            "targetType": "ceasn:Competency",
            "targetDescription": "Writes tests",
            "targetFramework": "ESCO",
            "targetCode": "S1.2",
        },
        {
            "type": ["Alignment"],
            "targetName": "Python",
            "targetUrl": "https://skills.example/python",
            "targetType": "ceasn:Competency",
        },
    ]


def test_recipient_is_identified_by_a_salted_hash_of_the_email():
    subject = make()["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["name"] == "Ada Lovelace"
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "identityType": "emailAddress",
            "hashed": True,
            "identityHash": hash_identity("ada@example.org", "0f1e2d3c"),
            "salt": "0f1e2d3c",
        }
    ]


def test_hash_identity_normalizes_case_and_whitespace():
    expected = "sha256$" + __import__("hashlib").sha256(b"ada@example.orgsalt").hexdigest()
    assert hash_identity("  Ada@Example.ORG \n", "salt") == expected


def test_salt_is_generated_when_not_given_and_differs_between_credentials():
    first = make(recipient=Recipient("Ada", "ada@example.org"))
    second = make(recipient=Recipient("Ada", "ada@example.org"))
    salts = [c["credentialSubject"]["identifier"][0]["salt"] for c in (first, second)]
    assert salts[0] != salts[1] and all(len(s) >= 16 for s in salts)


def test_no_bare_email_anywhere_in_the_credential():
    credential = full(recipient=Recipient("Ada", "Ada.Lovelace+badges@Example.org"))
    text = json.dumps(credential).lower()
    assert "ada.lovelace+badges@example.org" not in text
    assert "lovelace+badges" not in text


def test_full_credential_carries_dates_evidence_status_and_custom_attributes():
    credential = full()
    assert credential["validUntil"] == "2026-05-06T07:08:09Z"
    assert credential["evidence"] == [
        {"id": "https://portfolio.example/ada/project", "type": ["Evidence"]}
    ]
    assert credential["credentialStatus"] == {
        "id": "https://laurel.example/status/list-1#42",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "42",
        "statusListCredential": "https://laurel.example/status/list-1",
    }
    descriptions = credential["credentialSubject"]["achievement"]["resultDescription"]
    results = credential["credentialSubject"]["result"]
    by_id = {d["id"]: d["name"] for d in descriptions}
    assert {by_id[r["resultDescription"]]: r["value"] for r in results} == {
        "custom_grade": "A+",
        "Hours": "40",
    }
    assert all(d["resultType"] == "ext:LaurelCustomAttribute" for d in descriptions)


def test_custom_attributes_survive_json_ld_expansion():
    # Under defined terms the values are in the signed RDF data, not silently dropped.
    expanded = json.dumps(expand_safely(full(custom_attributes={"custom_room": "B-12"})))
    assert "B-12" in expanded and "custom_room" in expanded


def test_suspension_entry_is_built_with_its_purpose():
    entry = StatusEntry("https://laurel.example/status/s-1", 7, purpose="suspension")
    credential = make(status=[entry])
    assert credential["credentialStatus"]["statusPurpose"] == "suspension"


def test_built_credentials_are_schema_valid_and_use_only_defined_terms():
    for credential in (make(), make(schema=False), full(), full(schema=False)):
        validate_schema(credential)
        check_safe(credential)


def test_credential_is_a_plain_json_serializable_dict():
    credential = full()
    assert json.loads(json.dumps(credential)) == credential


def test_dates_in_other_time_zones_are_written_in_utc_without_fractions():
    paris = timezone(timedelta(hours=2))
    credential = make(valid_from=datetime(2025, 5, 6, 9, 8, 9, 123456, tzinfo=paris))
    assert credential["validFrom"] == "2025-05-06T07:08:09Z"


def test_naive_dates_are_refused():
    with pytest.raises(VCError, match="timezone-aware"):
        make(valid_from=datetime(2025, 1, 1))


def test_valid_until_before_valid_from_is_refused():
    with pytest.raises(VCError, match="validUntil must be later"):
        make(valid_until=VALID_FROM - timedelta(seconds=1))


@pytest.mark.parametrize("index", [-1, "3", 1.5, True])
def test_bad_status_index_is_refused(index):
    with pytest.raises(VCError, match="index"):
        make(status=[StatusEntry("https://laurel.example/status/1", index)])


def test_unknown_status_purpose_is_refused():
    with pytest.raises(VCError, match="status purpose"):
        make(status=[StatusEntry("https://laurel.example/status/1", 1, purpose="message")])


@pytest.mark.parametrize("attributes", [{"": "x"}, {"  ": "x"}, {"grade": 5}])
def test_bad_custom_attributes_are_refused(attributes):
    with pytest.raises(VCError, match="custom attribute"):
        make(custom_attributes=attributes)


INTERNATIONAL = [
    "Zoë Ñúñez-Åström",
    "山田 太郎",
    "محمد بن سلمان",
    "שָׁלוֹם",
    "Ελένη Παπαδοπούλου",
    "Nguyễn Thị Minh Khai",
    "👩🏽‍🚀 Astronaut",
]
HOSTILE = [
    'quote " and backslash \\ and tab \t',
    "new\nline and carriage\rreturn",
    "C1 control \x85\x9f characters (C0 ones are refused: tests/vc/test_control_characters.py)",
    "<script>alert(1)</script>",
    "\u202eRTL override\u202c and zero width\u200b joiner\u200d",
    "combining e\u0301\u0301\u0301",
    "x" * 10_000,
    "lone surrogate-free 𝕏 astral",
]


@pytest.mark.parametrize("text", INTERNATIONAL + HOSTILE)
def test_international_and_hostile_text_is_kept_verbatim(text):
    credential = full(
        recipient=Recipient(text, "someone@example.org"),
        achievement=AchievementInfo(id=ACHIEVEMENT.id, name=text, description=text, criteria=text),
        custom_attributes={text: text},
    )
    assert json.loads(json.dumps(credential)) == credential
    assert credential["credentialSubject"]["name"] == text
    assert credential["credentialSubject"]["achievement"]["criteria"]["narrative"] == text
    check_safe(credential)


def test_validate_schema_names_the_failing_place():
    credential = make()
    broken = copy.deepcopy(credential)
    broken["credentialSubject"]["achievement"]["type"] = "Achievement"
    with pytest.raises(SchemaError, match="credentialSubject/achievement"):
        validate_schema(broken)
    without_issuer = {k: v for k, v in credential.items() if k != "issuer"}
    with pytest.raises(SchemaError, match="'issuer' is a required property"):
        validate_schema(without_issuer)


def test_validate_schema_wants_proof_as_an_array():
    credential = make()
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2025-01-01T00:00:00Z",
        "verificationMethod": ISSUER.id + "#key-1",
        "proofPurpose": "assertionMethod",
        "proofValue": "z1",
    }
    validate_schema(credential | {"proof": [proof]})
    with pytest.raises(SchemaError, match="proof"):
        validate_schema(credential | {"proof": proof})


def test_validate_schema_refuses_what_is_not_an_object():
    with pytest.raises(SchemaError, match="JSON object"):
        validate_schema([])  # type: ignore[arg-type]


def test_safe_mode_names_an_undefined_term():
    credential = make()
    credential["credentialSubject"]["favouriteColour"] = "green"
    with pytest.raises(SafeModeError, match="undefined term 'favouriteColour'"):
        check_safe(credential)


def test_two_status_entries_are_refused_by_the_ob_schema():
    # The OB 3.0 schema wants credentialStatus to be one object, so a Laurel credential
    # carries one status entry (revocation or suspension), never a list.
    entries = [
        StatusEntry("https://laurel.example/status/r", 1, "revocation"),
        StatusEntry("https://laurel.example/status/s", 1, "suspension"),
    ]
    with pytest.raises(SchemaError, match="credentialStatus"):
        make(status=entries)
